"""Staff screens: notices, returns and fault claims are read here; changes go through the API's services.

Finance's refund queue is the changelist of cancellations filtered to refunds owed, ordered by
legal deadline; the action asks payments for the refund (M8) and for any return postage we
reimburse on top (R3).
"""

from django.contrib import admin, messages
from simple_history.admin import SimpleHistoryAdmin

from cancellations import services
from cancellations.models import Cancellation, CancellationLine, FaultClaim, GoodsReturn
from mint_shop.actors import Actor
from mint_shop.errors import RuleViolation


class CancellationLineInline(admin.TabularInline):
    model = CancellationLine
    extra = 0
    can_delete = False
    readonly_fields = ["order_line", "goods_pence", "discount_pence", "to_come_back"]

    def has_add_permission(self, request, obj=None) -> bool:
        return False


class ReadOnlyAdmin(SimpleHistoryAdmin):
    def has_add_permission(self, request) -> bool:
        return False

    def has_change_permission(self, request, obj=None) -> bool:
        return False

    def has_delete_permission(self, request, obj=None) -> bool:
        return False


@admin.register(Cancellation)
class CancellationAdmin(ReadOnlyAdmin):
    list_display = [
        "pk",
        "order",
        "right",
        "notice_channel",
        "notice_sent_on",
        "notice_received_on",
        "notice_deemed_on",
        "refund_pence",
        "legal_deadline",
        "terms_deadline",
        "flag",
        "refund",
        "reimbursement",
    ]
    list_filter = ["right", "flag"]
    ordering = ["legal_deadline", "pk"]
    list_select_related = ["order", "refund", "reimbursement"]
    inlines = [CancellationLineInline]
    actions = ["grant_refunds"]

    @admin.action(
        description="Refund by the original method (M8), return postage by bank (R3)", permissions=["work_refund_queue"]
    )
    def grant_refunds(self, request, queryset):
        for cancellation in queryset.order_by("pk"):
            try:
                services.cancellation_refund_grant(cancellation_id=cancellation.pk, actor=Actor.staff(request.user))
            except RuleViolation as exc:
                self.message_user(request, f"Cancellation {cancellation.pk}: {exc.detail}", messages.ERROR)

    def has_work_refund_queue_permission(self, request) -> bool:
        return request.user.has_perm("cancellations.work_refund_queue")


admin.site.register(GoodsReturn, ReadOnlyAdmin)
admin.site.register(FaultClaim, ReadOnlyAdmin)
