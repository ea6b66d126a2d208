"""Refunds (M8): by the way the customer paid, or another means with a reason; partial
refunds; never more than was taken less what is already refunded; one refund per request id.
"""

from django.db import IntegrityError, transaction
from django.db.models import Sum

from mint_shop import clock
from mint_shop.actors import Actor
from mint_shop.db import retry_on_conflict
from mint_shop.errors import RuleViolation
from mint_shop.money import format_pence
from orders.services import tell_customer
from payments import errors
from payments.locks import order_lock
from payments.models import CardOperation, LedgerEntry, OrderPayment, Refund
from payments.selectors import order_money
from payments.services.ledger import ledger_record

_NATURAL_MEANS = {"card": Refund.Means.CARD}


@retry_on_conflict
def refund_grant(
    *,
    order_id: int,
    amount_pence: int,
    request_id: str,
    actor: Actor,
    means: str = "",
    reason: str = "",
) -> Refund:
    """Grant a refund; the same request id always names the same refund."""
    try:
        with transaction.atomic(durable=True):
            return refund_grant_in_transaction(
                order_id=order_id,
                amount_pence=amount_pence,
                request_id=request_id,
                actor=actor,
                means=means,
                reason=reason,
            )
    except IntegrityError:
        # The same request arrived twice at once: the other one made the refund.
        return refund_for_request(order_id=order_id, amount_pence=amount_pence, request_id=request_id)


def refund_for_request(*, order_id, amount_pence, request_id, purpose=Refund.Purpose.REFUND) -> Refund | None:
    """The refund (or reimbursement) a request id already made, if it asked for the same thing."""
    refund = Refund.objects.filter(request_id=request_id).first()
    if refund and (refund.order_id, refund.amount_pence, refund.purpose) != (order_id, amount_pence, purpose):
        raise RuleViolation(
            errors.REFUND_REQUEST_REUSED, f"Request {request_id} already paid a different amount, order or purpose."
        )
    return refund


def refund_grant_in_transaction(
    *, order_id: int, amount_pence: int, request_id: str, actor: Actor, means: str = "", reason: str = ""
) -> Refund:
    """`refund_grant` inside the caller's transaction, so the refund is written with the change
    that owes it (a withdrawn product's paid lines, P3) and nothing lost after the commit."""
    with transaction.atomic(savepoint=False):
        # One refund at a time per order, so two cannot both fit under what is refundable; the
        # request id is looked up once the lock is ours, so a copy that waited for it finds the
        # refund the first one made rather than a refundable sum that refund has used up (M8).
        order = order_lock(order_id)
        existing = refund_for_request(order_id=order_id, amount_pence=amount_pence, request_id=request_id)
        if existing:
            return existing
        order_payment = OrderPayment.objects.get(order=order)
        refundable = order_money(order_id=order.pk)["refundable_pence"]
        if amount_pence <= 0 or amount_pence > refundable:
            raise RuleViolation(
                errors.REFUND_ABOVE_REFUNDABLE,
                f"At most {format_pence(refundable)} can be refunded on order {order.pk} "
                "(what was taken less what is refunded or being refunded).",
            )
        natural = _NATURAL_MEANS.get(order_payment.method, Refund.Means.PAYOUT)
        means = means or natural
        if means != natural and not reason.strip():
            raise RuleViolation(errors.REFUND_REASON_REQUIRED, "A refund by another means than payment needs a reason.")
        if means == Refund.Means.CARD and natural != Refund.Means.CARD:
            raise RuleViolation(errors.REFUND_MEANS_UNAVAILABLE, "This order was not paid by card.")
        refund = Refund.objects.create(
            order=order,
            request_id=request_id,
            amount_pence=amount_pence,
            means=means,
            reason=reason,
            granted_by=actor.describe(),
        )
        if means == Refund.Means.CARD:
            _card_refund_open(refund=refund, order_payment=order_payment, actor=actor)
        else:
            refund.payout_reference = f"REFUND-{order.pk}-{refund.pk}"
            refund.save(update_fields=["payout_reference"])
        return refund


def _card_refund_open(*, refund: Refund, order_payment: OrderPayment, actor: Actor) -> None:
    """Split the refund over the card payments that took money, newest first."""
    from payments.services.card import operation_open  # card imports this module: import when used

    taken = list(
        order_payment.card_operations.filter(
            status=CardOperation.Status.SUCCEEDED, kind__in=[CardOperation.Kind.CAPTURE, CardOperation.Kind.CHARGE]
        ).order_by("-pk")
    )
    refunded = dict(
        CardOperation.objects.filter(order_payment=order_payment, kind=CardOperation.Kind.REFUND)
        .exclude(status=CardOperation.Status.FAILED)
        .values_list("payment_intent_id")
        .annotate(total=Sum("amount_pence"))
    )
    left = refund.amount_pence
    for payment in taken:
        part = min(left, payment.amount_pence - refunded.get(payment.payment_intent_id, 0))
        if part <= 0:
            continue
        operation_open(
            order_payment=order_payment,
            kind=CardOperation.Kind.REFUND,
            amount_pence=part,
            refund=refund,
            payment_intent_id=payment.payment_intent_id,
            actor=actor,
        )
        left -= part
        if not left:
            return
    raise RuleViolation(
        errors.REFUND_MEANS_UNAVAILABLE, "The card payments cannot cover this refund; refund by payout."
    )


