"""Finance's screens: the ledger, reconciliation, refunds due, the held-payment queue, cheques.

Everything that changes money goes through a service (admin actions call them); the rest is
read-only here.
"""

from django.contrib import admin, messages

from mint_shop.actors import Actor
from mint_shop.admin_forms import NoDeadLinksAdmin
from mint_shop.errors import RuleViolation
from payments.models import (
    BankReceipt,
    CardOperation,
    Cheque,
    FinanceApplication,
    Instalment,
    InstalmentPlan,
    LedgerEntry,
    OrderPayment,
    Refund,
    StatementLine,
    StripeEvent,
)
from payments.selectors import order_line_ids_ready_to_despatch
from payments.services import card, despatch_charge, receipts


class ReadOnlyAdmin(NoDeadLinksAdmin):
    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(LedgerEntry)
class LedgerEntryAdmin(ReadOnlyAdmin):
    """The ledger is read-only to everyone: entries are only ever appended by services (M9)."""

    list_display = ["created_at", "order", "kind", "direction", "amount_pence", "method", "external_id", "actor"]
    list_filter = ["kind", "direction", "method"]
    search_fields = ["reference", "external_id", "payment_intent_id", "order__id"]


@admin.register(StatementLine)
class StatementLineAdmin(ReadOnlyAdmin):
    """Reconciliation: statement lines, matched or not (filter on 'matched entry')."""

    list_display = ["occurred_on", "source", "external_id", "amount_pence", "reference", "matched_entry"]
    list_filter = ["source", ("matched_entry", admin.EmptyFieldListFilter)]
    search_fields = ["external_id", "reference"]


@admin.register(OrderPayment)
class OrderPaymentAdmin(ReadOnlyAdmin):
    """How each order is paid; filter on 'held at' for the held-payment queue (M3)."""

    list_display = ["order", "method", "reference", "charge_on_despatch_since", "held_at", "hold_reason"]
    list_filter = ["method", ("held_at", admin.EmptyFieldListFilter)]
    search_fields = ["reference", "order__id"]
    actions = ["despatch_on_invoice", "charge_for_despatch"]

    @admin.action(description="Despatch on invoice (held payments)", permissions=["resolve"])
    def despatch_on_invoice(self, request, queryset):
        for order_payment in queryset.order_by("pk"):
            try:
                card.order_payment_hold_resolve(
                    order_id=order_payment.order_id, invoice=True, actor=Actor.staff(request.user)
                )
            except RuleViolation as exc:
                self.message_user(request, f"{order_payment}: {exc.detail}", messages.ERROR)

    @admin.action(description="Charge the saved card for the lines waiting to be despatched", permissions=["charge"])
    def charge_for_despatch(self, request, queryset):
        """M3, M4: lines with no live hold behind them may leave once the card is charged."""
        for order_payment in queryset.order_by("pk"):
            try:
                operations = despatch_charge.card_charge_for_despatch(
                    order_id=order_payment.order_id,
                    line_ids=order_line_ids_ready_to_despatch(order_id=order_payment.order_id),
                    actor=Actor.staff(request.user),
                )
            except RuleViolation as exc:
                self.message_user(request, f"{order_payment}: {exc.detail}", messages.ERROR)
                continue
            if all(operation.status == operation.Status.SUCCEEDED for operation in operations):
                self.message_user(request, f"{order_payment}: charged; the lines may now be despatched.")
            else:
                self.message_user(
                    request, f"{order_payment}: Stripe has not answered yet; it is tried again.", messages.WARNING
                )

    def has_charge_permission(self, request):
        return request.user.has_perm("payments.charge_for_despatch")

    def has_resolve_permission(self, request):
        return request.user.has_perm("payments.resolve_held_payment")


@admin.register(Refund)
class RefundAdmin(ReadOnlyAdmin):
    """Refunds and reimbursements, and the payouts finance still has to make (status pending)."""

    list_display = [
        "created_at",
        "order",
        "purpose",
        "amount_pence",
        "means",
        "status",
        "payout_reference",
        "granted_by",
    ]
    list_filter = ["status", "purpose", "means"]
    search_fields = ["request_id", "payout_reference", "order__id"]


@admin.register(Cheque)
class ChequeAdmin(ReadOnlyAdmin):
    list_display = ["received_at", "order", "cheque_number", "drawer", "amount_pence", "status"]
    list_filter = ["status"]
    search_fields = ["cheque_number", "drawer", "order__id"]
    actions = ["bank", "clear", "bounce"]

    def _each(self, request, queryset, service):
        for cheque in queryset.order_by("pk"):
            try:
                service(cheque_id=cheque.pk, actor=Actor.staff(request.user))
            except RuleViolation as exc:
                self.message_user(request, f"{cheque}: {exc.detail}", messages.ERROR)

    @admin.action(description="Bank the selected cheques", permissions=["change"])
    def bank(self, request, queryset):
        self._each(request, queryset, receipts.cheque_bank)

    @admin.action(description="Mark cleared", permissions=["change"])
    def clear(self, request, queryset):
        self._each(request, queryset, receipts.cheque_clear)

    @admin.action(description="Mark bounced", permissions=["change"])
    def bounce(self, request, queryset):
        self._each(request, queryset, receipts.cheque_bounce)

    def has_change_permission(self, request, obj=None):
        return obj is None and request.user.has_perm("payments.change_cheque")


@admin.register(BankReceipt)
class BankReceiptAdmin(ReadOnlyAdmin):
    list_display = ["received_on", "order", "method", "reference", "amount_pence"]
    search_fields = ["reference", "order__id"]


class InstalmentInline(admin.TabularInline):
    model = Instalment
    extra = 0
    can_delete = False
    readonly_fields = ["number", "due_on", "amount_pence", "paid_at", "missed_at"]

    def has_add_permission(self, request, obj=None):
        return False


@admin.register(InstalmentPlan)
class InstalmentPlanAdmin(ReadOnlyAdmin):
    list_display = ["order", "status", "number_of_instalments", "total_pence", "paid_in_full_at"]
    list_filter = ["status"]
    inlines = [InstalmentInline]


@admin.register(FinanceApplication)
class FinanceApplicationAdmin(ReadOnlyAdmin):
    list_display = ["shared_at", "order", "lender", "amount_pence", "status", "lender_reference"]
    list_filter = ["status", "lender"]


@admin.register(CardOperation)
class CardOperationAdmin(ReadOnlyAdmin):
    """Every Stripe call, with its attempts and last error: pending ones are being retried."""

    list_display = ["created_at", "order_payment", "kind", "amount_pence", "status", "attempts", "last_error"]
    list_filter = ["status", "kind"]


@admin.register(StripeEvent)
class StripeEventAdmin(ReadOnlyAdmin):
    list_display = ["received_at", "event_id", "type", "processed_at", "outcome"]
    list_filter = ["type"]
