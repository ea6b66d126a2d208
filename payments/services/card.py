"""Card payments through Stripe: authorise on placing (M2), capture or charge for the lines
despatched or allocated (M4), release after 10 days or on a lapse (M3), the held-payment queue.

Every Stripe call is a CardOperation row written in the caller's transaction and performed
after it commits, outside any transaction, by `payments.services.card_operations`.
"""

import datetime as dt

from django.conf import settings
from django.db import transaction
from django.db.models import Sum

from mint_shop import clock
from mint_shop.actors import Actor
from mint_shop.background import enqueue_on_commit
from mint_shop.db import retry_on_conflict
from mint_shop.errors import RuleViolation
from mint_shop.rows import row_create
from orders.models import Order, OrderLine
from orders.money import lines_amount_pence, order_charges_pence, order_total_pence
from orders.services import PaymentRequest
from payments import errors
from payments.locks import order_lock, orders_lock, payment_rows_lock
from payments.models import Authorisation, CardOperation, LedgerEntry, OrderPayment, PaidLine
from payments.services.ledger import ledger_record

CARD = "card"
# Raw card fields a client might send; refused so card numbers never reach our server (M2, PCI DSS).
_CARD_FIELDS = {"number", "card_number", "pan", "cvc", "cvv", "exp_month", "exp_year", "card"}


# --- Opening: the authorisation when a card order is placed (M2) --------------------------


def card_payment_method_id(payment: PaymentRequest) -> str:
    """M2: the Stripe payment method a card order gives; raw card fields are refused (PCI DSS)."""
    if _CARD_FIELDS & set(payment.other_fields):
        raise RuleViolation(
            errors.CARD_DETAILS_REFUSED, "Card details go to Stripe only; send a Stripe payment method id."
        )
    payment_method_id = str(payment.stripe_payment_method_id or "")
    if not payment_method_id.startswith("pm_"):
        raise RuleViolation(errors.PAYMENT_METHOD_ID_REQUIRED, "A card order needs a Stripe payment method id (pm_…).")
    return payment_method_id


def card_authorisation_open(*, order_payment: OrderPayment, actor: Actor, lines=None) -> Authorisation:
    """Record the hold for the order's full amount and ask Stripe once the order commits.

    Runs inside the order-placing transaction (orders.hooks.ORDER_PLACED), for an order
    payment made with its card (`card_payment_method_id`); `lines` are the order's lines
    when the caller has them.
    """
    amount = order_total_pence(order_payment.order, lines)
    authorisation = row_create(Authorisation(order_payment=order_payment, amount_pence=amount))
    operation_open(order_payment=order_payment, kind=CardOperation.Kind.AUTHORISE, amount_pence=amount, actor=actor)
    return authorisation


def operation_open(
    *, order_payment, kind, amount_pence, actor, line_ids=(), refund=None, payment_intent_id="", later=True
) -> CardOperation:
    """Record a Stripe call to make once the caller's transaction commits (lines paid by it reserved).

    `later=False`: the caller makes the call itself once committed; being due at once, the
    retry sweep makes it should the caller never get there.
    """
    operation = row_create(
        CardOperation(
            next_attempt_at=None if later else clock.now(),
            payment_intent_id=payment_intent_id,
            order_payment=order_payment,
            kind=kind,
            amount_pence=amount_pence,
            line_ids=list(line_ids),
            refund=refund,
            actor=actor.describe(),
        )
    )
    if line_ids:
        PaidLine.objects.bulk_create([PaidLine(line_id=line_id, operation=operation) for line_id in line_ids])
    if later:
        from payments.tasks import card_operation_perform as task

        enqueue_on_commit(task, operation.pk)
    return operation


# --- Taking money for lines: capture, or charge the saved card (M4, M3) -------------------


def card_take_for_lines(*, order: Order, lines: list[OrderLine], actor: Actor) -> CardOperation | None:
    """Take payment for lines allocated on a phone or postal order (O5, M4): nothing has left yet,
    so a capture of the live hold or else a charge of the saved card.

    Lines already paid are skipped, so a second notice changes nothing. A take carries the
    order's charges no earlier take carried. A live hold is captured once (Stripe allows one
    capture, which releases the rest).
    """
    return _take(order, lines, actor=actor, may_charge=True)


