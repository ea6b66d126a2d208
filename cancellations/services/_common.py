"""Pieces the cancellation services share: recording a cancellation, its deadlines, telling people."""

import datetime as dt
from dataclasses import replace

from django.conf import settings
from django.db.models import F, Sum

from cancellations.eligibility import LineRight, refund_pieces
from cancellations.models import Cancellation, CancellationLine, FaultClaim, GoodsReturn
from cancellations.notices import Notice
from mint_shop import clock
from mint_shop.actors import Actor
from mint_shop.background import enqueue_on_commit
from mint_shop.money import format_pence
from orders.models import Order, OrderLine
from orders.money import line_goods_pence
from orders.services import order_lines_end_by_cancellation, tell_customer
from payments.selectors import order_money


def refund_available_pence(order_id: int) -> int:
    """What payments could still refund, less refunds already owed by cancellations not yet granted.

    Return postage is reimbursed on top (R3), so it takes nothing from what is refundable.
    """
    owed = (
        Cancellation.objects.filter(order_id=order_id, refund__isnull=True).aggregate(
            total=Sum(F("refund_pence") - F("return_postage_pence"))
        )["total"]
        or 0
    )
    return order_money(order_id=order_id)["refundable_pence"] - owed


def cancelled_line_ids(order: Order) -> set[int]:
    return set(CancellationLine.objects.filter(order_line__order=order).values_list("order_line_id", flat=True))


def faulty_line_ids(order: Order) -> set[int]:
    """R7: lines the examination found faulty; a fault only reported lifts no exception (P6), nor one
    already put right by a replacement or repair the customer chose (the refund would be a second remedy)."""
    return set(
        FaultClaim.objects.filter(
            order_line__order=order, outcome=FaultClaim.Outcome.FAULTY, remedy=FaultClaim.Remedy.REFUND
        ).values_list("order_line_id", flat=True)
    )


def breakdown_text(cancellation: Cancellation) -> str:
    """R4: the refund as the customer and finance see it, piece by piece; our return postage (R3)
    is paid separately, and the pieces add up to all that is owed."""
    parts = [f"goods {format_pence(cancellation.goods_pence)}"]
    if cancellation.discount_pence:
        parts.append(f"less discounts {format_pence(cancellation.discount_pence)}")
    if cancellation.delivery_pence:
        parts.append(f"delivery {format_pence(cancellation.delivery_pence)}")
    if cancellation.not_paid_pence:
        parts.append(f"less what was never paid {format_pence(cancellation.not_paid_pence)}")
    text = f"{', '.join(parts)}: refund {format_pence(cancellation.price_refund_pence)}"
    if cancellation.return_postage_pence:
        text += (
            f", plus return postage {format_pence(cancellation.return_postage_pence)} paid separately: "
            f"{format_pence(cancellation.refund_pence)} in all"
        )
    return text


def cancellation_record(
    *,
    order: Order,
    rights: list[LineRight],
    right: str,
    notice: Notice,
    actor: Actor,
    fault_claim: FaultClaim | None = None,
    source_of_funds_request_id: int | None = None,
    extra_lines: list[OrderLine] = (),
) -> Cancellation:
    """Inside the caller's transaction, with the order and lines locked: record the cancellation.

    Orders end the lines' contracts: paid lines still in the warehouse leave the order and their
    stock returns; lines that have left, delivered or on their way, must come back (R3). `extra_lines` were
    withdrawn just before (C5) and count in the amount.
    """
    lines = [lr.line for lr in rights]
    order_lines_end_by_cancellation(order=order, line_ids=[line.pk for line in lines], actor=actor)
    cancellation = Cancellation.objects.create(
        order=order,
        right=right,
        recorded_by=actor.describe(),
        fault_claim=fault_claim,
        source_of_funds_request_id=source_of_funds_request_id,
        **notice.as_fields(),
        **_refund_pieces(order=order, lines=lines, extra_lines=extra_lines, right=right).as_fields(),
    )
    to_come_back = [line for line in lines if line.shipment_id is not None and fault_claim is None]
    CancellationLine.objects.bulk_create(
        CancellationLine(
            cancellation=cancellation,
            order_line=line,
            goods_pence=line_goods_pence(line),
            discount_pence=line.discount_pence,
            to_come_back=line in to_come_back,
        )
        for line in [*lines, *extra_lines]
    )
    if to_come_back:
        _expect_return(cancellation, to_come_back)
        what_next = "Please send the items back, with any free gift that came with them; we refund when they arrive."
    else:
        refund_fall_due(cancellation, on=notice.received_on)
        what_next = "We will refund you within 14 days."
    tell_customer(
        order=order,
        kind="cancellation_received",
        subject=f"Your cancellation on order {order.pk}",
        body=f"We have your cancellation of {len(lines) + len(extra_lines)} item(s) of order {order.pk}: "
        f"{breakdown_text(cancellation)}. {what_next}",
        dedupe_key=f"cancellation:{cancellation.pk}:received",
    )
    return cancellation


def _refund_pieces(*, order: Order, lines: list[OrderLine], extra_lines: list[OrderLine], right: str):
    """R4: the pieces; delivery comes back with the last lines. What was never paid (an invoice not
    yet settled, a deposit short of the total) is not refunded, and the breakdown says so."""
    ending = {line.pk for line in [*lines, *extra_lines]}
    remaining = order.lines.filter(withdrawn_at__isnull=True).exclude(pk__in=cancelled_line_ids(order) | ending)
    pieces = refund_pieces(
        order=order, lines=[*lines, *extra_lines], right=right, whole_order_ends=not remaining.exists()
    )
    available = max(refund_available_pence(order.pk), 0)
    return replace(pieces, not_paid_pence=max(pieces.refund_pence - available, 0))


def _expect_return(cancellation: Cancellation, lines: list[OrderLine]) -> GoodsReturn:
    """R3: the goods, and any free gift or promotional item that came with them, are to come back."""
    return GoodsReturn.objects.create(
        cancellation=cancellation,
        expected_items="\n".join(
            f"{line.quantity} x {line.product.name} (line {line.pk}), with any free gift or promotional item "
            "that came with it"
            for line in lines
        ),
    )


def refund_fall_due(cancellation: Cancellation, *, on: dt.date, legal_from: dt.date | None = None) -> None:
    """R5: from `on` the refund is owed; the law's 14 days and the terms' 30 days start counting.

    The terms count from the later of the notice (deemed served, N3) and the return; the law from
    the goods (or evidence of their return) coming back, or from agreeing a fault (R7).
    """
    from cancellations.tasks import cancellation_refund_grant

    cancellation.refund_due_from = on
    cancellation.legal_deadline = clock.days_after(legal_from or on, settings.MINT_REFUND_LEGAL_DAYS)
    cancellation.terms_deadline = clock.days_after(
        max(on, cancellation.notice_deemed_on), settings.MINT_REFUND_TERMS_DAYS
    )
    cancellation.save(update_fields=["refund_due_from", "legal_deadline", "terms_deadline"])
    if cancellation.refund_pence:
        enqueue_on_commit(cancellation_refund_grant, cancellation.pk)
