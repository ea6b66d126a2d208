"""Staff screens for consents: each customer's consents (also on the customer's page) and print runs."""

from django import forms
from django.contrib import admin
from simple_history.admin import SimpleHistoryAdmin

from consents import services
from consents.models import MarketingChannel, MarketingConsent, PrintRun, PrintRunRecipient
from customers.admin import CUSTOMER_PAGE_INLINES, CUSTOMER_PAGE_JOBS, customer_page
from customers.admin_base import ReadOnlyInline, ServiceAdmin
from mint_shop.actors import Actor


class MarketingConsentInline(ReadOnlyInline):
    model = MarketingConsent
    fields = ["channel", "granted", "basis", "source", "wording", "changed_at", "captured_by", "capacity"]
    readonly_fields = fields


CUSTOMER_PAGE_INLINES.append(MarketingConsentInline)
CUSTOMER_PAGE_JOBS.append(
    ("Record consent or an opt-out", "admin:consents_marketingconsent_add", "consents.add_marketingconsent")
)


class ConsentForm(forms.Form):
    """D1, D2: a choice the customer made by phone or letter, with the words they were asked."""

    channel = forms.ChoiceField(choices=MarketingChannel.choices)
    choice = forms.ChoiceField(choices=[("yes", "Allows marketing"), ("no", "Opts out")], widget=forms.RadioSelect)
    source = forms.ChoiceField(choices=[(s, MarketingConsent.Source(s).label) for s in ("call", "letter", "email")])
    wording = forms.CharField(required=False, widget=forms.Textarea(attrs={"rows": 2}),
                              help_text="The words the customer agreed to, when they allowed marketing")


def consent_record(customer):
    def call(data, actor) -> str:
        granted = data["choice"] == "yes"
        services.marketing_consent_set(customer_id=customer.pk, channel=data["channel"], granted=granted,
                                       source=data["source"], wording=data["wording"], actor=actor)
        return f"{customer}: {data['channel']} marketing {'allowed' if granted else 'stopped'}."

    return call


@admin.register(MarketingConsent)
class MarketingConsentAdmin(SimpleHistoryAdmin):
    """D1: current choices; each row's history shows every change with its source and wording.

    Changes are recorded through the staff API (or by the customer), so they carry their source.
    """

    list_display = ["customer", "channel", "granted", "basis", "source", "changed_at", "captured_by"]
    list_filter = ["channel", "granted", "basis", "source"]
    list_select_related = ["customer", "captured_by"]
    search_fields = ["customer__last_name", "customer__email"]
    readonly_fields = ["customer", "channel", "granted", "basis", "source", "wording", "changed_at", "captured_by",
                       "actor_kind", "capacity"]

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False

    def add_view(self, request, form_url="", extra_context=None):
        """Customer service records a consent or opt-out taken by phone or letter."""
        return customer_page(self, request, title="Record consent or an opt-out", form_class=ConsentForm,
                             permission="consents.add_marketingconsent", call=consent_record)


class PrintRunRecipientInline(ReadOnlyInline):
    model = PrintRunRecipient
    fields = ["customer", "name", "address"]
    readonly_fields = fields
    show_change_link = False


@admin.register(PrintRun)
class PrintRunAdmin(ServiceAdmin):
    """D2: a postal mailing; marking it printed freezes its list."""

    list_display = ["title", "created_at", "created_by", "printed_at"]
    fields = ["title"]
    inlines = [PrintRunRecipientInline]
    actions = ["mark_printed"]

    def has_change_permission(self, request, obj=None):
        return False

    def save_model(self, request, obj, form, change):
        obj.pk = services.print_run_create(title=obj.title, actor=Actor.staff(request.user)).pk

    @admin.action(description="Mark printed (freezes the list)", permissions=["print"])
    def mark_printed(self, request, queryset):
        self.run_action(request, queryset, lambda run, actor, reason: services.print_run_mark_printed(
            print_run_id=run.pk, actor=actor))

    def has_print_permission(self, request):
        return request.user.has_perm("consents.change_printrun")


from consents import admin_rights  # noqa: E402, F401 - data rights (D6–D12) have their own screens
