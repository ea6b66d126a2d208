"""Staff screens for consents: each customer's consents (also on the customer's page) and print runs."""

from django.contrib import admin
from simple_history.admin import SimpleHistoryAdmin

from consents import services
from consents.models import MarketingConsent, PrintRun, PrintRunRecipient
from customers.admin import CUSTOMER_PAGE_INLINES
from customers.admin_base import ReadOnlyInline, ServiceAdmin
from mint_shop.actors import Actor


class MarketingConsentInline(ReadOnlyInline):
    model = MarketingConsent
    fields = ["channel", "granted", "basis", "source", "wording", "changed_at", "captured_by", "capacity"]
    readonly_fields = fields


CUSTOMER_PAGE_INLINES.append(MarketingConsentInline)


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

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


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
