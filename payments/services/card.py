"""Card payments through Stripe: authorise on placing (M2), capture or charge for the lines
despatched or allocated (M4), release after 10 days or on a lapse (M3), holds after a decline.

Every Stripe call is a CardOperation row written in the caller's transaction and performed
after it commits, outside any transaction (`card_operation_perform`). A call that cannot
reach Stripe, times out or is rate-limited stays pending and is retried with backoff by the
`card_operations_retry_due` task; a retry first asks Stripe whether the earlier attempt got
through, so nothing is ever charged twice.
"""

import datetime as dt
import logging
from functools import partial

import stripe
from django.conf import settings
from django.db import transaction

from mint_shop import clock
from mint_shop.actors import Actor
from mint_shop.errors import RuleViolation
from notifications.services import message_queue
from orders.models import Order, OrderLine
from payments import errors, gateway, orders_link
from payments.amounts import line_amount_pence, order_total_pence
from payments.models import Authorisation, CardOperation, LedgerEntry, OrderPayment, PaidLine, Refund, StripeCustomer
from payments.services.ledger import ledger_record
from payments.services.refunds import refund_card_part_paid

logger = logging.getLogger(__name__)

CARD = "card"
# A worker that claims an operation has this long before another may try it (a crash mid-call).
CLAIM_LEASE = dt.timedelta(minutes=5)
# Raw card fields a client might send; refused so card numbers never reach our server (M2, PCI DSS).
_CARD_FIELDS = {"number", "card_number", "pan", "cvc", "cvv", "exp_month", "exp_year", "card"}


class _NotYet(Exception):
    """The operation depends on one not finished yet (a capture before its authorisation)."""


# --- Opening: the authorisation when a card order is placed (M2) --------------------------


def card_authorisation_open(*, order_payment: OrderPayment, payment: dict, actor: Actor) -> Authorisation:
    """Record the hold for the order's full amount and ask Stripe once the order commits.

    Runs inside the order-placing transaction (orders.hooks.ORDER_PLACED).
    """
    if _CARD_FIELDS & set(payment):
        raise RuleViolation(
            errors.CARD_DETAILS_REFUSED, "Card details go to Stripe only; send a Stripe payment method id."
        )
    payment_method_id = str(payment.get("stripe_payment_method_id") or "")
    if not payment_method_id.startswith("pm_"):
        raise RuleViolation(errors.PAYMENT_METHOD_ID_REQUIRED, "A card order needs a Stripe payment method id (pm_…).")
    order_payment.stripe_payment_method_id = payment_method_id
    order_payment.save(update_fields=["stripe_payment_method_id"])
    amount = order_total_pence(order_payment.order)
    authorisation = Authorisation.objects.create(order_payment=order_payment, amount_pence=amount)
    operation_open(order_payment=order_payment, kind=CardOperation.Kind.AUTHORISE, amount_pence=amount, actor=actor)
    return authorisation


def operation_open(
    *, order_payment, kind, amount_pence, actor, line_ids=(), refund=None, payment_intent_id=""
) -> CardOperation:
    """Record a Stripe call to make once the caller's transaction commits (lines paid by it reserved)."""
    operation = CardOperation.objects.create(
        payment_intent_id=payment_intent_id,
        order_payment=order_payment,
        kind=kind,
        amount_pence=amount_pence,
        line_ids=list(line_ids),
        refund=refund,
        actor=actor.describe(),
    )
    if line_ids:
        PaidLine.objects.bulk_create([PaidLine(line_id=line_id, operation=operation) for line_id in line_ids])
    transaction.on_commit(partial(_perform_later, operation.pk))
    return operation


def _perform_later(operation_id: int) -> None:
    from payments.tasks import card_operation_perform as task

    task.delay(operation_id)


# --- Taking money for lines: capture, or charge the saved card (M4, M3) -------------------


