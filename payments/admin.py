"""Finance's screens: the ledger, reconciliation, refunds due, the held-payment queue, cheques.

Everything that changes money goes through a service (admin actions call them); the rest is
read-only here.
"""

import stripe
from django import forms
from django.conf import settings
from django.contrib import admin, messages
from django.contrib.admin.helpers import ActionForm
from django.core.exceptions import PermissionDenied
from django.http import HttpResponse, HttpResponseRedirect, JsonResponse
from django.template.response import TemplateResponse
from django.urls import path, reverse

from mint_shop.actors import Actor
from mint_shop.admin_forms import NoDeadLinksAdmin, ReadOnlyAdminMixin, choose_page, chosen, service_page, submitted
from mint_shop.errors import RuleViolation
from mint_shop.money import format_pence
from orders.admin import KEY_ORDER_CARD_FIELD, ORDER_PAGE_JOBS
from orders.admin_pages import OrderNumberForm
from payments import admin_pages as pages
from payments import gateway, selectors
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
from payments.services.refunds import refund_payout_mark_paid


class ReadOnlyAdmin(ReadOnlyAdminMixin, NoDeadLinksAdmin):
    pass


@admin.register(LedgerEntry)
class LedgerEntryAdmin(ReadOnlyAdmin):
    """The ledger is read-only to everyone: entries are only ever appended by services (M9)."""

    list_display = ["created_at", "order", "kind", "direction", "amount_pence", "method", "external_id", "actor"]
    list_filter = ["kind", "direction", "method"]
    search_fields = ["reference", "external_id", "payment_intent_id", "order__id"]


RECONCILE = "payments.reconcile_ledger"


@admin.register(StatementLine)
class StatementLineAdmin(ReadOnlyAdmin):
    """Reconciliation (M9): statement lines, matched or not; the reconciliation page puts what is unmatched
    on either side next to each other, with the imports and the CSV exports."""

    list_display = ["occurred_on", "source", "external_id", "amount_pence", "reference", "matched_entry"]
    list_filter = ["source", ("matched_entry", admin.EmptyFieldListFilter)]
    search_fields = ["external_id", "reference"]

    def get_urls(self):
        view = self.admin_site.admin_view
        return [
            path("reconciliation/", view(self.reconciliation_view), name="payments_statementline_reconciliation"),
            path("import-stripe/", view(self.stripe_import_view), name="payments_statementline_import_stripe"),
            path("import-bank/", view(self.bank_import_view), name="payments_statementline_import_bank"),
            path("unmatched-<str:side>.csv", view(self.unmatched_csv_view), name="payments_statementline_csv"),
            *super().get_urls(),
        ]

    def changelist_view(self, request, extra_context=None):
        tools = [("Reconciliation", reverse("admin:payments_statementline_reconciliation"))]
        tools = tools if request.user.has_perm(RECONCILE) else []
        return super().changelist_view(request, {"page_tools": tools, **(extra_context or {})})

    def reconciliation_view(self, request):
        if not request.user.has_perm(RECONCILE):
            raise PermissionDenied
        context = {
            **self.admin_site.each_context(request),
            "opts": self.opts,
            "title": "Reconciliation: what is unmatched on either side",
            "statement_lines": selectors.statement_lines_unmatched(),
            "ledger_entries": selectors.ledger_entries_unmatched().select_related("order"),
            "bank_form": pages.BankStatementForm(),
        }
        return TemplateResponse(request, "admin/payments/reconciliation.html", context)

    def stripe_import_view(self, request):
        done = reverse("admin:payments_statementline_reconciliation")
        try:
            return service_page(self, request, form=forms.Form(submitted(request)), permission=RECONCILE,
                                title="Import from Stripe", call=pages.stripe_import, done_url=done)
        except gateway.RETRYABLE_ERRORS as exc:
            self.message_user(request, f"Stripe did not answer ({exc.__class__.__name__}); try again shortly.",
                              messages.ERROR)
            return HttpResponseRedirect(done)

    def bank_import_view(self, request):
        return service_page(
            self, request, form=pages.BankStatementForm(request.POST or None, request.FILES or None),
            permission=RECONCILE, title="Import a bank statement", call=pages.bank_statement_import,
            done_url=reverse("admin:payments_statementline_reconciliation"),
        )

    def unmatched_csv_view(self, request, side: str):
        if not request.user.has_perm(RECONCILE) or side not in ("statement", "ledger"):
            raise PermissionDenied
        response = HttpResponse(selectors.reconciliation_csv(side=side), content_type="text/csv")
        response["Content-Disposition"] = f'attachment; filename="unmatched-{side}.csv"'
        return response