def card_capture_despatched(*, order: Order, lines: list[OrderLine], actor: Actor) -> CardOperation | None:
    """LINES_DESPATCHED: capture the despatched lines from the live hold (M4).

    Never a charge after the goods have left: lines no live hold covers were charged before
    the despatch check let them go (`card_assert_lines_payable`), or staff chose to invoice.
    """
    return _take(order, lines, actor=actor, may_charge=False)


def _take(order: Order, lines: list[OrderLine], *, actor: Actor, may_charge: bool) -> CardOperation | None:
    order_payment = OrderPayment.objects.select_for_update().get(order=order)
    if order_payment.invoice_chosen_at:
        return None  # staff chose to despatch on invoice: the card is not tried again
    authorisation = Authorisation.objects.select_for_update().get(order_payment=order_payment)
    reserved = reserved_lines(order)
    to_pay = sorted(
        (line for line in lines if line.pk not in reserved and line.paid_at is None), key=lambda line: line.pk
    )
    if not to_pay:
        return None
    amount = amount_due_pence(order, to_pay)
    if not may_charge and not (
        authorisation.status == Authorisation.Status.PENDING or _hold_covers(order_payment, authorisation, amount)
    ):
        return None
    kind = take_kind(order_payment, authorisation, amount, actor=actor)
    line_ids = [line.pk for line in to_pay]
    return operation_open(order_payment=order_payment, kind=kind, amount_pence=amount, line_ids=line_ids, actor=actor)


def reserved_lines(order: Order) -> dict[int, tuple[str, str]]:
    """Lines a card operation pays or is paying for: line id -> (operation kind, status)."""
    return {
        line_id: (kind, status)
        for line_id, kind, status in PaidLine.objects.filter(line__order=order).values_list(
            "line_id", "operation__kind", "operation__status"
        )
    }


def amount_due_pence(order: Order, lines: list[OrderLine]) -> int:
    """These lines, and whatever of the order's charges (delivery, and a part despatch's second
    delivery charge, O7) no earlier capture or charge has carried."""
    taken = (
        CardOperation.objects.filter(
            order_payment__order=order,
            kind__in=[CardOperation.Kind.CAPTURE, CardOperation.Kind.CHARGE],
            status__in=[CardOperation.Status.PENDING, CardOperation.Status.SUCCEEDED],
        ).aggregate(total=Sum("amount_pence"))["total"]
        or 0
    )
    paid_lines = order.lines.filter(card_payment__isnull=False)
    carried = taken - lines_amount_pence(paid_lines)
    return lines_amount_pence(lines) + max(order_charges_pence(order) - carried, 0)


def _capture_under_way(order_payment: OrderPayment) -> bool:
    """Stripe allows one capture per hold: once one is under way, later lines are charged."""
    return order_payment.card_operations.filter(
        kind=CardOperation.Kind.CAPTURE, status__in=[CardOperation.Status.PENDING, CardOperation.Status.SUCCEEDED]
    ).exists()


def _hold_covers(order_payment: OrderPayment, authorisation: Authorisation, amount: int) -> bool:
    """A live, uncaptured hold within Stripe's deadline and big enough (P7) can pay for these lines."""
    return (
        authorisation.status == Authorisation.Status.AUTHORISED
        and not deadline_passed(authorisation)
        and amount <= authorisation.amount_pence
        and not _capture_under_way(order_payment)
    )


def take_kind(order_payment: OrderPayment, authorisation: Authorisation, amount: int, *, actor: Actor) -> str:
    """Capture from the hold while it is live and uncaptured; otherwise charge the saved card."""
    if _capture_under_way(order_payment):
        return CardOperation.Kind.CHARGE
    if authorisation.status == Authorisation.Status.PENDING:
        return CardOperation.Kind.CAPTURE  # the hold is not back from Stripe yet: the capture waits for it
    if _hold_covers(order_payment, authorisation, amount):
        return CardOperation.Kind.CAPTURE
    if authorisation.status == Authorisation.Status.AUTHORISED:
        # Live but of no use: past Stripe's deadline (lapsed), or P7 more than it covers (released).
        status = Authorisation.Status.LAPSED if deadline_passed(authorisation) else Authorisation.Status.RELEASED
        authorisation_end(authorisation, status, actor=actor)
    return CardOperation.Kind.CHARGE