def card_take_for_lines(*, order: Order, lines: list[OrderLine], actor: Actor) -> CardOperation | None:
    """Take payment for these lines (despatched, or allocated on a phone or postal order).

    Lines already paid are skipped, so a second despatch notice changes nothing. The first
    take carries the delivery charge. A live hold is captured (once: Stripe allows one
    capture, which releases the rest); otherwise the saved card is charged off-session.
    """
    order_payment = OrderPayment.objects.select_for_update().get(order=order)
    authorisation = Authorisation.objects.select_for_update().get(order_payment=order_payment)
    paid = set(PaidLine.objects.filter(line__order=order).values_list("line_id", flat=True))
    to_pay = sorted((line for line in lines if line.pk not in paid), key=lambda line: line.pk)
    if not to_pay:
        return None
    amount = sum(line_amount_pence(line) for line in to_pay) + (0 if paid else order.delivery_pence)
    line_ids = [line.pk for line in to_pay]

    if authorisation.status == Authorisation.Status.AUTHORISED and not _deadline_passed(authorisation):
        if amount <= authorisation.amount_pence:
            return operation_open(
                order_payment=order_payment,
                kind=CardOperation.Kind.CAPTURE,
                amount_pence=amount,
                line_ids=line_ids,
                actor=actor,
            )
        # P7: more than the hold covers (a price the customer agreed to): release and charge.
        _authorisation_end(authorisation, Authorisation.Status.RELEASED, actor=actor)
    elif authorisation.status == Authorisation.Status.AUTHORISED:
        _authorisation_end(authorisation, Authorisation.Status.LAPSED, actor=actor)
    elif authorisation.status == Authorisation.Status.PENDING:
        # The hold has not come back from Stripe yet: the capture waits for it.
        return operation_open(
            order_payment=order_payment,
            kind=CardOperation.Kind.CAPTURE,
            amount_pence=amount,
            line_ids=line_ids,
            actor=actor,
        )
    return operation_open(
        order_payment=order_payment, kind=CardOperation.Kind.CHARGE, amount_pence=amount, line_ids=line_ids, actor=actor
    )


def authorisation_capture(*, order_id: int, line_ids: list[int], actor: Actor) -> CardOperation:
    """Staff capture lines from the live hold by hand (M4): refused once the hold has ended."""
    with transaction.atomic(durable=True):
        order = Order.objects.select_for_update().get(pk=order_id)
        authorisation = Authorisation.objects.select_for_update().get(order_payment__order=order)
        if authorisation.status != Authorisation.Status.AUTHORISED or _deadline_passed(authorisation):
            raise RuleViolation(
                errors.AUTHORISATION_NOT_CAPTURABLE,
                f"The card hold on order {order_id} is {authorisation.get_status_display().lower()}"
                f"{' (past Stripe deadline)' if authorisation.status == Authorisation.Status.AUTHORISED else ''}; "
                "nothing can be captured from it.",
            )
        lines = list(order.lines.filter(pk__in=line_ids, card_payment__isnull=True).order_by("pk"))
        if not lines:
            raise RuleViolation(
                errors.AUTHORISATION_NOT_CAPTURABLE, "Those lines are not on the order or already paid."
            )
        amount = sum(line_amount_pence(line) for line in lines) + order.delivery_pence
        if amount > authorisation.amount_pence:
            raise RuleViolation(errors.CAPTURE_ABOVE_AUTHORISED, "That is more than the hold covers (P7).")
        return card_take_for_lines(order=order, lines=lines, actor=actor)


def _deadline_passed(authorisation: Authorisation) -> bool:
    return authorisation.capture_before is not None and authorisation.capture_before <= clock.now()


def card_assert_lines_payable(*, order: Order) -> None:
    """LINES_DESPATCH_CHECK: a held payment stops despatch unless staff chose to invoice."""
    order_payment = OrderPayment.objects.filter(order=order).first()
    if order_payment and order_payment.held_at and not order_payment.invoice_chosen_at:
        raise RuleViolation(
            errors.PAYMENT_HELD,
            f"Payment for order {order.pk} is held ({order_payment.hold_reason}); "
            "take payment or choose to invoice before despatch.",
        )


