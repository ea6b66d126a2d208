"""Compliance's screens for data rights (D6–D12): the request queue in due-date order, holds, registers."""

from django import forms
from django.contrib import admin
from django.db.models import F
from django.db.models.functions import Coalesce
from simple_history.admin import SimpleHistoryAdmin

from consents import data_requests, register, retention
from consents.models import DataRequest, LegalHold, OfferSent, RetentionPeriod, SpecialCategoryRecord, TpsImport
from customers.admin_base import ServiceAdmin
from mint_shop.actors import Actor
from mint_shop.admin_forms import ReadOnlyAdminMixin


class ReadOnlyAdmin(ReadOnlyAdminMixin, SimpleHistoryAdmin):
    """Written only by services (the API, commands, the outbox); read here."""


@admin.register(DataRequest)
class DataRequestAdmin(ServiceAdmin, ReadOnlyAdmin):
    """D6: the compliance queue. Open requests by the day they must be answered; act with the reason box."""

    list_display = ["id", "customer", "kind", "status", "received_at", "identity_checked_at", "due_on",
                    "extended_due_on", "completed_at"]
    list_filter = ["status", "kind"]
    list_select_related = ["customer"]
    raw_id_fields = ["customer"]
    readonly_fields = ["customer", "kind", "status", "received_at", "received_via", "details", "corrections",
                       "identity_check", "identity_checked_at", "due_on", "extended_due_on", "extension_reason",
                       "completed_at", "outcome"]
    exclude = ["export"]
    actions = ["check_identity", "extend", "answer"]

    def get_queryset(self, request):
        return super().get_queryset(request).annotate(
            answer_by=Coalesce(F("extended_due_on"), F("due_on"))).order_by("answer_by", "id")

    @admin.action(description="Identity checked (say how in the box)", permissions=["change"])
    def check_identity(self, request, queryset):
        self.run_action(request, queryset, lambda r, actor, reason: data_requests.data_request_identity_check(
            data_request_id=r.pk, how=reason, actor=actor), needs_reason=True)

    @admin.action(description="Extend by two months (the reason in the box is told to the person)",
                  permissions=["change"])
    def extend(self, request, queryset):
        self.run_action(request, queryset, lambda r, actor, reason: data_requests.data_request_extend(
            data_request_id=r.pk, reason=reason, actor=actor), needs_reason=True)

    @admin.action(description="Answer the request (export, correct, erase, restrict or object)",
                  permissions=["change"])
    def answer(self, request, queryset):
        self.run_action(request, queryset, lambda r, actor, reason: data_requests.data_request_answer(
            data_request_id=r.pk, actor=actor))

    def has_change_permission(self, request, obj=None):
        return request.user.has_perm("consents.change_datarequest") and obj is None

    def has_add_permission(self, request):
        """Customer service and compliance key requests received by phone, email or letter."""
        return request.user.has_perm("consents.add_datarequest")

    def get_fields(self, request, obj=None):
        if obj is None:
            return ["customer", "kind", "received_via", "received_at", "details", "identity_check"]
        return super().get_fields(request, obj)

    def get_readonly_fields(self, request, obj=None):
        return [] if obj is None else self.readonly_fields

    def get_form(self, request, obj=None, **kwargs):
        form = super().get_form(request, obj, **kwargs)
        if obj is None:
            form.base_fields["received_via"].help_text = "phone, email or letter"
        return form

    def save_model(self, request, obj, form, change):
        obj.pk = data_requests.data_request_make(
            customer_id=obj.customer_id, kind=obj.kind, details=obj.details, received_at=obj.received_at,
            received_via=obj.received_via, identity_check=obj.identity_check, actor=Actor.staff(request.user),
        ).pk


@admin.register(LegalHold)
class LegalHoldAdmin(ServiceAdmin):
    """D7/D8: a hold stops erasure and the retention schedule for the customer until it is lifted."""

    list_display = ["customer", "kind", "placed_at", "placed_by", "lifted_at"]
    fields = ["customer", "kind", "reason"]
    raw_id_fields = ["customer"]
    actions = ["lift"]

    def has_change_permission(self, request, obj=None):
        return obj is None and request.user.has_perm("consents.change_legalhold")

    def save_model(self, request, obj, form, change):
        obj.pk = retention.legal_hold_place(customer_id=obj.customer_id, kind=obj.kind, reason=obj.reason,
                                            actor=Actor.staff(request.user)).pk

    @admin.action(description="Lift the hold", permissions=["change"])
    def lift(self, request, queryset):
        self.run_action(request, queryset, lambda hold, actor, reason: retention.legal_hold_lift(
            hold_id=hold.pk, actor=actor))


class SpecialCategoryForm(forms.ModelForm):
    explicit_consent = forms.BooleanField(
        required=False, label="The customer gave explicit consent, in the words below (D10)")

    class Meta:
        model = SpecialCategoryRecord
        fields = ["customer", "category", "details", "consent_wording"]


@admin.register(SpecialCategoryRecord)
class SpecialCategoryRecordAdmin(ServiceAdmin, ReadOnlyAdmin):
    """D10: seen only by staff holding consents.view_specialcategoryrecord; recorded only with explicit consent."""

    list_display = ["customer", "category", "consented_at", "recorded_by"]
    readonly_fields = ["customer", "category", "details", "consent_wording", "consented_at", "recorded_by"]
    add_form = SpecialCategoryForm
    raw_id_fields = ["customer"]

    def has_add_permission(self, request):
        return request.user.has_perm("consents.add_specialcategoryrecord")

    def get_readonly_fields(self, request, obj=None):
        return [] if obj is None else self.readonly_fields

    def get_form(self, request, obj=None, **kwargs):
        if obj is None:
            kwargs["form"] = self.add_form
            kwargs["fields"] = None
        return super().get_form(request, obj, **kwargs)

    def get_fields(self, request, obj=None):
        if obj is None:
            return ["customer", "category", "details", "consent_wording", "explicit_consent"]
        return super().get_fields(request, obj)

    def save_model(self, request, obj, form, change):
        obj.pk = register.special_category_record(
            customer_id=obj.customer_id, category=obj.category, details=obj.details,
            consent_wording=obj.consent_wording, explicit_consent=form.cleaned_data["explicit_consent"],
            actor=Actor.staff(request.user),
        ).pk


@admin.register(OfferSent)
class OfferSentAdmin(ReadOnlyAdmin):
    """D4: which offer went to whom, by which channel, when."""

    list_display = ["customer", "offer_code", "channel", "sent_at"]
    list_filter = ["channel", "offer_code"]


@admin.register(RetentionPeriod)
class RetentionPeriodAdmin(ReadOnlyAdmin):
    """D8: periods changed from the settings' defaults (through the staff API, which keeps the legal minimum)."""

    list_display = ["record_type", "months", "set_at", "set_by"]


@admin.register(TpsImport)
class TpsImportAdmin(ReadOnlyAdmin):
    """D12: each import of the TPS file (`manage.py tps_import <file>`)."""

    list_display = ["file_name", "imported_at", "numbers", "skipped"]
