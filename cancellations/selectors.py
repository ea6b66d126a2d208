"""Reads for cancellations and refunds, shaped for their callers."""

import csv
import io
from dataclasses import dataclass

from django.db.models import F, Prefetch, Q, QuerySet

from cancellations.eligibility import LineRight, line_right
from cancellations.models import Cancellation, CancellationLine, FaultClaim
from mint_shop import clock
from mint_shop.errors import RuleViolation
from orders.models import Order, OrderLine
from payments.models import Refund


def _shaped(queryset: QuerySet) -> QuerySet:
    return queryset.select_related("order__customer", "refund", "reimbursement", "goods_return").prefetch_related(
        Prefetch("lines", queryset=CancellationLine.objects.select_related("order_line__product").order_by("pk"))
    )


def cancellations_for_customer(*, customer) -> QuerySet:
    return _shaped(Cancellation.objects.filter(order__customer=customer)).order_by("-created_at", "-id")


def cancellation_get_for_staff(*, cancellation_id: int) -> Cancellation:
    return _shaped(Cancellation.objects.all()).get(pk=cancellation_id)


def cancellations_owing_unasked() -> QuerySet:
    """Refunds (or return postage) owed that payments has not been asked for yet (M8, R3)."""
    return Cancellation.objects.filter(
        Q(refund__isnull=True, refund_pence__gt=F("return_postage_pence"))
        | Q(reimbursement__isnull=True, return_postage_pence__gt=0),
        refund_due_from__isnull=False,
    ).order_by("pk")


def refund_queue() -> QuerySet:
    """R5: refunds owed and not yet paid, by legal deadline (finance works it from the top); the
    return postage we reimburse (R3) is owed by the same deadline, so it keeps a cancellation here."""
    price_unpaid = Q(refund_pence__gt=F("return_postage_pence")) & (
        Q(refund__isnull=True) | ~Q(refund__status=Refund.Status.PAID)
    )
    postage_unpaid = Q(return_postage_pence__gt=0) & (
        Q(reimbursement__isnull=True) | ~Q(reimbursement__status=Refund.Status.PAID)
    )
    return _shaped(Cancellation.objects.filter(price_unpaid | postage_unpaid, refund_due_from__isnull=False)).order_by(
        "legal_deadline", "pk"
    )


_CSV_COLUMNS = [
    "cancellation_id",
    "order_id",
    "customer",
    "right",
    "notice_received_on",
    "refund_due_from",
    "legal_deadline",
    "terms_deadline",
    "flag",
    "goods_pence",
    "discount_pence",
    "delivery_pence",
    "return_postage_pence",
    "not_paid_pence",
    "refund_pence",
    "refund_status",
    "payout_reference",
    "reimbursement_status",
    "reimbursement_payout_reference",
]


def refund_queue_csv() -> str:
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(_CSV_COLUMNS)
    for c in refund_queue():
        writer.writerow(
            [
                c.pk,
                c.order_id,
                str(c.order.customer),
                c.right,
                c.notice_received_on,
                c.refund_due_from,
                c.legal_deadline,
                c.terms_deadline,
                c.flag,
                c.goods_pence,
                c.discount_pence,
                c.delivery_pence,
                c.return_postage_pence,
                c.not_paid_pence,
                c.refund_pence,
                c.refund.status if c.refund else "not granted",
                c.refund.payout_reference if c.refund else "",
                c.reimbursement.status if c.reimbursement else "",
                c.reimbursement.payout_reference if c.reimbursement else "",
            ]
        )
    return out.getvalue()


@dataclass(frozen=True)
class CancellableLine:
    order_id: int
    line: OrderLine
    right: str
    last_day: object  # a date, or None while the 14 days have not begun


def cancellable_lines_for_customer(*, customer) -> list[CancellableLine]:
    """R1, R6, R8: the customer's lines they may cancel today, each with its last day to cancel."""
    today = clock.today()
    orders = (
        Order.objects.filter(customer=customer)
        .exclude(status__in=[Order.Status.DECLINED, Order.Status.CANCELLED])
        .prefetch_related(
            Prefetch(
                "lines",
                queryset=OrderLine.objects.filter(withdrawn_at__isnull=True)
                .select_related("product", "shipment")
                .order_by("pk"),
            )
        )
        .order_by("-placed_at", "-id")
    )
    cancelled = set(
        CancellationLine.objects.filter(order_line__order__customer=customer).values_list("order_line_id", flat=True)
    )
    faulty = set(  # as `faulty_line_ids`: a fault found and refunded, not one put right otherwise
        FaultClaim.objects.filter(
            order_line__order__customer=customer, outcome=FaultClaim.Outcome.FAULTY, remedy=FaultClaim.Remedy.REFUND
        ).values_list("order_line_id", flat=True)
    )
    found = []
    for order in orders:
        for line in order.lines.all():
            try:
                right: LineRight = line_right(line, notice_on=today, cancelled_ids=cancelled, faulty_ids=faulty)
            except RuleViolation:
                continue
            found.append(CancellableLine(order.pk, line, right.right, right.last_day))
    return found