def card_lines_withdrawn(*, order: Order, lines: list[OrderLine], actor: Actor) -> None:
    """O4: when nothing of the order is left to pay for, release the hold.

    A part withdrawal needs no call: the single capture takes only what is despatched and
    Stripe releases the rest.
    """
    order_payment = OrderPayment.objects.select_for_update().get(order=order)
    authorisation = Authorisation.objects.select_for_update().get(order_payment=order_payment)
    withdrawn = {line.pk for line in lines}
    remaining = order.lines.exclude(pk__in=withdrawn).exclude(card_payment__isnull=False)
    nothing_left = order.status in (Order.Status.DECLINED, Order.Status.CANCELLED) or not remaining.exists()
    if nothing_left and authorisation.status in (Authorisation.Status.AUTHORISED, Authorisation.Status.PENDING):
        _authorisation_end(authorisation, Authorisation.Status.RELEASED, actor=actor, charge_on_despatch=False)


# --- Ending holds: release at day 10, lapse at Stripe's deadline (M3) --------------------


def _authorisation_end(authorisation, status, *, actor, charge_on_despatch=True) -> None:
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
    with transaction.atomic(durable=True):
        authorisation = (
            Authorisation.objects.select_for_update(of=("self",))
            .select_related("order_payment")
            .filter(payment_intent_id=payment_intent_id, status=Authorisation.Status.AUTHORISED)
            .first()
        )
        if authorisation is None:
            return False
        _authorisation_end(authorisation, Authorisation.Status.LAPSED, actor=actor)
        return True


def authorisations_lapse_overdue(*, actor: Actor) -> int:
    """Holds past Stripe's deadline with no webhook yet count as lapsed (M3)."""
    with transaction.atomic(durable=True):
        overdue = list(
            Authorisation.objects.select_for_update(of=("self",))
            .select_related("order_payment")
            .filter(status=Authorisation.Status.AUTHORISED, capture_before__lte=clock.now())
            .order_by("pk")
        )
        for authorisation in overdue:
            _authorisation_end(authorisation, Authorisation.Status.LAPSED, actor=actor)
    return len(overdue)


def release_cutoff() -> dt.datetime:
    """Holds authorised before this instant are past the release day (M3): calendar days in London."""
    release_day = clock.days_after(clock.today(), -settings.MINT_AUTHORISATION_RELEASE_DAYS)
    return clock.start_of_london_day(clock.days_after(release_day, 1))


# --- Performing operations (outside transactions) -----------------------------------------


def card_operation_perform(*, operation_id: int) -> CardOperation:
    """Make the Stripe call an operation records, once. Safe to call any number of times."""
    operation, first_attempt = _claim(operation_id)
    if operation is None:
        return CardOperation.objects.get(pk=operation_id)
    try:
        outcome = _ACT[operation.kind](operation, first_attempt)
    except gateway.RETRYABLE_ERRORS + (_NotYet,) as exc:
        return _retry_later(operation, exc)
    except stripe.StripeError as exc:
        return _record_refused(operation, exc)
    return _RECORD[operation.kind](operation, outcome)


def card_operations_retry_due(*, limit: int = 500) -> int:
    """The retry sweep: every pending operation whose time has come."""
    now = clock.now()
    due = list(
        CardOperation.objects.filter(status=CardOperation.Status.PENDING, next_attempt_at__lte=now)
        .order_by("next_attempt_at", "pk")
        .values_list("pk", flat=True)[:limit]
    )
    for operation_id in due:
        card_operation_perform(operation_id=operation_id)
    return len(due)


