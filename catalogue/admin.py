from django.contrib import admin
from simple_history.admin import SimpleHistoryAdmin

from catalogue.models import Product, Range


@admin.register(Range)
class RangeAdmin(admin.ModelAdmin):
    list_display = ["name", "code"]


@admin.register(Product)
class ProductAdmin(SimpleHistoryAdmin):
    list_display = ["sku", "name", "range", "price_pence", "stock", "mintage"]
    list_filter = ["range"]
    search_fields = ["sku", "name"]
    list_select_related = ["range"]
