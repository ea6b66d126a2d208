"""Performing card operations: the Stripe call each CardOperation records, made once.

The call happens outside any transaction, after the row that records it has committed. A
call that cannot reach Stripe, times out or is rate-limited stays pending and is retried
with backoff by the `card_operations_retry_due` task; a retry first asks Stripe whether the
earlier attempt got through (by the stored ids, or the operation's key in the metadata), so
nothing is charged twice, even by a server that ignores idempotency keys.
"""

import datetime as dt
import logging

import stripe
from django.conf import settings
from django.db import transaction
from django.db.models import Q

from mint_shop import clock
from mint_shop.actors import Actor
from mint_shop.background import sweep_grace
from mint_shop.db import retry_on_conflict
from orders.models import OrderLine
from orders.money import line_amount_pence
from orders.services import tell_customer
from payments import gateway, orders_link
from payments.locks import payment_rows_lock
from payments.models import Authorisation, CardOperation, LedgerEntry, OrderPayment, PaidLine, Refund, StripeCustomer
from payments.services.card import CARD, amount_due_pence, authorisation_end, deadline_passed, operation_open
from payments.services.ledger import ledger_record
from payments.services.refunds import refund_card_part_paid, refund_for_withdrawn_lines

logger = logging.getLogger(__name__)


def claim_lease() -> dt.timedelta:
    """How long a worker that claims an operation has before another may try it (a crash mid-call)."""
    return dt.timedelta(seconds=settings.MINT_CARD_CLAIM_LEASE_SECONDS)


class _NotYet(Exception):
    """The operation depends on one not finished yet (a capture before its authorisation)."""


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
        return retry_on_conflict(_record_refused)(operation, exc)
    return retry_on_conflict(_RECORD[operation.kind])(operation, outcome)


