"""Reads for payments, shaped for their callers."""

import csv
import datetime as dt
import io

from django.db.models import Max, Q, Sum

from mint_shop import clock
from orders.models import OrderLine
from orders.money import order_total_pence
from payments.models import (
    FinanceApplication,
    Instalment,
    InstalmentPlan,
    LedgerEntry,
    OrderPayment,
    Refund,
    StatementLine,
    StripeEvent,
)

_HOLD_ENDS = (LedgerEntry.Kind.RELEASE, LedgerEntry.Kind.LAPSE, LedgerEntry.Kind.CAPTURE)


def order_money(*, order_id: int) -> dict:
    """Per order: what was authorised and is still held, taken, refunded, refundable and outstanding,
    and what was reimbursed on top (R3 return postage).

    Every figure but the order total is a sum over the ledger (M9), so they always agree with it:
    money out is what was refunded plus what was reimbursed. Reimbursements are not refunds of a
    payment, so they leave what is refundable alone (M8).
    """
    sums = dict(
        LedgerEntry.objects.filter(order_id=order_id).values_list("kind").annotate(total=Sum("amount_pence")).order_by()
    )
    by_direction = dict(
        LedgerEntry.objects.filter(order_id=order_id)
        .values_list("direction")
        .annotate(total=Sum("amount_pence"))
        .order_by()
    )
    reserved = (
        Refund.objects.filter(order_id=order_id, purpose=Refund.Purpose.REFUND)
        .exclude(status=Refund.Status.FAILED)
        .aggregate(total=Sum("amount_pence"))["total"]
        or 0
    )
    lines = list(OrderLine.objects.filter(order_id=order_id).select_related("order"))
    # O3: withdrawn, declined and cancelled lines are not owed, so not outstanding (orders/money.py).
    total = order_total_pence(lines[0].order, lines) if lines else 0
    taken = by_direction.get(LedgerEntry.Direction.IN, 0)
    reimbursed = sums.get(LedgerEntry.Kind.REIMBURSEMENT, 0)
    refunded = by_direction.get(LedgerEntry.Direction.OUT, 0) - reimbursed
    held = sums.get(LedgerEntry.Kind.AUTHORISATION, 0) - sum(sums.get(kind, 0) for kind in _HOLD_ENDS)
    return {
        "order_id": order_id,
        "total_pence": total,
        "authorised_pence": sums.get(LedgerEntry.Kind.AUTHORISATION, 0),
        "held_pence": max(held, 0),
        "taken_pence": taken,
        "refunded_pence": refunded,
        "refundable_pence": taken - max(reserved, refunded),
        "outstanding_pence": max(total - taken, 0),
        "reimbursed_pence": reimbursed,
    }


def ledger_list(*, order_id: int | None = None):
    entries = LedgerEntry.objects.select_related("statement_line").order_by("-created_at", "-id")
    return entries.filter(order_id=order_id) if order_id else entries


def order_payments_held():
    """The staff queue: payments that failed and wait for staff (M3)."""
    return (
        OrderPayment.objects.filter(held_at__isnull=False, invoice_chosen_at__isnull=True)
        .select_related("order__customer")
        .order_by("held_at", "pk")
    )


def refunds_due():
    """Payout refunds and reimbursements finance still has to pay, and card refunds Stripe
    failed to pay (back with finance to pay another way), oldest first."""
    return (
        Refund.objects.filter(
            Q(status=Refund.Status.PENDING) & ~Q(means=Refund.Means.CARD) | Q(status=Refund.Status.FAILED)
        )
        .order_by("created_at", "pk")
    )


def stripe_events_flagged():
    """Stripe events finance must look at (M10): contradicted by Stripe, disputes, failed refunds."""
    return StripeEvent.objects.exclude(finance_flag="").select_related("order").order_by("-received_at", "-pk")


def order_payments_for_customer(*, customer):
    return (
        OrderPayment.objects.filter(order__customer=customer)
        .select_related("order", "authorisation")
        .prefetch_related("order__ledger_entries")
        .order_by("-order__placed_at", "-pk")
    )


def instalment_plans_for_customer(*, customer):
    return (
        InstalmentPlan.objects.filter(order__customer=customer)
        .prefetch_related("instalments")
        .order_by("-order__placed_at", "-pk")
    )


def instalment_plans_for_staff(*, status: str | None = None):
    """Finance's list (M5): `status=applied` is the plans waiting for a decision, oldest first."""
    plans = InstalmentPlan.objects.all() if status is None else InstalmentPlan.objects.filter(status=status)
    return plans.prefetch_related("instalments").order_by("order__placed_at", "pk")