class HeldQueueFilter(admin.SimpleListFilter):
    """M3: the held-payment queue, payments that failed and wait for staff, oldest first."""

    title = "held-payment queue"
    parameter_name = "held"

    def lookups(self, request, model_admin):
        return [("queue", "Waiting for staff")]

    def queryset(self, request, queryset):
        if self.value() == "queue":
            return queryset.filter(pk__in=selectors.order_payments_held().values("pk")).order_by("held_at", "pk")
        return queryset


def _money(name: str):
    """A read-only field of the order payment's page: one of the order's sums from the ledger (M9), in pounds."""

    @admin.display(description=name)
    def show(modeladmin, order_payment):
        return format_pence(selectors.order_money(order_id=order_payment.order_id)[f"{name}_pence"])

    return show


def _charged(order_id: int, actor: Actor) -> str:
    """M3, M4: charge the saved card for the lines with no live hold behind them; what happened, in words."""
    operations = despatch_charge.card_charge_for_despatch(
        order_id=order_id, line_ids=order_line_ids_ready_to_despatch(order_id=order_id), actor=actor
    )
    if all(operation.status == operation.Status.SUCCEEDED for operation in operations):
        return f"Order {order_id}: charged; the lines may now be despatched."
    return f"Order {order_id}: Stripe has not answered yet; the charge is tried again."


@admin.register(OrderPayment)
class OrderPaymentAdmin(ReadOnlyAdmin):
    """How each order is paid and where its money is; the held-payment queue is a filter (M3)."""

    list_display = ["order", "method", "reference", "charge_on_despatch_since", "held_at", "hold_reason"]
    list_filter = [HeldQueueFilter, "method"]
    search_fields = ["reference", "order__id"]
    actions = ["despatch_on_invoice", "charge_for_despatch"]
    money = ["total", "authorised", "held", "taken", "refunded", "reimbursed", "outstanding"]
    total, authorised, held, taken, refunded, reimbursed, outstanding = map(_money, money)

    def get_fields(self, request, obj=None):
        return [*super().get_fields(request, obj), *self.money]

    def get_readonly_fields(self, request, obj=None):
        return self.money

    def changelist_view(self, request, extra_context=None):
        tools = [("Held-payment queue", f"{reverse('admin:payments_orderpayment_changelist')}?held=queue")]
        return super().changelist_view(request, {"page_tools": tools, **(extra_context or {})})

    def get_urls(self):
        view = self.admin_site.admin_view
        return [
            path("charge/", view(self.charge_view), name="payments_orderpayment_charge"),
            path("card-setup/", view(self.card_setup_view), name="payments_orderpayment_card_setup"),
            *super().get_urls(),
        ]

    def card_setup_view(self, request):
        """O1, M2: a SetupIntent for the key-an-order page's card field; the browser gives the card to Stripe."""
        if request.method != "POST" or not request.user.has_perm("orders.add_order"):
            raise PermissionDenied
        try:
            intent = gateway.setup_intent_create()
        except stripe.StripeError as exc:
            return JsonResponse({"detail": f"Stripe did not answer ({exc.__class__.__name__})."}, status=502)
        return JsonResponse({"client_secret": intent.client_secret})

    def charge_view(self, request):
        """M3, M4: the warehouse charges the saved card for the lines about to leave, from the order's page."""
        order = chosen(request, OrderNumberForm, "order")
        if order is None:
            if not request.user.has_perm("payments.charge_for_despatch"):
                raise PermissionDenied
            return choose_page(self, request, form_class=OrderNumberForm, title="Charge the card for despatch")
        return service_page(
            self, request, form=forms.Form(submitted(request)), permission="payments.charge_for_despatch",
            title=f"Charge the saved card for order {order.pk}'s lines ready to despatch",
            intro=f"Lines waiting: {len(order_line_ids_ready_to_despatch(order_id=order.pk))}.",
            call=lambda data, actor: _charged(order.pk, actor),
            done_url=reverse("admin:orders_order_change", args=[order.pk]),
        )

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
                self.message_user(request, _charged(order_payment.order_id, Actor.staff(request.user)))
            except RuleViolation as exc:
                self.message_user(request, f"{order_payment}: {exc.detail}", messages.ERROR)

    def has_charge_permission(self, request):
        return request.user.has_perm("payments.charge_for_despatch")

    def has_add_permission(self, request):
        return False

    def has_resolve_permission(self, request):
        return request.user.has_perm("payments.resolve_held_payment")