def card_operations_retry_due(*, limit: int = 500) -> int:
    """The retry sweep: every pending operation whose time has come, and every one whose first
    attempt was never started (its task lost with the broker) once the grace time has passed."""
    now = clock.now()
    never_started = Q(next_attempt_at__isnull=True, created_at__lte=now - sweep_grace())
    due = list(
        CardOperation.objects.filter(Q(next_attempt_at__lte=now) | never_started, status=CardOperation.Status.PENDING)
        .order_by("pk")
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
        operation.next_attempt_at = now + claim_lease()
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
    # A hold recorded released (a decline, O4) is never captured, even before Stripe has
    # cancelled it; one an earlier attempt captured is recorded as it is.
    live = authorisation.status == Authorisation.Status.AUTHORISED
    if intent.status == "requires_capture" and live and not deadline_passed(authorisation):
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


def _locked(operation: CardOperation) -> CardOperation:
    """Lock the operation's order and payment rows, then the operation, in the one order of
    `payments.locks`, and re-read it: the caller records nothing unless it is still pending."""
    payment_rows_lock(operation.order_payment.order_id)
    return (
        CardOperation.objects.select_for_update(of=("self",))
        .select_related("order_payment__order__customer")
        .get(pk=operation.pk)
    )


def _withdrawn_line_ids(operation: CardOperation) -> set[int]:
    """The operation's lines that left the order (declined, withdrawn) before it was recorded."""
    return set(
        OrderLine.objects.filter(pk__in=operation.line_ids, withdrawn_at__isnull=False).values_list("pk", flat=True)
    )


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
    fingerprint = gateway.card_fingerprint(intent) if intent.status == "requires_capture" else ""
    with transaction.atomic(durable=True):
        operation = _locked(operation)
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
        authorisation.card_fingerprint = fingerprint
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
        operation = _locked(operation)
        if operation.status != CardOperation.Status.PENDING:
            return operation
        authorisation = Authorisation.objects.select_for_update().get(order_payment=operation.order_payment)
        _finish(
            operation,
            CardOperation.Status.SUCCEEDED,
            payment_intent_id=intent.id,
            stripe_object_id=charge.get("id", ""),
        )
        was_live = authorisation.status == Authorisation.Status.AUTHORISED
        authorisation.status = Authorisation.Status.CAPTURED
        authorisation.captured_pence = operation.amount_pence
        authorisation.ended_at = clock.now()
        authorisation.save(update_fields=["status", "captured_pence", "ended_at"])
        _money_in(operation, LedgerEntry.Kind.CAPTURE)
        rest = authorisation.amount_pence - operation.amount_pence
        if rest and was_live:  # a hold already recorded released or lapsed has no rest to release
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
        operation = _locked(operation)
        if operation.status != CardOperation.Status.PENDING:
            return operation
        authorisation = (
            Authorisation.objects.select_for_update(of=("self",))
            .select_related("order_payment")
            .get(order_payment=operation.order_payment)
        )
        if authorisation.status == Authorisation.Status.AUTHORISED:
            authorisation_end(authorisation, Authorisation.Status.LAPSED, actor=_system())
        withdrawn = _withdrawn_line_ids(operation)
        PaidLine.objects.filter(operation=operation).delete()
        kept = list(
            OrderLine.objects.filter(pk__in=operation.line_ids).exclude(pk__in=withdrawn).order_by("pk")
        )
        if not kept:  # O4: the lines left the order before the capture: nothing to charge
            _finish(operation, CardOperation.Status.CANCELLED, error="the hold had ended and the lines were withdrawn")
            return operation
        _finish(operation, CardOperation.Status.FAILED, error="the hold had ended; charged to the saved card instead")
        order = operation.order_payment.order
        operation_open(
            order_payment=operation.order_payment,
            kind=CardOperation.Kind.CHARGE,
            amount_pence=amount_due_pence(order, kept),
            line_ids=[line.pk for line in kept],
            actor=_system(),
        )
    return operation


def _record_charge(operation: CardOperation, intent) -> CardOperation:
    charge = gateway.latest_charge(intent) or {}
    with transaction.atomic(durable=True):
        operation = _locked(operation)
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
    """Ledger the money taken and, in the same transaction, make its live lines contracts (O3).

    Lines withdrawn while the capture or charge was on its way to Stripe (a decline, O4) win
    over it: what was taken for them is refunded in this same transaction, so the ledger shows
    the money taken and the refund asked for.
    """
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
    withdrawn = _withdrawn_line_ids(operation)
    live = sorted(set(operation.line_ids) - withdrawn)
    if live:
        orders_link.lines_accept(
            order_id=order_payment.order_id,
            line_ids=live,
            accepted_at=clock.now(),
            funds_cleared=True,  # a card payment taken is cleared funds for the lines it paid (O10)
            actor=_system(),
        )
    if withdrawn:
        order = order_payment.order
        if order.lines.filter(withdrawn_at__isnull=True).exists():
            amount = sum(line_amount_pence(line) for line in order.lines.filter(pk__in=withdrawn))
        else:
            amount = operation.amount_pence  # nothing left of the order: its delivery goes back too
        refund_for_withdrawn_lines(operation=operation, amount_pence=amount, actor=_system())


def _charge_failed(operation: CardOperation, reason: str, **fields) -> None:
    PaidLine.objects.filter(operation=operation).delete()
    if set(operation.line_ids) <= _withdrawn_line_ids(operation):
        # O4: the lines left the order meanwhile; nothing is owed, so nothing is held.
        _finish(operation, CardOperation.Status.CANCELLED, error=reason, **fields)
        return
    _finish(operation, CardOperation.Status.FAILED, error=reason, **fields)
    _hold(operation.order_payment, reason)


def _record_cancel(operation: CardOperation, intent) -> CardOperation:
    with transaction.atomic(durable=True):
        operation = _locked(operation)
        if operation.status == CardOperation.Status.PENDING:
            _finish(operation, CardOperation.Status.SUCCEEDED, payment_intent_id=getattr(intent, "id", "") or "")
    return operation


# A refund Stripe says it could not pay: no money went back (M8), so finance must pay it another way.
REFUND_NOT_PAID = ("failed", "canceled")


def _record_refund(operation: CardOperation, stripe_refund) -> CardOperation:
    with transaction.atomic(durable=True):
        operation = _locked(operation)
        if operation.status != CardOperation.Status.PENDING:
            return operation
        if stripe_refund.status in REFUND_NOT_PAID:
            # A retry found the refund an earlier attempt made, and Stripe has failed it since.
            _refund_part_not_paid(operation, f"Stripe could not pay this refund ({stripe_refund.status})")
            operation.stripe_object_id = stripe_refund.id
            operation.save(update_fields=["stripe_object_id"])
            return operation
        _finish(operation, CardOperation.Status.SUCCEEDED, stripe_object_id=stripe_refund.id)
        refund_card_part_paid(operation=operation)
    return operation


def _refund_part_not_paid(operation: CardOperation, reason: str) -> None:
    """No money went back for this part: the refund returns to finance's queue (M8)."""
    _finish(operation, CardOperation.Status.FAILED, error=reason)
    refund = Refund.objects.select_for_update().get(pk=operation.refund_id)
    refund.status = Refund.Status.FAILED
    refund.save(update_fields=["status"])


def _record_refused(operation: CardOperation, exc: stripe.StripeError) -> CardOperation:
    """Stripe said no for good: a declined card, a demand for authentication, a bad request."""
    reason = _failure_reason(getattr(exc, "code", None) or type(exc).__name__, detail=str(exc))
    with transaction.atomic(durable=True):
        operation = _locked(operation)
        if operation.status != CardOperation.Status.PENDING:
            return operation
        if operation.kind == CardOperation.Kind.AUTHORISE:
            _finish(operation, CardOperation.Status.FAILED, error=reason)
            authorisation = Authorisation.objects.select_for_update().get(order_payment=operation.order_payment)
            authorisation.status = Authorisation.Status.FAILED
            authorisation.save(update_fields=["status"])
            _hold(operation.order_payment, reason)
        elif operation.kind in (CardOperation.Kind.CHARGE, CardOperation.Kind.CAPTURE):
            _charge_failed(operation, reason)
        elif operation.kind == CardOperation.Kind.REFUND:
            _refund_part_not_paid(operation, reason)
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
    tell_customer(
        order=order_payment.order,
        kind="payment_failed",
        subject=f"We could not take payment for order {order_payment.order_id}",
        body=(
            f"We could not take payment for your order {order_payment.order_id}: {reason}. "
            "Please call us or update your card in your account; we will not send the order until it is paid."
        ),
        dedupe_key=f"payment-held:{order_payment.pk}:{order_payment.held_at.isoformat()}",
    )