def lines_to_charge_before_despatch(
    *, order: Order, order_payment: OrderPayment, authorisation: Authorisation, lines: list[OrderLine]
) -> list[OrderLine]:
    """Lines that may not leave yet (M3, M4): no money taken for them and no live hold to capture.

    A line whose capture from the live hold is under way counts as paid for; one whose
    charge Stripe has not answered yet does not.
    """
    reserved = reserved_lines(order)
    waiting = [
        line
        for line in lines
        if line.pk in reserved
        and reserved[line.pk][1] != CardOperation.Status.SUCCEEDED
        and reserved[line.pk][0] != CardOperation.Kind.CAPTURE
    ]
    # A line paid for otherwise (a free replacement or repair of a faulty one, R7) has nothing to take.
    free = [line for line in lines if line.pk not in reserved and line.paid_at is None]
    if free and not _hold_covers(order_payment, authorisation, amount_due_pence(order, free)):
        waiting += free
    return sorted(waiting, key=lambda line: line.pk)


@retry_on_conflict
def authorisation_capture(*, order_id: int, line_ids: list[int], actor: Actor) -> CardOperation:
    """Staff capture lines from the live hold by hand (M4): refused once the hold has ended."""
    with transaction.atomic(durable=True):
        order, order_payment, authorisation = payment_rows_lock(order_id)
        if (
            authorisation is None
            or authorisation.status != Authorisation.Status.AUTHORISED
            or deadline_passed(authorisation)
            or _capture_under_way(order_payment)
        ):
            state = authorisation.get_status_display().lower() if authorisation else "missing (no card hold)"
            raise RuleViolation(
                errors.AUTHORISATION_NOT_CAPTURABLE,
                f"The card hold on order {order_id} cannot be captured: it is "
                f"{state}, already being captured, or past Stripe's deadline.",
            )
        lines = list(order.lines.filter(pk__in=line_ids, card_payment__isnull=True).order_by("pk"))
        if not lines:
            raise RuleViolation(
                errors.AUTHORISATION_NOT_CAPTURABLE, "Those lines are not on the order or already paid."
            )
        lines_assert_allocated(lines)
        amount = lines_amount_pence(lines) + order.delivery_pence
        if amount > authorisation.amount_pence:
            raise RuleViolation(errors.CAPTURE_ABOVE_AUTHORISED, "That is more than the hold covers (P7).")
        return _take(order, lines, actor=actor, may_charge=False)


def lines_assert_allocated(lines: list[OrderLine]) -> None:
    """O5 (T&C 7.4(a)): no card is captured or charged for a line before stock is allocated to it.

    Staff capture and the charge before despatch pass through here; the other takes (at
    allocation for phone and postal orders, on despatch) come after allocation by their nature (M4).
    """
    unallocated = [line.pk for line in lines if line.allocated_at is None]
    if unallocated:
        raise RuleViolation(
            errors.NOT_ALLOCATED,
            f"Line(s) {', '.join(map(str, unallocated))} have no stock allocated yet: "
            "a card is not charged for a line before its stock is allocated (O5).",
        )


def deadline_passed(authorisation: Authorisation) -> bool:
    return authorisation.capture_before is not None and authorisation.capture_before <= clock.now()


def card_assert_lines_payable(*, order: Order, lines: list[OrderLine]) -> None:
    """LINES_DESPATCH_CHECK: nothing leaves unpaid unless staff chose to invoice (M3, M4).

    A held payment stops every despatch. A card line no live hold covers (released at day
    10, lapsed, or the rest of a hold after its one capture) waits until the saved card is
    charged for it (`card_charge_for_despatch`).
    """
    order_payment = OrderPayment.objects.filter(order=order).first()
    if order_payment is None or order_payment.invoice_chosen_at:
        return
    if order_payment.held_at:
        raise RuleViolation(
            errors.PAYMENT_HELD,
            f"Payment for order {order.pk} is held ({order_payment.hold_reason}); "
            "take payment or choose to invoice before despatch.",
        )
    if order_payment.method != CARD:
        return
    authorisation = Authorisation.objects.get(order_payment=order_payment)
    unpaid = lines_to_charge_before_despatch(
        order=order, order_payment=order_payment, authorisation=authorisation, lines=lines
    )
    if unpaid:
        raise RuleViolation(
            errors.CHARGE_BEFORE_DESPATCH,
            f"Line(s) {', '.join(str(line.pk) for line in unpaid)} of order {order.pk} are not paid for and no "
            "live card hold covers them: charge the saved card for them before despatch, or choose to invoice.",
        )


