"""R1, R2, R6, R8: the customer cancels (online, or by letter or email that staff record); C5: we cancel."""

import datetime as dt
from dataclasses import dataclass

from django.db import transaction

from cancellations import errors
from cancellations.eligibility import WITHDRAW, LineRight, line_right
from cancellations.models import Cancellation
from cancellations.notices import Notice, instant_notice, notice_from
from cancellations.services._common import cancellation_record, cancelled_line_ids, faulty_line_ids
from customers.selectors import source_of_funds_list_for_cancellation
from customers.services import source_of_funds_record_order_cancelled
from mint_shop.actors import Actor, Channel
from mint_shop.errors import RuleViolation
from orders.models import Order, OrderLine
from orders.services import order_lines_cancel


@dataclass(frozen=True)
class CancellationOutcome:
    """Lines withdrawn from the offer (no contract, nothing to refund) and the cancellation of the rest."""

    withdrawn_line_ids: list[int]
    cancellations: list[Cancellation]

    @property
    def cancellation(self) -> Cancellation | None:
        """The cancellation that ended the last lines (a late line's, when there is one)."""
        return self.cancellations[-1] if self.cancellations else None


def _rights(order: Order, line_ids: list[int], notice: Notice, *, lock: bool) -> list[LineRight]:
    lines = OrderLine.objects.filter(order=order, pk__in=line_ids).select_related("product", "shipment").order_by("pk")
    if lock:
        lines = lines.select_for_update(of=("self",))
    lines = list(lines)
    if {line.pk for line in lines} != set(line_ids):
        raise RuleViolation(errors.LINE_UNKNOWN, f"Some of those lines are not on order {order.pk}.")
    cancelled, faulty = cancelled_line_ids(order), faulty_line_ids(order)
    # R2: in time if sent within the period; deemed service never shortens it.
    return [
        line_right(line, notice_on=notice.sent_on, cancelled_ids=cancelled, faulty_ids=faulty) for line in lines
    ]


def cancellation_request(
    *,
    order_id: int,
    line_ids: list[int],
    actor: Actor,
    customer=None,
    notice_channel: str = Channel.WEB,
    notice_received_on: dt.date | None = None,
    notice_sent_on: dt.date | None = None,
    notice_sent_at: dt.datetime | None = None,
) -> CancellationOutcome:
    """A customer cancels lines: online (`customer` given: only their own order), or staff record a
    letter with its postmark or an email with its time of sending, and the date it arrived (R2).

    Lines under no contract are withdrawn from the offer by orders (O3, holds released); the rest
    are cancelled under R1 or R8 in one transaction, one cancellation per right: the late lines (R8)
    are recorded last, so when they end the order all its delivery comes back with them, whatever
    else was cancelled alongside. Everything is checked before anything is written.
    """
    if not line_ids:
        raise RuleViolation(errors.NO_LINES, "Name the lines to cancel.")
    notice = notice_from(
        channel=notice_channel, received_on=notice_received_on, sent_on=notice_sent_on, sent_at=notice_sent_at
    )
    orders = Order.objects.all() if customer is None else Order.objects.filter(customer=customer)
    order = orders.filter(pk=order_id).first()
    if order is None:
        raise RuleViolation(errors.ORDER_UNKNOWN, f"No order {order_id}.")
    line_ids = sorted(set(line_ids))
    rights = _rights(order, line_ids, notice, lock=False)
    withdraw = [lr.line.pk for lr in rights if lr.right == WITHDRAW]
    contract = [lr.line.pk for lr in rights if lr.right != WITHDRAW]
    if withdraw:
        order_lines_cancel(order_id=order.pk, line_ids=withdraw, actor=actor)
    cancellations = []
    if contract:
        with transaction.atomic(durable=True):
            order = Order.objects.select_for_update().select_related("customer").get(pk=order.pk)
            rights = _rights(order, contract, notice, lock=True)
            for right in (Cancellation.Right.COOLING_OFF, Cancellation.Right.DELAY):
                under = [lr for lr in rights if lr.right == right]
                if under:
                    cancellations.append(
                        cancellation_record(order=order, rights=under, right=right, notice=notice, actor=actor)
                    )
    return CancellationOutcome(withdrawn_line_ids=withdraw, cancellations=cancellations)


def source_of_funds_orders_cancel(*, actor: Actor) -> list[int]:
    """C5: each order whose source-of-funds request was refused or went unanswered is cancelled and
    everything taken for it refunded, through the same path as a customer's cancellation: lines in
    the warehouse leave the order, lines despatched (on their way or delivered) are asked back.

    Runs daily; a request already handled has its Cancellation, so running twice cancels once. The
    request is marked "order cancelled" only once no line of the order lives on uncancelled.
    """
    done = []
    for request in source_of_funds_list_for_cancellation():
        if not Cancellation.objects.filter(source_of_funds_request_id=request.pk).exists():
            _cancel_for_source_of_funds(order_id=request.order_id, request_id=request.pk, actor=actor)
        order = Order.objects.get(pk=request.order_id)
        if _lines_living_on(order):
            continue  # e.g. a line cancelled under another right whose refund is not ours to change
        source_of_funds_record_order_cancelled(request_id=request.pk, actor=actor)
        done.append(request.pk)
    return done


def _lines_living_on(order: Order) -> bool:
    return order.lines.filter(withdrawn_at__isnull=True).exclude(pk__in=cancelled_line_ids(order)).exists()


def _cancel_for_source_of_funds(*, order_id: int, request_id: int, actor: Actor) -> None:
    unaccepted = list(
        OrderLine.objects.filter(
            order_id=order_id, withdrawn_at__isnull=True, shipment__isnull=True, accepted_at__isnull=True
        ).values_list("pk", flat=True)
    )
    if unaccepted:
        order_lines_cancel(order_id=order_id, line_ids=unaccepted, actor=actor)
    with transaction.atomic(durable=True):
        order = Order.objects.select_for_update().select_related("customer").get(pk=order_id)
        cancelled = cancelled_line_ids(order)
        lines = list(
            OrderLine.objects.select_for_update(of=("self",))
            .filter(order=order)
            .exclude(pk__in=cancelled)
            .select_related("product", "shipment")
            .order_by("pk")
        )
        rights = [LineRight(line, Cancellation.Right.SOURCE_OF_FUNDS, None) for line in lines if line.live]
        withdrawn_now = [line for line in lines if line.pk in unaccepted]
        if not rights and not withdrawn_now:
            return
        cancellation_record(
            order=order,
            rights=rights,
            right=Cancellation.Right.SOURCE_OF_FUNDS,
            notice=instant_notice(Channel.SYSTEM),
            actor=actor,
            source_of_funds_request_id=request_id,
            extra_lines=withdrawn_now,
        )
