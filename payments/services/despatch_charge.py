"""Charge on despatch after release (M3, M4): the saved card is charged before the lines leave.

Once a hold is released (day 10), lapsed, or spent by its one capture, the despatch check
refuses the lines until this charge has succeeded, so nothing is despatched unpaid unless
staff choose to invoice.
"""

from django.db import transaction

from mint_shop.actors import Actor
from mint_shop.db import retry_on_conflict
from mint_shop.errors import RuleViolation
from payments import errors
from payments.locks import order_lock
from payments.models import Authorisation, CardOperation, OrderPayment, PaidLine
from payments.services.card import (
    CARD,
    amount_due_pence,
    lines_assert_allocated,
    lines_to_charge_before_despatch,
    operation_open,
    reserved_lines,
    take_kind,
)
from payments.services.card_operations import card_operation_perform


def card_charge_for_despatch(*, order_id: int, line_ids: list[int], actor: Actor) -> list[CardOperation]:
    """Charge the saved card off-session for lines about to leave with no live hold behind them.

    Called outside any transaction: the charge is recorded first, then made, and Stripe's
    answer recorded before this returns, so the despatch that follows finds the lines paid.
    A decline or an authentication demand holds the order, tells the customer and puts it in
    the staff queue; the despatch stays refused. Asking again while Stripe has not answered
    a charge tries that same charge again (its idempotency key), never a second one.
    """
    operation_ids = _charges_open(order_id=order_id, line_ids=line_ids, actor=actor)
    operations = [card_operation_perform(operation_id=operation_id) for operation_id in operation_ids]
    refused = [operation for operation in operations if operation.status == CardOperation.Status.FAILED]
    if refused:
        raise RuleViolation(
            errors.CHARGE_REFUSED,
            f"The saved card was not charged for order {order_id} ({refused[0].last_error}); the payment is held "
            "and the customer told. Take payment or choose to invoice before despatch.",
        )
    return operations


@retry_on_conflict
def _charges_open(*, order_id: int, line_ids: list[int], actor: Actor) -> list[int]:
    with transaction.atomic(durable=True):
        order = order_lock(order_id)  # the order first (payments.locks)
        order_payment = OrderPayment.objects.select_for_update().get(order=order)
        if order_payment.method != CARD:
            raise RuleViolation(errors.NOTHING_TO_CHARGE, f"Order {order_id} is not paid by card.")
        if order_payment.held_at:
            raise RuleViolation(
                errors.PAYMENT_HELD,
                f"Payment for order {order_id} is held ({order_payment.hold_reason}): resolve the hold first.",
            )
        authorisation = Authorisation.objects.select_for_update().get(order_payment=order_payment)
        if authorisation.status == Authorisation.Status.PENDING:
            raise RuleViolation(
                errors.CHARGE_BEFORE_DESPATCH, "The card hold has not come back from Stripe yet; try again shortly."
            )
        lines = list(order.lines.filter(pk__in=line_ids, withdrawn_at__isnull=True).order_by("pk"))
        if not lines or len(lines) != len(set(line_ids)):
            raise RuleViolation(errors.NOTHING_TO_CHARGE, "Some of those lines are not live lines of this order.")
        lines_assert_allocated(lines)
        due = lines_to_charge_before_despatch(
            order=order, order_payment=order_payment, authorisation=authorisation, lines=lines
        )
        if not due:
            raise RuleViolation(
                errors.NOTHING_TO_CHARGE,
                "Those lines are paid for, or the live card hold will be captured when they are despatched.",
            )
        reserved = reserved_lines(order)
        unanswered = sorted(
            set(
                PaidLine.objects.filter(line__in=[line for line in due if line.pk in reserved]).values_list(
                    "operation_id", flat=True
                )
            )
        )
        fresh = [line for line in due if line.pk not in reserved]
        if not fresh:
            return unanswered
        amount = amount_due_pence(order, fresh)
        operation = operation_open(
            order_payment=order_payment,
            # A charge: the hold does not cover these lines (one still live but of no use is ended here).
            kind=take_kind(order_payment, authorisation, amount, actor=actor),
            amount_pence=amount,
            line_ids=[line.pk for line in fresh],
            actor=actor,
            later=False,
        )
        return [*unanswered, operation.pk]