def refund_for_withdrawn_lines(*, operation: CardOperation, amount_pence: int, actor: Actor) -> Refund:
    """O4: money a capture or charge took for lines withdrawn while it was on its way to Stripe
    goes back by card, inside the transaction that records it (one refund per operation)."""
    refund, created = Refund.objects.get_or_create(
        request_id=f"withdrawn-lines-{operation.key}",
        defaults={
            "order_id": operation.order_payment.order_id,
            "amount_pence": amount_pence,
            "means": Refund.Means.CARD,
            "reason": "lines withdrawn (declined or cancelled) before the payment for them was taken (O4)",
            "granted_by": actor.describe(),
        },
    )
    if created:
        _card_refund_open(refund=refund, order_payment=operation.order_payment, actor=actor)
    return refund


def refund_card_part_paid(*, operation: CardOperation) -> None:
    """Stripe refunded one part (inside the caller's transaction): ledger it, finish the refund."""
    ledger_record(
        order_id=operation.order_payment.order_id,
        kind=LedgerEntry.Kind.REFUND,
        amount_pence=operation.amount_pence,
        method="card",
        external_id=operation.stripe_object_id,
        payment_intent_id=operation.payment_intent_id,
        reference=f"refund {operation.refund_id}",
        actor=Actor.system(),
    )
    refund = Refund.objects.select_for_update().get(pk=operation.refund_id)
    if not refund.card_operations.exclude(status=CardOperation.Status.SUCCEEDED).exists():
        _refund_paid(refund)


@retry_on_conflict
def refund_card_failed(*, operation: CardOperation, actor: Actor) -> Refund:
    """Stripe confirmed it could not pay a card refund (refund.failed): the ledger takes the money
    back in and the refund goes back to finance's queue, to pay another way (M8)."""
    with transaction.atomic(durable=True):
        order_lock(operation.order_payment.order_id)  # the order first (payments.locks)
        operation = CardOperation.objects.select_for_update().get(pk=operation.pk)
        refund = Refund.objects.select_for_update().get(pk=operation.refund_id)
        if operation.status != CardOperation.Status.SUCCEEDED:
            return refund
        operation.status = CardOperation.Status.FAILED
        operation.last_error = "Stripe could not pay this refund"
        operation.save(update_fields=["status", "last_error"])
        ledger_record(
            order_id=refund.order_id,
            kind=LedgerEntry.Kind.REFUND_FAILED,
            amount_pence=operation.amount_pence,
            method="card",
            external_id=operation.stripe_object_id,
            payment_intent_id=operation.payment_intent_id,
            reference=f"refund {refund.pk} failed at Stripe",
            actor=actor,
        )
        refund.status = Refund.Status.FAILED
        refund.save(update_fields=["status"])
        return refund


def refund_payout_mark_paid(*, refund_id: int, bank_reference: str, actor: Actor) -> Refund:
    """Finance paid a payout (or other-means) refund, or a reimbursement, and says so with the bank's reference."""
    with transaction.atomic(durable=True):
        order_lock(Refund.objects.values_list("order_id", flat=True).get(pk=refund_id))  # payments.locks
        refund = Refund.objects.select_for_update(of=("self",)).select_related("order__payment").get(pk=refund_id)
        if refund.means == Refund.Means.CARD or refund.status != Refund.Status.PENDING:
            raise RuleViolation(
                errors.REFUND_NOT_PENDING_PAYOUT, f"Refund {refund_id} is not a payout waiting to be paid."
            )
        reimbursement = refund.purpose == Refund.Purpose.REIMBURSEMENT
        if refund.means == Refund.Means.OTHER:
            method = "other"
        elif reimbursement:
            method = "bank_transfer"  # owed on top of what was paid, so paid by bank whatever the order's method
        else:
            method = refund.order.payment.method
        ledger_record(
            order_id=refund.order_id,
            kind=LedgerEntry.Kind.REIMBURSEMENT if reimbursement else LedgerEntry.Kind.REFUND,
            amount_pence=refund.amount_pence,
            method=method,
            external_id=refund.payout_reference,
            reference=bank_reference or refund.payout_reference,
            actor=actor,
        )
        _refund_paid(refund)
        return refund


def _refund_paid(refund: Refund) -> None:
    refund.status = Refund.Status.PAID
    refund.paid_at = clock.now()
    refund.save(update_fields=["status", "paid_at"])
    if refund.purpose == Refund.Purpose.REIMBURSEMENT:
        what = f"paid you {format_pence(refund.amount_pence)} ({refund.reason})"
    else:
        what = f"refunded {format_pence(refund.amount_pence)}"
    tell_customer(
        order=refund.order,
        kind="refund_made",
        subject=f"Your refund on order {refund.order_id}",
        body=f"We have {what} on your order {refund.order_id}.",
        dedupe_key=f"refund-made:{refund.pk}",
    )