class RefundsDueFilter(admin.SimpleListFilter):
    """M8: payouts finance still has to make, oldest first."""

    title = "to pay"
    parameter_name = "due"

    def lookups(self, request, model_admin):
        return [("payouts", "Payouts to make")]

    def queryset(self, request, queryset):
        if self.value() == "payouts":
            return queryset.filter(pk__in=selectors.refunds_due().values("pk")).order_by("created_at", "pk")
        return queryset


class BankReferenceActionForm(ActionForm):
    bank_reference = forms.CharField(required=False, help_text="Mark paid: the bank's reference for the payment")


@admin.register(Refund)
class RefundAdmin(ReadOnlyAdmin):
    """Refunds and reimbursements, and the payouts finance still has to make (status pending)."""

    action_form = BankReferenceActionForm
    actions = ["mark_paid"]

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
    list_filter = [RefundsDueFilter, "status", "purpose", "means"]
    search_fields = ["request_id", "payout_reference", "order__id"]

    @admin.action(description="Mark paid (the bank's reference in the box)", permissions=["grant"])
    def mark_paid(self, request, queryset):
        reference = request.POST.get("bank_reference", "").strip()
        if not reference:
            self.message_user(request, "Give the bank's reference in the box beside the action.", messages.ERROR)
            return
        for refund in queryset.order_by("pk"):
            try:
                refund_payout_mark_paid(refund_id=refund.pk, bank_reference=reference, actor=Actor.staff(request.user))
            except RuleViolation as exc:
                self.message_user(request, f"Refund {refund.pk}: {exc.detail}", messages.ERROR)
            else:
                self.message_user(request, f"Refund {refund.pk}: {format_pence(refund.amount_pence)} marked paid.")

    def has_grant_permission(self, request):
        return request.user.has_perm("payments.grant_refund")

    def changelist_view(self, request, extra_context=None):
        tools = [("Payouts to make", f"{reverse('admin:payments_refund_changelist')}?due=payouts")]
        return super().changelist_view(request, {"page_tools": tools, **(extra_context or {})})


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

    def has_add_permission(self, request):
        return request.user.has_perm("payments.add_cheque")

    def add_view(self, request, form_url="", extra_context=None):
        return service_page(
            self, request, form=pages.ChequeReceivedForm(request.POST or None), permission="payments.add_cheque",
            title="Record a cheque received", call=pages.cheque_received,
            done_url=reverse("admin:payments_cheque_changelist"),
        )


@admin.register(BankReceipt)
class BankReceiptAdmin(ReadOnlyAdmin):
    list_display = ["received_on", "order", "method", "reference", "amount_pence"]
    search_fields = ["reference", "order__id"]

    def has_add_permission(self, request):
        return request.user.has_perm("payments.add_bankreceipt")

    def add_view(self, request, form_url="", extra_context=None):
        return service_page(
            self, request, form=pages.BankReceiptForm(request.POST or None), permission="payments.add_bankreceipt",
            title="Record a transfer or banker's draft", call=pages.bank_receipt,
            done_url=reverse("admin:payments_bankreceipt_changelist"),
        )


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
    list_display = ["received_at", "event_id", "type", "processed_at", "outcome", "order", "finance_flag"]
    list_filter = ["type", ("finance_flag", admin.EmptyFieldListFilter)]


ORDER_PAGE_JOBS.append(
    ("Charge the card for despatch", "admin:payments_orderpayment_charge", "payments.charge_for_despatch")
)
KEY_ORDER_CARD_FIELD.update(
    js_url=gateway.js_url,
    publishable_key=lambda: settings.STRIPE_PUBLISHABLE_KEY,
    setup_url=lambda: reverse("admin:payments_orderpayment_card_setup"),
)
