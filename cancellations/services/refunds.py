"""R5, M8: paying each cancellation's refund through payments, and flagging those near or past their deadline."""

from django.conf import settings
from django.db import transaction

from cancellations import errors
from cancellations.models import Cancellation
from cancellations.selectors import refund_queue
from cancellations.services._common import breakdown_text
from mint_shop import clock
from mint_shop.actors import Actor
from mint_shop.errors import RuleViolation
from notifications.models import Message
from notifications.services import message_queue
from payments.services.refunds import refund_grant
from payments.services.reimbursements import reimbursement_grant


def cancellation_refund_grant(*, cancellation_id: int, actor: Actor) -> Cancellation:
    """Ask payments for the refund of the price by the original method (M8), and for our return
    postage as a reimbursement on top (R3); safe to run twice.

    Each payments call is its own transaction keyed by a request id derived from the cancellation
    (and its return), so a repeat (or a crash before linking them here) pays each once.
    """
    cancellation = Cancellation.objects.select_related("goods_return").get(pk=cancellation_id)
    price_due = cancellation.price_refund_pence > 0 and cancellation.refund_id is None
    postage_due = cancellation.return_postage_pence > 0 and cancellation.reimbursement_id is None
    if not (price_due or postage_due):
        return cancellation
    if cancellation.refund_due_from is None:
        raise RuleViolation(errors.REFUND_NOT_DUE, "The goods have not come back yet (R3), so nothing is owed yet.")
    reason = f"{cancellation.get_right_display()}: {breakdown_text(cancellation)}"
    links = {}
    if price_due:
        links["refund"] = refund_grant(
            order_id=cancellation.order_id,
            amount_pence=cancellation.price_refund_pence,
            request_id=cancellation.request_id,
            actor=actor,
            reason=reason,
        )
    if postage_due:
        condition = cancellation.goods_return.get_condition_display().lower()
        links["reimbursement"] = reimbursement_grant(
            order_id=cancellation.order_id,
            amount_pence=cancellation.return_postage_pence,
            request_id=cancellation.postage_request_id,
            actor=actor,
            reason=f"return postage for goods that came back {condition}",
        )
    with transaction.atomic(durable=True):
        cancellation = Cancellation.objects.select_for_update().get(pk=cancellation_id)
        unlinked = [field for field in links if getattr(cancellation, f"{field}_id") is None]
        for field in unlinked:
            setattr(cancellation, field, links[field])
        cancellation.save(update_fields=unlinked)
    return cancellation


def refund_deadlines_flag(*, actor: Actor) -> list[int]:
    """R5, daily: refunds due within `MINT_REFUND_WARNING_DAYS` or overdue are flagged in finance's
    queue and emailed to finance, once per change of flag."""
    today = clock.today()
    horizon = clock.days_after(today, settings.MINT_REFUND_WARNING_DAYS)
    flagged = []
    with transaction.atomic(durable=True):
        at_risk = refund_queue().filter(legal_deadline__lte=horizon).select_for_update(of=("self",)).order_by("pk")
        for cancellation in at_risk:
            flag = Cancellation.Flag.OVERDUE if cancellation.legal_deadline < today else Cancellation.Flag.DUE_SOON
            if cancellation.flag == flag:
                continue
            cancellation.flag = flag
            cancellation.save(update_fields=["flag"])
            message_queue(
                channel=Message.Channel.EMAIL,
                kind="refund_deadline",
                recipient=settings.MINT_FINANCE_EMAIL,
                subject=f"Refund {cancellation.get_flag_display().lower()}: order {cancellation.order_id}",
                body=(
                    f"Cancellation {cancellation.pk} on order {cancellation.order_id} owes "
                    f"{breakdown_text(cancellation)}. The legal deadline is {cancellation.legal_deadline:%d %B %Y}."
                ),
                dedupe_key=f"cancellation:{cancellation.pk}:{flag}",
            )
            flagged.append(cancellation.pk)
    return flagged