def card_lines_withdrawn(*, order: Order, lines: list[OrderLine], actor: Actor) -> None:
    """O4: a withdrawal wins over any money operation not yet made for its lines, and when
    nothing of the order is left to pay for, the hold is released.

    A capture or charge for these lines not yet sent to Stripe is cancelled (and made again
    for the order's other lines it covered); one already on its way is refunded for them by the
    worker when it records Stripe's answer. A part withdrawal needs no call: the single
    capture takes only what is despatched and Stripe releases the rest.
    However many steps took the lines off, the hold goes with the last live one: lines
    withdrawn earlier count as gone.
    """
    order_payment = OrderPayment.objects.select_for_update().get(order=order)
    authorisation = Authorisation.objects.select_for_update().get(order_payment=order_payment)
    withdrawn = {line.pk for line in lines}
    _unsent_takes_cancel(order=order, order_payment=order_payment, withdrawn=withdrawn, actor=actor)
    remaining = (
        order.lines.filter(withdrawn_at__isnull=True).exclude(pk__in=withdrawn).exclude(card_payment__isnull=False)
    )
    nothing_left = order.status in (Order.Status.DECLINED, Order.Status.CANCELLED) or not remaining.exists()
    if nothing_left and authorisation.status in (Authorisation.Status.AUTHORISED, Authorisation.Status.PENDING):
        authorisation_end(authorisation, Authorisation.Status.RELEASED, actor=actor, charge_on_despatch=False)


def _unsent_takes_cancel(*, order: Order, order_payment: OrderPayment, withdrawn: set[int], actor: Actor) -> None:
    unsent = CardOperation.objects.select_for_update().filter(
        order_payment=order_payment,
        status=CardOperation.Status.PENDING,
        kind__in=[CardOperation.Kind.CAPTURE, CardOperation.Kind.CHARGE],
        sent_at__isnull=True,  # claimed by the worker (perhaps at Stripe now): its answer decides
    )
    for operation in unsent.order_by("pk"):
        if not withdrawn & set(operation.line_ids):
            continue
        PaidLine.objects.filter(operation=operation).delete()
        operation.status = CardOperation.Status.CANCELLED
        operation.finished_at = clock.now()
        operation.next_attempt_at = None
        operation.last_error = "its lines were withdrawn before it was made (O4)"
        operation.save(update_fields=["status", "finished_at", "next_attempt_at", "last_error"])
        kept = list(order.lines.filter(pk__in=operation.line_ids).exclude(pk__in=withdrawn).order_by("pk"))
        if kept:
            operation_open(
                order_payment=order_payment,
                kind=operation.kind,
                amount_pence=amount_due_pence(order, kept),
                line_ids=[line.pk for line in kept],
                actor=actor,
            )


# --- Ending holds: release at day 10, lapse at Stripe's deadline (M3) --------------------


def authorisation_end(authorisation, status, *, actor, charge_on_despatch=True) -> None:
    """Record a hold's end (released by us, or lapsed at Stripe) and, for a release, tell Stripe."""
    was_pending = authorisation.status == Authorisation.Status.PENDING
    authorisation.status = status
    authorisation.ended_at = clock.now()
    authorisation.save(update_fields=["status", "ended_at"])
    order_payment = authorisation.order_payment
    if not was_pending:
        ledger_record(
            order_id=order_payment.order_id,
            kind=LedgerEntry.Kind.RELEASE if status == Authorisation.Status.RELEASED else LedgerEntry.Kind.LAPSE,
            amount_pence=authorisation.amount_pence,
            method=CARD,
            payment_intent_id=authorisation.payment_intent_id,
            actor=actor,
        )
    if charge_on_despatch and order_payment.charge_on_despatch_since is None:
        order_payment.charge_on_despatch_since = clock.now()
        order_payment.save(update_fields=["charge_on_despatch_since"])
    if status == Authorisation.Status.RELEASED:
        operation_open(order_payment=order_payment, kind=CardOperation.Kind.CANCEL, amount_pence=0, actor=actor)