def _claim(operation_id: int):
    with transaction.atomic(durable=True):
        operation = (
            CardOperation.objects.select_for_update(of=("self",))
            .select_related("order_payment__order__customer", "order_payment__authorisation", "refund")
            .get(pk=operation_id)
        )
        now = clock.now()
        if operation.status != CardOperation.Status.PENDING:
            return None, False
        if operation.next_attempt_at and operation.next_attempt_at > now:
            return None, False
        first_attempt = operation.sent_at is None
        operation.sent_at = operation.sent_at or now
        operation.attempts += 1
        operation.next_attempt_at = now + CLAIM_LEASE
        operation.save(update_fields=["sent_at", "attempts", "next_attempt_at"])
    return operation, first_attempt


def _retry_later(operation: CardOperation, exc: Exception) -> CardOperation:
    delay = min(30 * 2 ** (operation.attempts - 1), settings.MINT_STRIPE_RETRY_MAX_SECONDS)
    operation.next_attempt_at = clock.now() + dt.timedelta(seconds=delay)
    operation.last_error = f"{type(exc).__name__}: {exc}"[:2000]
    operation.save(update_fields=["next_attempt_at", "last_error"])
    logger.warning("card operation %s attempt %s will be retried: %s", operation.pk, operation.attempts, exc)
    return operation


def _stripe_customer_id(customer) -> str:
    existing = StripeCustomer.objects.filter(customer=customer).first()
    if existing:
        return existing.stripe_customer_id
    created = gateway.customer_create(mint_customer_id=customer.pk, email=customer.email)
    with transaction.atomic():
        row, _ = StripeCustomer.objects.get_or_create(customer=customer, defaults={"stripe_customer_id": created.id})
    return row.stripe_customer_id


def _intent_create(operation: CardOperation, first_attempt: bool, *, manual_capture: bool):
    order_payment = operation.order_payment
    metadata = {"mint_order": str(order_payment.order_id), "mint_operation": str(operation.key)}
    if not first_attempt:
        found = gateway.payment_intent_find(metadata_key="mint_operation", value=str(operation.key))
        if found is not None:
            return found
    customer_id = _stripe_customer_id(order_payment.order.customer)
    if manual_capture:
        gateway.payment_method_attach(payment_method_id=order_payment.stripe_payment_method_id, customer_id=customer_id)
    return gateway.payment_intent_create(
        amount_pence=operation.amount_pence,
        customer_id=customer_id,
        payment_method_id=order_payment.stripe_payment_method_id,
        metadata=metadata,
        idempotency_key=operation.idempotency_key,
        manual_capture=manual_capture,
    )


def _act_authorise(operation, first_attempt):
    return _intent_create(operation, first_attempt, manual_capture=True)


def _act_charge(operation, first_attempt):
    return _intent_create(operation, first_attempt, manual_capture=False)


def _act_capture(operation, first_attempt):
    authorisation = operation.order_payment.authorisation
    if authorisation.status == Authorisation.Status.PENDING:
        raise _NotYet("the authorisation has not come back from Stripe yet")
    if not authorisation.payment_intent_id:
        return None
    intent = gateway.payment_intent_retrieve(authorisation.payment_intent_id)
    if intent.status == "requires_capture" and not _deadline_passed(authorisation):
        intent = gateway.payment_intent_capture(
            payment_intent_id=authorisation.payment_intent_id,
            amount_pence=operation.amount_pence,
            idempotency_key=operation.idempotency_key,
        )
    return intent


def _act_cancel(operation, first_attempt):
    authorisation = operation.order_payment.authorisation
    if not authorisation.payment_intent_id:
        return None  # never held at Stripe (the authorisation itself failed or is still pending)
    intent = gateway.payment_intent_retrieve(authorisation.payment_intent_id)
    if intent.status in ("requires_capture", "requires_confirmation", "requires_action", "requires_payment_method"):
        intent = gateway.payment_intent_cancel(
            payment_intent_id=authorisation.payment_intent_id, idempotency_key=operation.idempotency_key
        )
    return intent


