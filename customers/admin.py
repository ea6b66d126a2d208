"""Staff screens for customers. Customer service finds a customer in one search and sees their
addresses, consents, contact log and (with the permission) checks on one page; every change
goes through a service."""

from django import forms
from django.contrib import admin, messages
from django.contrib.admin import helpers
from django.contrib.auth.admin import UserAdmin
from django.core.exceptions import PermissionDenied
from django.db.models import Q
from django.urls import reverse
from django.utils.html import format_html
from rest_framework.authtoken.admin import TokenAdmin
from rest_framework.authtoken.models import TokenProxy
from simple_history.admin import SimpleHistoryAdmin

from customers import admin_pages as pages
from customers import services
from customers.admin_base import ReadOnlyInline, ServiceAdmin
from customers.models import (
    ApiAccessRevocation,
    CallRecording,
    ContactLogEntry,
    Customer,
    DeliveryAddress,
    DueDiligenceCheck,
    EvidenceDocument,
    RecordingPause,
    Representative,
    Restriction,
    SourceOfFundsRequest,
    User,
)
from customers.selectors import customer_filter_by_search
from customers.services.accounts import DETAIL_FIELDS
from mint_shop.actors import Actor, Channel
from mint_shop.admin_forms import NoDeadLinksAdmin, ReadOnlyAdminMixin, choose_page, chosen, service_page

admin.site.register(User, UserAdmin)

DUE_DILIGENCE = "customers.view_due_diligence"

# Inlines that apps above customers add to the customer's page (consents adds its own in
# its admin.py): customers cannot import them, so they register here at start-up.
CUSTOMER_PAGE_INLINES: list[type] = []

# Staff jobs on a customer, linked from their page with `?customer=<id>` for a role holding the
# permission: (label, url name, permission). Apps above customers add theirs at start-up.
CUSTOMER_PAGE_JOBS: list[tuple[str, str, str]] = [
    ("Register a representative", "admin:customers_representative_add", "customers.add_representative"),
    ("Record a call", "admin:customers_callrecording_add", "customers.add_callrecording"),
]


def customer_page(modeladmin, request, *, title: str, form_class, permission: str, call, **form_kwargs):
    """A job on one customer: ask which (by number) unless `?customer=` says, then the job's form."""
    if not request.user.has_perm(permission):
        raise PermissionDenied
    customer = chosen(request, pages.CustomerChoiceForm, "customer")
    if customer is None:
        return choose_page(modeladmin, request, form_class=pages.CustomerChoiceForm, title=title)
    return service_page(
        modeladmin, request, form=form_class(request.POST or None, request.FILES or None, **form_kwargs),
        permission=permission, title=f"{title}: {customer}", call=call(customer),
        done_url=reverse("admin:customers_customer_change", args=[customer.pk]),
    )


class DeliveryAddressInline(ReadOnlyInline):
    model = DeliveryAddress
    fields = ["label", "recipient_name", "line1", "line2", "town", "postcode", "country"]
    readonly_fields = fields


class RestrictionInline(ReadOnlyInline):
    model = Restriction
    fields = ["restricted_at", "reason", "restricted_by", "lifted_at", "lift_reason", "lifted_by"]
    readonly_fields = fields


class ContactLogInline(ReadOnlyInline):
    model = ContactLogEntry
    fields = ["occurred_at", "kind", "direction", "summary", "recorded_by"]
    readonly_fields = fields


class RepresentativeInline(ReadOnlyInline):
    model = Representative
    fields = ["first_name", "last_name", "kind", "status", "verified_at", "ended_at"]
    readonly_fields = fields


class CheckInline(ReadOnlyInline):
    model = DueDiligenceCheck
    fields = ["kind", "representative", "status", "provider", "provider_reference", "requested_at", "completed_at"]
    readonly_fields = fields


class SourceOfFundsInline(ReadOnlyInline):
    model = SourceOfFundsRequest
    fields = ["order", "requested_at", "due_on", "outcome", "decided_at", "order_cancelled_at"]
    readonly_fields = fields


class KeyedRegistrationForm(forms.ModelForm):
    """Staff keying an account from a call or letter: the declarations the customer gave (C1)."""

    channel = forms.ChoiceField(choices=[(Channel.PHONE, "Phone"), (Channel.POST, "Post")])
    capacity_declared = forms.BooleanField(required=False, label="Declared legal capacity")
    checks_agreed = forms.BooleanField(required=False, label="Agreed to credit, identity and residency checks")

    class Meta:
        model = Customer
        fields = ["first_name", "last_name", "email", "date_of_birth", *sorted(DETAIL_FIELDS - {
            "first_name", "last_name", "email"})]