def instalment_arrears_pence(*, plan: InstalmentPlan) -> int:
    """Unpaid instalments past their due (London) day of a live plan (an ended one owes nothing);
    reads prefetched instalments when there are."""
    if plan.status not in (InstalmentPlan.Status.ACTIVE, InstalmentPlan.Status.IN_ARREARS):
        return 0
    today = clock.today()
    return sum(i.amount_pence for i in plan.instalments.all() if i.paid_at is None and i.due_on < today)


def instalments_due_for_reminder(*, on, days_before: int):
    """Unpaid instalments of live plans falling due within `days_before` days of `on`."""
    from mint_shop.clock import days_after

    return (
        Instalment.objects.filter(
            paid_at__isnull=True,
            due_on__gte=on,
            due_on__lte=days_after(on, days_before),
            plan__status__in=[InstalmentPlan.Status.ACTIVE, InstalmentPlan.Status.IN_ARREARS],
        )
        .select_related("plan__order__customer")
        .order_by("due_on", "pk")
    )


def finance_sharing_records(*, customer) -> list[dict]:
    """D9: each time personal data went to a lender, in the sharing register's shape."""
    applications = FinanceApplication.objects.filter(order__customer=customer).order_by("shared_at", "pk")
    return [
        {
            "what": application.data_shared,
            "to_whom": application.lender,
            "why": f"credit assessment and finance agreement for order {application.order_id}",
            "legal_basis": "contract",
            "when": application.shared_at,
            "international_transfer_safeguard": "",
            "recipient_role": "independent controller",
        }
        for application in applications
    ]


def stripe_statement_resumes_from() -> int | None:
    """Where the next Stripe import starts (a Unix time): the day before the last line held, so a
    transaction Stripe showed late is still fetched; None (everything) before the first import."""
    last_day = StatementLine.objects.filter(source=StatementLine.Source.STRIPE).aggregate(Max("occurred_on"))
    if last_day["occurred_on__max"] is None:
        return None
    start = dt.datetime.combine(last_day["occurred_on__max"] - dt.timedelta(days=1), dt.time(), tzinfo=dt.UTC)
    return int(start.timestamp())


def statement_lines_unmatched(*, source: str | None = None):
    lines = StatementLine.objects.filter(matched_entry__isnull=True).order_by("occurred_on", "pk")
    return lines.filter(source=source) if source else lines


def ledger_entries_unmatched():
    """Money that moved (not holds) with no statement line yet."""
    return (
        LedgerEntry.objects.filter(statement_line__isnull=True)
        .exclude(direction=LedgerEntry.Direction.HOLD)
        .order_by("created_at", "pk")
    )


def reconciliation_csv(*, side: str) -> str:
    """The unmatched items of one side ("statement" or "ledger") as CSV for finance (M9)."""
    out = io.StringIO()
    writer = csv.writer(out)
    if side == "statement":
        writer.writerow(["source", "external_id", "occurred_on", "amount_pence", "reference", "description"])
        for line in statement_lines_unmatched():
            writer.writerow(
                [line.source, line.external_id, line.occurred_on, line.amount_pence, line.reference, line.description]
            )
    else:
        writer.writerow(
            ["entry_id", "created_at", "order_id", "kind", "direction", "amount_pence", "method", "external_id"]
        )
        for entry in ledger_entries_unmatched():
            writer.writerow(
                [
                    entry.pk,
                    entry.created_at.isoformat(),
                    entry.order_id,
                    entry.kind,
                    entry.direction,
                    entry.amount_pence,
                    entry.method,
                    entry.external_id,
                ]
            )
    return out.getvalue()


def ledger_entry_for_statement_line(line: StatementLine) -> LedgerEntry | None:
    """The unmatched ledger entry a statement line stands for: same outside id, same signed amount."""
    direction = LedgerEntry.Direction.IN if line.amount_pence > 0 else LedgerEntry.Direction.OUT
    return (
        LedgerEntry.objects.filter(
            statement_line__isnull=True, direction=direction, amount_pence=abs(line.amount_pence)
        )
        .filter(Q(external_id=line.reference) | Q(external_id__gt="", reference=line.reference))
        .exclude(external_id="")
        .order_by("pk")
        .first()
    )


def order_line_ids_ready_to_despatch(*, order_id: int) -> list[int]:
    """Allocated live lines of the order not yet despatched: what a charge before despatch is for."""
    return list(
        OrderLine.objects.filter(
            order_id=order_id, allocated_at__isnull=False, shipment__isnull=True, withdrawn_at__isnull=True
        )
        .order_by("pk")
        .values_list("pk", flat=True)
    )