def _act_refund(operation, first_attempt):
    if not first_attempt:
        found = gateway.refund_find(
            payment_intent_id=operation.payment_intent_id, metadata_key="mint_operation", value=str(operation.key)
        )
        if found is not None:
            return found
    return gateway.refund_create(
        payment_intent_id=operation.payment_intent_id,
        amount_pence=operation.amount_pence,
        metadata={"mint_order": str(operation.order_payment.order_id), "mint_operation": str(operation.key)},
        idempotency_key=operation.idempotency_key,
    )


_ACT = {
    CardOperation.Kind.AUTHORISE: _act_authorise,
    CardOperation.Kind.CHARGE: _act_charge,
    CardOperation.Kind.CAPTURE: _act_capture,
    CardOperation.Kind.CANCEL: _act_cancel,
    CardOperation.Kind.REFUND: _act_refund,
}


# --- Recording what Stripe said -----------------------------------------------------------


def _locked(operation: CardOperation):
    """Re-read the operation under lock; None if another worker already recorded it."""
    fresh = (
        CardOperation.objects.select_for_update(of=("self",))
        .select_related("order_payment__order__customer")
        .get(pk=operation.pk)
    )
    return fresh if fresh.status == CardOperation.Status.PENDING else None


def _finish(operation: CardOperation, status: str, *, error: str = "", **fields) -> None:
    operation.status = status
    operation.finished_at = clock.now()
    operation.last_error = error
    operation.next_attempt_at = None
    for name, value in fields.items():
        setattr(operation, name, value)
    operation.save()


def _system() -> Actor:
    return Actor.system()


def _record_authorise(operation: CardOperation, intent) -> CardOperation:
    charge = gateway.latest_charge(intent)
    with transaction.atomic(durable=True):
        operation = _locked(operation) or operation
        if operation.status != CardOperation.Status.PENDING:
            return operation
        authorisation = Authorisation.objects.select_for_update().get(order_payment=operation.order_payment)
        if intent.status != "requires_capture":
            _finish(
                operation, CardOperation.Status.FAILED, error=f"status {intent.status}", payment_intent_id=intent.id
            )
            authorisation.status = Authorisation.Status.FAILED
            authorisation.payment_intent_id = intent.id
            authorisation.save(update_fields=["status", "payment_intent_id"])
            _hold(operation.order_payment, _failure_reason(intent.status))
            return operation
        _finish(operation, CardOperation.Status.SUCCEEDED, payment_intent_id=intent.id)
        capture_before, assumed = gateway.capture_deadline(intent, charge)
        if authorisation.status != Authorisation.Status.PENDING:
            # Released (O4) while Stripe was still answering: the hold it made must go too.
            authorisation.payment_intent_id = intent.id
            authorisation.save(update_fields=["payment_intent_id"])
            operation_open(
                order_payment=operation.order_payment, kind=CardOperation.Kind.CANCEL, amount_pence=0, actor=_system()
            )
            return operation
        authorisation.status = Authorisation.Status.AUTHORISED
        authorisation.payment_intent_id = intent.id
        authorisation.charge_id = (charge or {}).get("id", "")
        authorisation.authorised_at = clock.now()
        authorisation.capture_before = capture_before
        authorisation.capture_before_assumed = assumed
        authorisation.save()
        if assumed:
            logger.info("Stripe gave no capture_before for %s: assuming %s", intent.id, capture_before)
        ledger_record(
            order_id=operation.order_payment.order_id,
            kind=LedgerEntry.Kind.AUTHORISATION,
            amount_pence=authorisation.amount_pence,
            method=CARD,
            payment_intent_id=intent.id,
            actor=_system(),
        )
    return operation