@admin.register(Customer)
class CustomerAdmin(ServiceAdmin, SimpleHistoryAdmin):
    list_display = ["last_name", "first_name", "email", "phone", "postcode", "date_of_birth", "restricted_at",
                    "deceased_at"]
    list_filter = ["registered_via", "open_orders_review_required"]
    search_fields = ["first_name", "last_name", "email", "phone", "mobile_phone", "postcode"]
    search_help_text = "Name, email, phone (as keyed) or postcode"
    readonly_fields = [
        "user", "date_of_birth", "created_at", "keyed_by", "registered_via", "capacity_declared_at",
        "checks_agreed_at", "restricted_at", "restriction_reason", "deceased_at", "open_orders_review_required",
    ]
    actions = ["restrict", "lift_restriction", "mark_deceased", "revoke_api_access"]

    def get_search_results(self, request, queryset, search_term):
        return customer_filter_by_search(queryset, search_term), False

    def change_view(self, request, object_id, form_url="", extra_context=None):
        tools = [
            (label, f"{reverse(url_name)}?customer={object_id}")
            for label, url_name, permission in CUSTOMER_PAGE_JOBS
            if request.user.has_perm(permission)
        ]
        return super().change_view(request, object_id, form_url, {"page_tools": tools, **(extra_context or {})})

    def get_form(self, request, obj=None, change=False, **kwargs):
        if obj is None:
            kwargs["form"] = KeyedRegistrationForm
        return super().get_form(request, obj, change=change, **kwargs)

    def get_readonly_fields(self, request, obj=None):
        return self.readonly_fields if obj else []

    def get_fieldsets(self, request, obj=None):
        if obj is None:
            return [(None, {"fields": list(KeyedRegistrationForm.base_fields)})]
        return super().get_fieldsets(request, obj)

    def get_inlines(self, request, obj):
        if obj is None:
            return []
        inlines = [DeliveryAddressInline, ContactLogInline, RepresentativeInline, RestrictionInline,
                   *CUSTOMER_PAGE_INLINES]
        if request.user.has_perm(DUE_DILIGENCE):
            inlines += [CheckInline, SourceOfFundsInline]
        return inlines

    def save_model(self, request, obj, form, change):
        if change:
            changes = {field: form.cleaned_data[field] for field in form.changed_data if field in DETAIL_FIELDS}
            services.customer_update_details(customer_id=obj.pk, actor=Actor.staff(request.user), changes=changes)
            return
        data = dict(form.cleaned_data)
        actor = Actor.staff(request.user, channel=data.pop("channel"))
        obj.pk = services.customer_register(actor=actor, **data).pk

    @admin.action(description="Restrict: refuse supply (reason required)", permissions=["restrict"])
    def restrict(self, request, queryset):
        self.run_action(request, queryset, lambda c, actor, reason: services.customer_restrict(
            customer_id=c.pk, reason=reason, actor=actor), needs_reason=True)

    @admin.action(description="Lift the restriction (reason required)", permissions=["restrict"])
    def lift_restriction(self, request, queryset):
        self.run_action(request, queryset, lambda c, actor, reason: services.customer_restriction_lift(
            customer_id=c.pk, reason=reason, actor=actor), needs_reason=True)

    @admin.action(description="Record that the customer has died", permissions=["mark_deceased"])
    def mark_deceased(self, request, queryset):
        self.run_action(request, queryset, lambda c, actor, reason: services.customer_mark_deceased(
            customer_id=c.pk, actor=actor))

    @admin.action(description="Revoke API access: end their tokens and sessions", permissions=["revoke_api_access"])
    def revoke_api_access(self, request, queryset):
        self.run_action(request, queryset, lambda c, actor, reason: services.customer_api_access_revoke(
            customer_id=c.pk, actor=actor, reason=reason))

    def has_revoke_api_access_permission(self, request):
        return request.user.has_perm("customers.revoke_api_access")

    def has_restrict_permission(self, request):
        return request.user.has_perm("customers.restrict_customer")

    def has_mark_deceased_permission(self, request):
        return request.user.has_perm("customers.mark_customer_deceased")


class DueDiligenceOnly:
    """Checks, evidence and source of funds are for staff with view_due_diligence only (C4)."""

    def has_module_permission(self, request):
        return request.user.has_perm(DUE_DILIGENCE) and super().has_module_permission(request)

    def has_view_permission(self, request, obj=None):
        return request.user.has_perm(DUE_DILIGENCE) and super().has_view_permission(request, obj)


class EvidenceInline(DueDiligenceOnly, ReadOnlyInline):
    model = EvidenceDocument
    fk_name = "check_record"
    fields = ["document", "content_type", "size_bytes", "description", "uploaded_at", "uploaded_by"]
    readonly_fields = fields

    @admin.display(description="File")
    def document(self, document):
        # Through the permission-checked download view, never a public media URL.
        url = reverse("customers:staff-document-download", kwargs={"pk": document.pk})
        return format_html('<a href="{}">{}</a>', url, document.original_name)


