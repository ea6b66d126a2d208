"""Payments' `personal_data` provider (D6, D7, D9): cheque drawers, refund and plan reasons, finance applications.

Amounts stay six years for HMRC (D7): every payment, refund and ledger row is kept, and only
the free text and names around them are scrubbed.
"""

from dateutil.relativedelta import relativedelta

from mint_shop.personal_data import ERASED, Note, Provider, Shared, label, register, rows, scrub
from payments.models import Cheque, FinanceApplication, InstalmentPlan, LedgerEntry, OrderPayment, Refund


def export(customer_id: int) -> dict[str, list[dict]]:
    mine = {"order__customer_id": customer_id}
    return {
        "payments": rows(OrderPayment.objects.filter(**mine), ("order_id", "method", "reference", "hold_reason")),
        "refunds": rows(Refund.objects.filter(**mine), ("order_id", "amount_pence", "means", "reason", "status")),
        "cheques": rows(Cheque.objects.filter(**mine), ("order_id", "drawer", "cheque_number", "status")),
        "instalment_plans": rows(InstalmentPlan.objects.filter(**mine), ("order_id", "status", "decision_reason")),
        "finance_applications": rows(FinanceApplication.objects.filter(**mine),
                                     ("order_id", "lender", "amount_pence", "status", "data_shared", "shared_at")),
    }


def erase(customer_id: int, *, actor, today, keep_months) -> list[Note]:
    mine = {"order__customer_id": customer_id}
    months = keep_months["financial_records"]
    scrub(OrderPayment, OrderPayment.objects.filter(**mine).values_list("pk", flat=True), {"hold_reason": ""})
    scrub(Refund, Refund.objects.filter(**mine).values_list("pk", flat=True), {"reason": ""})
    scrub(Cheque, Cheque.objects.filter(**mine).values_list("pk", flat=True), {"drawer": ERASED})
    scrub(InstalmentPlan, InstalmentPlan.objects.filter(**mine).values_list("pk", flat=True), {"decision_reason": ""})
    reason = "amount, date and reference: HMRC (6 years); names and free text erased"
    kept = [Note(label(Refund, pk), "kept", reason, made.date() + relativedelta(months=months))
            for pk, made in Refund.objects.filter(**mine).values_list("pk", "created_at")]
    kept += [Note(label(FinanceApplication, pk), "kept", "the record of what went to the lender (D9); the "
                  "lender is a separate controller", shared.date() + relativedelta(months=months))
             for pk, shared in FinanceApplication.objects.filter(**mine).values_list("pk", "shared_at")]
    return kept


def sharing(customer_id: int | None) -> list[Shared]:
    applications = FinanceApplication.objects.select_related("order")
    if customer_id is not None:
        applications = applications.filter(order__customer_id=customer_id)
    return [Shared(customer_id=a.order.customer_id, recipient=a.lender, recipient_kind="finance provider",
                   what=", ".join(a.data_shared) if isinstance(a.data_shared, list) else str(a.data_shared),
                   purpose="payments", shared_at=a.shared_at) for a in applications]


def provider_register() -> None:
    register(Provider(app="payments", models=(OrderPayment, Refund, Cheque, InstalmentPlan, FinanceApplication),
                      export=export, erase=erase, sharing=sharing,
                      actor_strings_kept=(LedgerEntry,)))  # append-only by trigger (M9): kept as written