def _record_capture(operation: CardOperation, intent) -> CardOperation:
    if intent is None or intent.status != "succeeded":
        return _capture_became_charge(operation, intent)
    charge = gateway.latest_charge(intent) or {}
    with transaction.atomic(durable=True):
        operation = _locked(operation) or operation
        if operation.status != CardOperation.Status.PENDING:
            return operation
        authorisation = Authorisation.objects.select_for_update().get(order_payment=operation.order_payment)
        _finish(
            operation,
            CardOperation.Status.SUCCEEDED,
            payment_intent_id=intent.id,
            stripe_object_id=charge.get("id", ""),
        )
        authorisation.status = Authorisation.Status.CAPTURED
        authorisation.captured_pence = operation.amount_pence
        authorisation.ended_at = clock.now()
        authorisation.save(update_fields=["status", "captured_pence", "ended_at"])
        _money_in(operation, LedgerEntry.Kind.CAPTURE)
        rest = authorisation.amount_pence - operation.amount_pence
        if rest:
            ledger_record(
                order_id=operation.order_payment.order_id,
                kind=LedgerEntry.Kind.RELEASE,
                amount_pence=rest,
                method=CARD,
                payment_intent_id=intent.id,
                reference="the rest of the hold, released by the capture",
                actor=_system(),
            )
            # Stripe allows one capture: whatever is despatched later is charged to the saved card.
            order_payment = operation.order_payment
            order_payment.charge_on_despatch_since = order_payment.charge_on_despatch_since or clock.now()
            order_payment.save(update_fields=["charge_on_despatch_since"])
    return operation


def _capture_became_charge(operation: CardOperation, intent) -> CardOperation:
    """The hold ended before we could capture (lapsed at Stripe): charge the saved card instead."""
    with transaction.atomic(durable=True):
        operation = _locked(operation) or operation
        if operation.status != CardOperation.Status.PENDING:
            return operation
        authorisation = (
            Authorisation.objects.select_for_update(of=("self",))
            .select_related("order_payment")
            .get(order_payment=operation.order_payment)
        )
        if authorisation.status == Authorisation.Status.AUTHORISED:
            _authorisation_end(authorisation, Authorisation.Status.LAPSED, actor=_system())
        line_ids = operation.line_ids
        PaidLine.objects.filter(operation=operation).delete()
        _finish(operation, CardOperation.Status.FAILED, error="the hold had ended; charged to the saved card instead")
        operation_open(
            order_payment=operation.order_payment,
            kind=CardOperation.Kind.CHARGE,
            amount_pence=operation.amount_pence,
            line_ids=line_ids,
            actor=_system(),
        )
    return operation


def _record_charge(operation: CardOperation, intent) -> CardOperation:
    charge = gateway.latest_charge(intent) or {}
    with transaction.atomic(durable=True):
        operation = _locked(operation) or operation
        if operation.status != CardOperation.Status.PENDING:
            return operation
        if intent.status != "succeeded":
            _charge_failed(operation, _failure_reason(intent.status), payment_intent_id=intent.id)
            return operation
        _finish(
            operation,
            CardOperation.Status.SUCCEEDED,
            payment_intent_id=intent.id,
            stripe_object_id=charge.get("id", ""),
        )
        _money_in(operation, LedgerEntry.Kind.CHARGE)
    return operation


def _money_in(operation: CardOperation, kind: str) -> None:
    order_payment = operation.order_payment
    ledger_record(
        order_id=order_payment.order_id,
        kind=kind,
        amount_pence=operation.amount_pence,
        method=CARD,
        external_id=operation.stripe_object_id,
        payment_intent_id=operation.payment_intent_id,
        actor=_system(),
    )
    transaction.on_commit(
        partial(
            orders_link.lines_accept,
            order_id=order_payment.order_id,
            line_ids=operation.line_ids,
            accepted_at=clock.now(),
            actor=_system(),
        )
    )


def _charge_failed(operation: CardOperation, reason: str, **fields) -> None:
    PaidLine.objects.filter(operation=operation).delete()
    _finish(operation, CardOperation.Status.FAILED, error=reason, **fields)
    _hold(operation.order_payment, reason)


def _record_cancel(operation: CardOperation, intent) -> CardOperation:
    with transaction.atomic(durable=True):
        operation = _locked(operation) or operation
        if operation.status == CardOperation.Status.PENDING:
            _finish(operation, CardOperation.Status.SUCCEEDED, payment_intent_id=getattr(intent, "id", "") or "")
    return operation


