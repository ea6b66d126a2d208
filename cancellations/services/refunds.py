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


def cancellation_refund_grant(*, cancellation_id: int, actor: Actor) -> Cancellation:
    """Ask payments for the refund by the original method (M8); safe to run twice.

    Payments' `refund_grant` is its own transaction keyed by the cancellation's request id, so a
    repeat (or a crash between it and linking the refund here) refunds once.
    """
    cancellation = Cancellation.objects.get(pk=cancellation_id)
    if cancellation.refund_id or not cancellation.refund_pence:
        return cancellation
    if cancellation.refund_due_from is None:
        raise RuleViolation(errors.REFUND_NOT_DUE, "The goods have not come back yet (R3), so nothing is owed yet.")
    refund = refund_grant(
        order_id=cancellation.order_id,
        amount_pence=cancellation.refund_pence,
        request_id=cancellation.request_id,
        actor=actor,
        reason=f"{cancellation.get_right_display()}: {breakdown_text(cancellation)}",
    )
    with transaction.atomic(durable=True):
        cancellation = Cancellation.objects.select_for_update().get(pk=cancellation_id)
        if cancellation.refund_id is None:
            cancellation.refund = refund
            cancellation.save(update_fields=["refund"])
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