class RepresentativeEvidenceInline(EvidenceInline):
    fk_name = "representative"


class SourceOfFundsEvidenceInline(EvidenceInline):
    fk_name = "source_of_funds_request"


@admin.register(DueDiligenceCheck)
class DueDiligenceCheckAdmin(DueDiligenceOnly, ServiceAdmin, SimpleHistoryAdmin):
    list_display = ["customer", "kind", "representative", "status", "provider_reference", "requested_at"]
    list_filter = ["kind", "status"]
    search_fields = ["customer__last_name", "customer__email", "provider_reference"]
    list_select_related = ["customer", "representative"]
    fields = ["customer", "representative", "kind", "status", "provider", "provider_reference", "notes"]
    raw_id_fields = ["customer", "representative"]
    inlines = [EvidenceInline]

    def get_readonly_fields(self, request, obj=None):
        return ["customer", "representative", "kind", "provider"] if obj else []

    def save_model(self, request, obj, form, change):
        actor = Actor.staff(request.user)
        if change:
            services.due_diligence_check_update(
                check_id=obj.pk, actor=actor, status=obj.status, provider_reference=obj.provider_reference,
                notes=obj.notes,
            )
            return
        obj.pk = services.due_diligence_check_create(
            customer_id=obj.customer_id, representative_id=obj.representative_id, kind=obj.kind, status=obj.status,
            provider=obj.provider, provider_reference=obj.provider_reference, notes=obj.notes, actor=actor,
        ).pk


@admin.register(SourceOfFundsRequest)
class SourceOfFundsRequestAdmin(DueDiligenceOnly, ServiceAdmin, SimpleHistoryAdmin):
    list_display = ["customer", "order", "due_on", "outcome", "decided_at", "order_cancelled_at"]
    list_filter = ["outcome"]
    list_select_related = ["customer", "order"]
    search_fields = ["customer__last_name", "customer__email"]
    fields = ["customer", "order", "due_on", "notes"]
    raw_id_fields = ["customer", "order"]
    inlines = [SourceOfFundsEvidenceInline]
    actions = ["accept", "refuse"]

    def has_change_permission(self, request, obj=None):
        return False  # decided through the actions, which call the service

    def save_model(self, request, obj, form, change):
        obj.pk = services.source_of_funds_request_create(
            customer_id=obj.customer_id, order_id=obj.order_id, due_on=obj.due_on, notes=obj.notes,
            actor=Actor.staff(request.user),
        ).pk

    @admin.action(description="Evidence accepted", permissions=["decide"])
    def accept(self, request, queryset):
        self.run_action(request, queryset, lambda r, actor, reason: services.source_of_funds_decide(
            request_id=r.pk, outcome=SourceOfFundsRequest.Outcome.ACCEPTED, notes=reason, actor=actor))

    @admin.action(description="Refused or not provided (the order will be cancelled)", permissions=["decide"])
    def refuse(self, request, queryset):
        self.run_action(request, queryset, lambda r, actor, reason: services.source_of_funds_decide(
            request_id=r.pk, outcome=SourceOfFundsRequest.Outcome.REFUSED, notes=reason, actor=actor))

    def has_decide_permission(self, request):
        return request.user.has_perm("customers.change_sourceoffundsrequest")


@admin.register(Representative)
class RepresentativeAdmin(ServiceAdmin, SimpleHistoryAdmin):
    list_display = ["last_name", "first_name", "kind", "customer", "status", "verified_at"]
    list_filter = ["kind", "status"]
    list_select_related = ["customer"]
    search_fields = ["last_name", "email", "customer__last_name", "customer__email"]
    readonly_fields = ["customer", "kind", "user", "first_name", "last_name", "email", "phone",
                       "appointment_reference", "status", "registered_at", "verified_at", "verified_by", "ended_at",
                       "end_reason"]
    inlines = [RepresentativeEvidenceInline]
    actions = ["verify", "revoke"]

    def has_change_permission(self, request, obj=None):
        return False

    def add_view(self, request, form_url="", extra_context=None):
        """C6: customer service registers a representative with the evidence of their appointment."""
        return customer_page(self, request, title="Register a representative", form_class=pages.RepresentativeForm,
                             permission="customers.add_representative", call=pages.representative_register)

    @admin.action(description="Verify (evidence of appointment seen)", permissions=["verify"])
    def verify(self, request, queryset):
        self.run_action(request, queryset, lambda r, actor, reason: services.representative_verify(
            representative_id=r.pk, actor=actor))

    @admin.action(description="Revoke or reject (reason required)", permissions=["verify"])
    def revoke(self, request, queryset):
        self.run_action(request, queryset, lambda r, actor, reason: services.representative_revoke(
            representative_id=r.pk, reason=reason, actor=actor), needs_reason=True)

    def has_verify_permission(self, request):
        return request.user.has_perm("customers.verify_representative")