def _record_refund(operation: CardOperation, stripe_refund) -> CardOperation:
    with transaction.atomic(durable=True):
        operation = _locked(operation) or operation
        if operation.status != CardOperation.Status.PENDING:
            return operation
        _finish(operation, CardOperation.Status.SUCCEEDED, stripe_object_id=stripe_refund.id)
        refund_card_part_paid(operation=operation)
    return operation


def _record_refused(operation: CardOperation, exc: stripe.StripeError) -> CardOperation:
    """Stripe said no for good: a declined card, a demand for authentication, a bad request."""
    reason = _failure_reason(getattr(exc, "code", None) or type(exc).__name__, detail=str(exc))
    with transaction.atomic(durable=True):
        operation = _locked(operation) or operation
        if operation.status != CardOperation.Status.PENDING:
            return operation
        if operation.kind == CardOperation.Kind.AUTHORISE:
            _finish(operation, CardOperation.Status.FAILED, error=reason)
            Authorisation.objects.filter(order_payment=operation.order_payment).update(
                status=Authorisation.Status.FAILED
            )
            _hold(operation.order_payment, reason)
        elif operation.kind in (CardOperation.Kind.CHARGE, CardOperation.Kind.CAPTURE):
            _charge_failed(operation, reason)
        elif operation.kind == CardOperation.Kind.REFUND:
            _finish(operation, CardOperation.Status.FAILED, error=reason)
            Refund.objects.filter(pk=operation.refund_id).update(status=Refund.Status.FAILED)
        else:
            _finish(operation, CardOperation.Status.FAILED, error=reason)
    return operation


_RECORD = {
    CardOperation.Kind.AUTHORISE: _record_authorise,
    CardOperation.Kind.CHARGE: _record_charge,
    CardOperation.Kind.CAPTURE: _record_capture,
    CardOperation.Kind.CANCEL: _record_cancel,
    CardOperation.Kind.REFUND: _record_refund,
}


def _failure_reason(code: str, detail: str = "") -> str:
    if code in ("requires_action", "authentication_required"):
        return "the card issuer asks the customer to authenticate the payment"
    if code in ("requires_payment_method", "card_declined"):
        return "the card was declined"
    return f"Stripe refused the payment ({code}){': ' + detail if detail else ''}"


def _hold(order_payment: OrderPayment, reason: str) -> None:
    """Stop despatch, tell the customer (N2) and put the order in the staff queue (M3)."""
    order_payment.held_at = clock.now()
    order_payment.hold_reason = reason
    order_payment.invoice_chosen_at = None
    order_payment.invoice_chosen_by = None
    order_payment.save(update_fields=["held_at", "hold_reason", "invoice_chosen_at", "invoice_chosen_by"])
    customer = order_payment.order.customer
    message_queue(
        channel="email",
        kind="payment_failed",
        recipient=customer.email,
        customer=customer,
        subject=f"We could not take payment for order {order_payment.order_id}",
        body=(
            f"We could not take payment for your order {order_payment.order_id}: {reason}. "
            "Please call us or update your card in your account; we will not send the order until it is paid."
        ),
        dedupe_key=f"payment-held:{order_payment.pk}:{order_payment.held_at.isoformat()}",
    )


# --- Staff: the held-payment queue --------------------------------------------------------


def order_payment_hold_resolve(
    *, order_id: int, actor: Actor, invoice: bool = False, stripe_payment_method_id: str = ""
) -> OrderPayment:
    """Staff settle a held payment: despatch on invoice, or charge a (new) saved card again."""
    with transaction.atomic(durable=True):
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
                amount_pence=sum(line_amount_pence(line) for line in unpaid) + _delivery_due(order_payment),
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


def _delivery_due(order_payment: OrderPayment) -> int:
    taken = PaidLine.objects.filter(line__order_id=order_payment.order_id).exists()
    return 0 if taken else order_payment.order.delivery_pence
