"""P7: an open order keeps its quoted price unless the customer agrees to a new one."""

from django.db import transaction

from mint_shop import clock
from mint_shop.actors import Actor
from mint_shop.errors import RuleViolation
from mint_shop.money import format_pence
from orders import errors, events
from orders.models import OrderLine
from orders.services._common import lines_save, lock_lines, lock_order, require_open, tell_customer, withdraw_lines


def _open_question(line: OrderLine) -> bool:
    return line.price_question_at is not None and line.price_answered_at is None


def order_price_change_propose(*, order_id: int, actor: Actor) -> list[OrderLine]:
    """Staff put today's prices to an open order: the lines affected wait for the customer's answer.

    Only lines not yet under contract and not despatched can change (T&C 7.2).
    """
    with transaction.atomic(durable=True):
        order = lock_order(order_id)
        require_open(order)
        lines = [
            line
            for line in OrderLine.objects.select_for_update(of=("self",))
            .select_related("product")
            .filter(order=order, withdrawn_at__isnull=True, accepted_at__isnull=True, shipment__isnull=True)
            .order_by("pk")
            if line.product.price_pence != line.unit_price_pence and not _open_question(line)
        ]
        if not lines:
            raise RuleViolation(errors.NO_PRICE_CHANGE, "No open line on this order has a new price to put.")
        now = clock.now()
        for line in lines:
            line.proposed_unit_price_pence = line.product.price_pence
            line.price_question_at = now
            line.price_answer = ""
            line.price_answered_at = None
        lines_save(
            lines, ["proposed_unit_price_pence", "price_question_at", "price_answer", "price_answered_at"], actor=actor
        )
        events.price_question_asked(order=order, line_ids=[line.pk for line in lines], actor=actor)
        rows = [
            f"{line.product.name}: was {format_pence(line.unit_price_pence)}, "
            f"now {format_pence(line.proposed_unit_price_pence)} each"
            for line in lines
        ]
        tell_customer(
            order=order,
            kind="price_question",
            subject=f"A new price on your order {order.pk}",
            body="\n".join(
                [
                    "The price of some items on your order has changed with raw material prices:",
                    *rows,
                    "Please tell us whether you wish to proceed at the new price. If you do not, those items "
                    "will be cancelled; we will not take more than the price you were quoted without your agreement.",
                ]
            ),
            dedupe_key=f"order:{order.pk}:price_question:{now.isoformat()}",
        )
    return lines


def order_price_change_respond(*, order_id: int, agree: bool, actor: Actor) -> list[OrderLine]:
    """The customer's recorded answer: agreement takes the new price; refusal cancels those lines."""
    with transaction.atomic(durable=True):
        order = lock_order(order_id)
        require_open(order)
        lines = [line for line in lock_lines(order) if line.live and _open_question(line)]
        if not lines:
            raise RuleViolation(errors.NO_PRICE_QUESTION, "There is no price change waiting for your answer.")
        now = clock.now()
        for line in lines:
            line.price_answer = "agreed" if agree else "refused"
            line.price_answered_at = now
            if agree:
                line.unit_price_pence = line.proposed_unit_price_pence
        lines_save(lines, ["price_answer", "price_answered_at", "unit_price_pence"], actor=actor)
        events.price_question_answered(order=order, line_ids=[line.pk for line in lines], agreed=agree, actor=actor)
        if not agree:
            withdraw_lines(order=order, lines=lines, because=OrderLine.WithdrawnBecause.PRICE_REFUSED, actor=actor)
    return lines