@admin.register(ContactLogEntry)
class ContactLogEntryAdmin(ServiceAdmin, SimpleHistoryAdmin):
    list_display = ["occurred_at", "customer", "kind", "direction", "summary", "recorded_by"]
    list_filter = ["kind", "direction"]
    list_select_related = ["customer", "recorded_by"]
    search_fields = ["customer__last_name", "customer__email", "summary"]
    fields = ["customer", "kind", "direction", "occurred_at", "summary"]
    raw_id_fields = ["customer"]

    def has_change_permission(self, request, obj=None):
        return False

    def save_model(self, request, obj, form, change):
        obj.pk = services.contact_log_record(
            customer_id=obj.customer_id, kind=obj.kind, direction=obj.direction, occurred_at=obj.occurred_at,
            summary=obj.summary, actor=Actor.staff(request.user),
        ).pk


class RecordingPauseInline(ReadOnlyInline):
    model = RecordingPause
    fields = ["paused_at", "resumed_at", "reason", "recorded_by"]
    readonly_fields = fields


@admin.register(CallRecording)
class CallRecordingAdmin(ServiceAdmin, SimpleHistoryAdmin):
    """Recorded calls, recorded through the staff API; here staff read them and note the transcript transfer."""

    list_display = ["started_at", "direction", "purpose", "customer_number", "transcript_sent_at"]
    list_filter = ["purpose", "direction"]
    list_select_related = ["contact__customer"]
    search_fields = ["contact__customer__last_name", "customer_number"]
    inlines = [RecordingPauseInline]
    actions = ["transcript_transferred"]

    def has_change_permission(self, request, obj=None):
        return False

    def add_view(self, request, form_url="", extra_context=None):
        return customer_page(self, request, title="Record a call", form_class=pages.CallRecordingForm,
                             permission="customers.add_callrecording", call=pages.call_recording_record)

    @admin.action(description="Transcript sent to the US processor (standard contractual clauses)",
                  permissions=["transfer"])
    def transcript_transferred(self, request, queryset):
        self.run_action(request, queryset, lambda r, actor, reason: services.call_recording_transcript_transfer_record(
            recording_id=r.pk, actor=actor))

    def has_transfer_permission(self, request):
        return request.user.has_perm("customers.change_callrecording")


@admin.register(ApiAccessRevocation)
class ApiAccessRevocationAdmin(ReadOnlyAdminMixin, NoDeadLinksAdmin):
    """Issue 14: the record of each revocation; made by the Customer and Token actions or the API, never here."""

    list_display = ["user", "revoked_at", "revoked_by_kind", "revoked_by", "tokens_ended", "sessions_ended", "reason"]
    list_filter = ["revoked_by_kind"]
    search_fields = ["user__username", "user__email"]
    readonly_fields = list_display + ["channel"]


admin.site.unregister(TokenProxy)


@admin.register(TokenProxy)
class RevocableTokenAdmin(TokenAdmin):
    """DRF's token admin, whose only deletion is the "Revoke" action, the revocation service (recorded,
    sessions ended too): Django's own "Delete selected" and delete page would delete the token unrecorded
    and leave the login's sessions signed in."""

    actions = ["revoke"]

    @admin.action(description="Revoke: end these logins' tokens and sessions", permissions=["delete"])
    def revoke(self, request, queryset):
        self.delete_queryset(request, queryset)
        self.message_user(request, "Revoked.", messages.SUCCESS)

    def response_action(self, request, queryset):
        # TokenProxy's pk is its user's id (DRF keeps keys out of URLs), so the list page's boxes carry user
        # ids, while Django filters the selection by the table's key: name the selected tokens by key.
        selected = request.POST.getlist(helpers.ACTION_CHECKBOX_NAME)
        user_ids = [value for value in selected if value.isdigit()]
        keys = queryset.filter(Q(user_id__in=user_ids) | Q(key__in=selected)).values_list("key", flat=True)
        request.POST = request.POST.copy()
        request.POST.setlist(helpers.ACTION_CHECKBOX_NAME, list(keys))
        return super().response_action(request, queryset)

    def delete_queryset(self, request, queryset):
        actor = Actor.staff(request.user)
        for user_id in sorted(set(queryset.values_list("user_id", flat=True))):
            services.api_access_revoke(user_id=user_id, actor=actor, reason="Token admin")

    def get_actions(self, request):
        actions = super().get_actions(request)
        actions.pop("delete_selected", None)  # "Revoke" is the deletion
        return actions

    def has_delete_permission(self, request, obj=None):
        # No delete page for one token (its view runs in a transaction, the service in its own): "Revoke".
        return obj is None and super().has_delete_permission(request)