def authorisation_lapse(*, payment_intent_id: str, actor: Actor) -> bool:
    """Stripe ended the hold itself (charge.expired, or canceled with reason automatic).

    Safe in any order and any number of times: only a live hold changes.
    """
    order_id = (
        Authorisation.objects.filter(payment_intent_id=payment_intent_id)
        .values_list("order_payment__order_id", flat=True)
        .first()
    )
    if order_id is None or not payment_intent_id:
        return False
    with transaction.atomic(durable=True):
        _, _, authorisation = payment_rows_lock(order_id)  # the order first (payments.locks)
        if authorisation.status != Authorisation.Status.AUTHORISED:
            return False
        authorisation_end(authorisation, Authorisation.Status.LAPSED, actor=actor)
        return True


def authorisations_lapse_overdue(*, actor: Actor) -> int:
    """Holds past Stripe's deadline with no webhook yet count as lapsed (M3)."""
    with transaction.atomic(durable=True):
        due = Authorisation.objects.filter(status=Authorisation.Status.AUTHORISED, capture_before__lte=clock.now())
        order_ids = orders_lock(due.values_list("order_payment__order_id", flat=True))  # orders first
        overdue = list(
            due.select_for_update(of=("self",))
            .select_related("order_payment")
            .filter(order_payment__order_id__in=order_ids)
            .order_by("pk")
        )
        for authorisation in overdue:
            authorisation_end(authorisation, Authorisation.Status.LAPSED, actor=actor)
    return len(overdue)


def release_cutoff() -> dt.datetime:
    """Holds authorised before this instant are past the release day (M3): calendar days in London."""
    release_day = clock.days_after(clock.today(), -settings.MINT_AUTHORISATION_RELEASE_DAYS)
    return clock.start_of_london_day(clock.days_after(release_day, 1))


# --- Staff: the held-payment queue --------------------------------------------------------


def order_payment_hold_resolve(
    *, order_id: int, actor: Actor, invoice: bool = False, stripe_payment_method_id: str = ""
) -> OrderPayment:
    """Staff settle a held payment: despatch on invoice, or charge a (new) saved card again."""
    with transaction.atomic(durable=True):
        order_lock(order_id)  # payments.locks
        order_payment = (
            OrderPayment.objects.select_for_update(of=("self",)).select_related("order").get(order_id=order_id)
        )
        if order_payment.held_at is None:
            raise RuleViolation(errors.NOT_HELD, f"Payment for order {order_id} is not held.")
        if invoice:
            order_payment.invoice_chosen_at = clock.now()
            order_payment.invoice_chosen_by = actor.user
            order_payment.save(update_fields=["invoice_chosen_at", "invoice_chosen_by"])
            return order_payment
        if not stripe_payment_method_id.startswith("pm_"):
            raise RuleViolation(errors.PAYMENT_METHOD_ID_REQUIRED, "Give the Stripe payment method id to charge.")
        order_payment.stripe_payment_method_id = stripe_payment_method_id
        order_payment.held_at = None
        order_payment.hold_reason = ""
        order_payment.charge_on_despatch_since = order_payment.charge_on_despatch_since or clock.now()
        order_payment.save(
            update_fields=["stripe_payment_method_id", "held_at", "hold_reason", "charge_on_despatch_since"]
        )
        unpaid = _failed_unpaid_lines(order_payment)
        if unpaid:
            operation_open(
                order_payment=order_payment,
                kind=CardOperation.Kind.CHARGE,
                amount_pence=amount_due_pence(order_payment.order, unpaid),
                line_ids=[line.pk for line in unpaid],
                actor=actor,
            )
        return order_payment


def _failed_unpaid_lines(order_payment: OrderPayment) -> list[OrderLine]:
    """Lines whose capture or charge failed and that nothing has paid since."""
    failed_ids = set()
    for line_ids in order_payment.card_operations.filter(
        status=CardOperation.Status.FAILED, kind__in=[CardOperation.Kind.CHARGE, CardOperation.Kind.CAPTURE]
    ).values_list("line_ids", flat=True):
        failed_ids.update(line_ids)
    return list(order_payment.order.lines.filter(pk__in=failed_ids, card_payment__isnull=True).order_by("pk"))
