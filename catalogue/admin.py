from django.contrib import admin, messages
from simple_history.admin import SimpleHistoryAdmin

from catalogue.models import DeliveryOption, Product, Range, TermsVersion
from catalogue.services import product_withdraw
from mint_shop.actors import Actor


@admin.register(Range)
class RangeAdmin(admin.ModelAdmin):
    list_display = ["name", "code"]


@admin.register(Product)
class ProductAdmin(SimpleHistoryAdmin):
    """Staff manage the catalogue here; the history page is the price history (P7)."""

    list_display = ["sku", "name", "range", "price_pence", "stock", "mintage", "launch_date", "withdrawn_at"]
    list_filter = ["range", "bullion_priced", "personalisable", "hygiene_sealed"]
    search_fields = ["sku", "name"]
    list_select_related = ["range"]
    readonly_fields = ["withdrawn_at"]
    history_list_display = ["price_pence", "stock"]
    actions = ["withdraw"]

    @admin.action(description="Withdraw from sale (P3)", permissions=["change"])
    def withdraw(self, request, queryset):
        for product in queryset.order_by("pk"):
            product_withdraw(product_id=product.pk, actor=Actor.staff(request.user))
        self.message_user(request, f"{queryset.count()} product(s) withdrawn.", messages.SUCCESS)


@admin.register(DeliveryOption)
class DeliveryOptionAdmin(SimpleHistoryAdmin):
    list_display = ["code", "name", "region", "premium", "charge_pence", "active"]
    list_filter = ["region", "premium", "active"]


@admin.register(TermsVersion)
class TermsVersionAdmin(admin.ModelAdmin):
    list_display = ["version", "published_at"]
