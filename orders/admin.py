from django.contrib import admin
from simple_history.admin import SimpleHistoryAdmin

from orders.models import Order, OrderLine


class OrderLineInline(admin.TabularInline):
    model = OrderLine
    extra = 0
    raw_id_fields = ["product"]


@admin.register(Order)
class OrderAdmin(SimpleHistoryAdmin):
    list_display = ["id", "customer", "channel", "status", "placed_at"]
    list_filter = ["status", "channel"]
    search_fields = ["id", "customer__last_name", "customer__email"]
    list_select_related = ["customer"]
    raw_id_fields = ["customer"]
    readonly_fields = ["keyed_by", "placed_at"]
    inlines = [OrderLineInline]
