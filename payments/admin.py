from django.contrib import admin

from payments.models import LedgerEntry


@admin.register(LedgerEntry)
class LedgerEntryAdmin(admin.ModelAdmin):
    """The ledger is read-only to everyone: entries are only ever appended by services (M9)."""

    list_display = ["created_at", "order", "kind", "amount_pence", "reference"]
    list_filter = ["kind"]
    search_fields = ["reference", "order__id"]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False
