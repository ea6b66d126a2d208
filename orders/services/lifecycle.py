"""O3–O5, O7: declining, cancelling before a contract, allocating, acceptance by payment, part despatch."""

import datetime as dt

from django.db import transaction
from simple_history.utils import bulk_update_with_history

from mint_shop import clock
from mint_shop.actors import Actor
from mint_shop.errors import RuleViolation
from orders import errors, events, hooks
from orders.models import Order, OrderLine
from orders.services._common import lock_lines, lock_order, require_live, require_open, tell_customer, withdraw_lines
from orders.services.title import title_pass_due


def order_decline(*, order_id: int, reason: str, actor: Actor) -> Order:
    """O4: staff decline an offer before any line is accepted; stock returns, holds are released."""
    if not reason.strip():
        raise RuleViolation(errors.DECLINE_REASON_MISSING, "Give the reason for declining.")
    with transaction.atomic(durable=True):
        order = lock_order(order_id)
        require_open(order)
        lines = [line for line in lock_lines(order) if line.live]
        if any(line.accepted_at for line in lines):
            raise RuleViolation(errors.ALREADY_ACCEPTED, "A line is under contract: the offer cannot be declined.")
        withdraw_lines(order=order, lines=lines, because=OrderLine.WithdrawnBecause.DECLINED, actor=actor)
        order.status = Order.Status.DECLINED
        order.decline_reason = reason
        order.save(update_fields=["status", "decline_reason"])
        events.order_declined(order=order, reason=reason, actor=actor)
        tell_customer(
            order=order,
            kind="order_declined",
            subject=f"Your order {order.pk}",
            body=f"We are sorry: we cannot accept your order {order.pk}. Nothing will be charged for it.",
            dedupe_key=f"order:{order.pk}:declined",
        )
    return order


def order_lines_cancel(*, order_id: int, line_ids: list[int], actor: Actor) -> Order:
    """The customer withdraws lines of their offer before a contract forms (O3); stock returns."""
    with transaction.atomic(durable=True):
        order = lock_order(order_id)
        require_open(order)
        lines = lock_lines(order, line_ids)
        require_live(lines)
        withdraw_lines(order=order, lines=lines, because=OrderLine.WithdrawnBecause.CANCELLED, actor=actor)
    return order


def order_lines_allocate(*, order_id: int, actor: Actor, line_ids: list[int] | None = None) -> list[OrderLine]:
    """O5: the warehouse sets stock aside for lines; only then may payments charge a card for them."""
    with transaction.atomic(durable=True):
        order = lock_order(order_id)
        require_open(order)
        lines = lock_lines(order, line_ids)
        if line_ids is None:
            lines = [line for line in lines if line.live]
        require_live(lines)
        if any(line.price_question_at and not line.price_answered_at for line in lines):
            raise RuleViolation(errors.PRICE_QUESTION_OPEN, "A line waits for the customer's answer to a new price.")
        lines = [line for line in lines if line.allocated_at is None]
        if not lines:
            return []
        now = clock.now()
        for line in lines:
            line.allocated_at = now
        OrderLine.objects.bulk_update(lines, ["allocated_at"])
        events.lines_allocated(order=order, line_ids=[line.pk for line in lines], actor=actor)
        hooks.notify(hooks.LINES_ALLOCATED, order=order, lines=lines)
    return lines


def order_lines_accept_by_payment(
    *, order_id: int, line_ids: list[int], accepted_at: dt.datetime, funds_cleared: bool, actor: Actor
) -> list[OrderLine]:
    """O3, called by payments: payment was taken for these lines, so each is under contract.

    A line despatched earlier keeps its despatch acceptance (the earlier of the two); it is
    marked paid. `funds_cleared` says the lines are now paid in full in cleared funds, which
    title waits for (O10): not for a banked cheque or the first of several instalments.
    Calling it again for paid lines changes nothing but that.
    """
    with transaction.atomic(durable=True):
        order = lock_order(order_id)
        lines = lock_lines(order, line_ids)
        require_live(lines)
        if funds_cleared:
            clearing = [line for line in lines if line.funds_cleared_at is None]
            for line in clearing:
                line.funds_cleared_at = accepted_at
            bulk_update_with_history(clearing, OrderLine, ["funds_cleared_at"])
        fresh = [line for line in lines if line.paid_at is None]
        for line in fresh:
            line.paid_at = accepted_at
            if line.accepted_at is None or accepted_at < line.accepted_at:
                line.accepted_at = accepted_at
                line.accepted_via = OrderLine.AcceptedVia.PAYMENT
        if fresh:
            OrderLine.objects.bulk_update(fresh, ["paid_at", "accepted_at", "accepted_via"])
            events.lines_paid(order=order, line_ids=[line.pk for line in fresh], actor=actor)
            tell_customer(
                order=order,
                kind="acceptance",
                subject=f"Your order {order.pk} is accepted",
                body=f"We have taken payment and accepted {len(fresh)} line(s) of your order {order.pk}.",
                dedupe_key=f"order:{order.pk}:acceptance:{','.join(str(line.pk) for line in fresh)}",
            )
        title_pass_due(order=order, lines=lines, actor=actor)
    return lines


def order_lines_unaccept_by_payment(*, order_id: int, line_ids: list[int], actor: Actor) -> list[OrderLine]:
    """Payments took the money back (a bounced cheque): the lines are unpaid again.

    A line that has been despatched stays under contract, now by its despatch (O3).
    """
    with transaction.atomic(durable=True):
        order = lock_order(order_id)
        lines = lock_lines(order, line_ids)
        paid = [line for line in lines if line.paid_at is not None]
        for line in paid:
            line.paid_at = None
            if line.accepted_via == OrderLine.AcceptedVia.PAYMENT:
                despatched_at = line.shipment.despatched_at if line.shipment_id else None
                line.accepted_at = despatched_at
                line.accepted_via = OrderLine.AcceptedVia.DESPATCH if despatched_at else ""
        if paid:
            OrderLine.objects.bulk_update(paid, ["paid_at", "accepted_at", "accepted_via"])
            events.lines_payment_reversed(order=order, line_ids=[line.pk for line in paid], actor=actor)
    return lines


def order_part_despatch_request(*, order_id: int, actor: Actor) -> Order:
    """O7: with more than one product still to come, the customer asks for ready items to go first.

    A second parcel costs the order's delivery charge again, added to the order.
    """
    with transaction.atomic(durable=True):
        order = lock_order(order_id)
        require_open(order)
        if order.part_despatch_requested_at:
            return order
        waiting = {line.product_id for line in lock_lines(order) if line.live and line.shipment_id is None}
        if len(waiting) < 2:
            raise RuleViolation(
                errors.PART_DESPATCH_NOT_POSSIBLE, "Part despatch needs more than one product still to send."
            )
        order.part_despatch_requested_at = clock.now()
        order.part_despatch_charge_pence = order.delivery_pence
        order.save(update_fields=["part_despatch_requested_at", "part_despatch_charge_pence"])
        events.part_despatch_requested(order=order, charge_pence=order.part_despatch_charge_pence, actor=actor)
    return order
