"""Staff screens: notices, returns and fault claims, and the refund queue; every change goes through a service.

Finance's refund queue is the changelist of cancellations filtered to refunds owed, ordered by
legal deadline; the action asks payments for the refund (M8) and for any return postage we
reimburse on top (R3).
"""

from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied
from django.http import HttpResponse
from django.urls import path, reverse
from simple_history.admin import SimpleHistoryAdmin

from cancellations import admin_pages as pages
from cancellations import selectors, services
from cancellations.models import Cancellation, CancellationLine, FaultClaim, GoodsReturn
from mint_shop.actors import Actor
from mint_shop.admin_forms import NoDeadLinksAdmin, ReadOnlyAdminMixin, choose_page, chosen, service_page
from mint_shop.errors import RuleViolation
from mint_shop.money import format_pence
from orders.admin import ORDER_PAGE_JOBS
from orders.admin_pages import OrderNumberForm


class CancellationLineInline(admin.TabularInline):
    model = CancellationLine
    extra = 0
    can_delete = False
    readonly_fields = ["order_line", "goods_pence", "discount_pence", "to_come_back"]

    def has_add_permission(self, request, obj=None) -> bool:
        return False


class ReadOnlyAdmin(ReadOnlyAdminMixin, NoDeadLinksAdmin, SimpleHistoryAdmin):
    pass


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
                granted = services.cancellation_refund_grant(
                    cancellation_id=cancellation.pk, actor=Actor.staff(request.user)
                )
            except RuleViolation as exc:
                self.message_user(request, f"Cancellation {cancellation.pk}: {exc.detail}", messages.ERROR)
            else:
                self.message_user(request, _granted_text(granted), messages.SUCCESS)

    def has_work_refund_queue_permission(self, request) -> bool:
        return request.user.has_perm("cancellations.work_refund_queue")

    def get_urls(self):
        view = self.admin_site.admin_view
        return [
            path("notice/", view(self.notice_view), name="cancellations_cancellation_notice"),
            path("<int:pk>/return/", view(self.return_view), name="cancellations_cancellation_return"),
            path("refund-queue.csv", view(self.refund_queue_csv_view), name="cancellations_cancellation_csv"),
            *super().get_urls(),
        ]

    def notice_view(self, request):
        """R2: a notice by letter, email or phone, the order's lines ticked, not typed."""
        title = "Record a cancellation notice"
        order = chosen(request, OrderNumberForm, "order")
        if order is None:
            if not request.user.has_perm("cancellations.record_notice"):
                raise PermissionDenied
            return choose_page(self, request, form_class=OrderNumberForm, title=title)
        return service_page(
            self, request, form=pages.NoticeForm(request.POST or None, order=order),
            permission="cancellations.record_notice", title=f"{title}: order {order.pk}",
            call=pages.notice_record(order), done_url=pages.order_url(order),
        )

    def return_view(self, request, pk: int):
        cancellation = self.get_object(request, str(pk))
        if cancellation is None:
            raise PermissionDenied
        return service_page(
            self, request, form=pages.ReturnForm(request.POST or None, cancellation=cancellation),
            permission="cancellations.record_return", title=f"Record the return for cancellation {pk}",
            call=pages.return_record(cancellation),
            done_url=reverse("admin:cancellations_cancellation_change", args=[pk]),
        )

    def refund_queue_csv_view(self, request):
        if not request.user.has_perm("cancellations.work_refund_queue"):
            raise PermissionDenied
        response = HttpResponse(selectors.refund_queue_csv(), content_type="text/csv")
        response["Content-Disposition"] = 'attachment; filename="refund-queue.csv"'
        return response

    def changelist_view(self, request, extra_context=None):
        tools = []
        if request.user.has_perm("cancellations.record_notice"):
            tools.append(("Record a notice", reverse("admin:cancellations_cancellation_notice")))
        if request.user.has_perm("cancellations.work_refund_queue"):
            tools.append(("Refund queue as CSV", reverse("admin:cancellations_cancellation_csv")))
        return super().changelist_view(request, {"page_tools": tools, **(extra_context or {})})

    def change_view(self, request, object_id, form_url="", extra_context=None):
        tools = []
        if request.user.has_perm("cancellations.record_return"):
            tools.append(("Record the return", reverse("admin:cancellations_cancellation_return", args=[object_id])))
        return super().change_view(request, object_id, form_url, {"page_tools": tools, **(extra_context or {})})


def _granted_text(cancellation: Cancellation) -> str:
    granted = [
        f"{label} of {format_pence(money.amount_pence)}"
        for label, money in (("refund", cancellation.refund), ("return postage", cancellation.reimbursement))
        if money is not None
    ]
    return f"Cancellation {cancellation.pk}: {' and '.join(granted) or 'nothing'} granted."


admin.site.register(GoodsReturn, ReadOnlyAdmin)


@admin.register(FaultClaim)
class FaultClaimAdmin(ReadOnlyAdmin):
    """R7: customer service records a fault reported by phone or letter, and the examination's outcome."""

    list_display = ["pk", "order_line", "reported_on", "outcome", "remedy", "examined_on"]
    list_filter = ["outcome", "remedy"]

    def has_add_permission(self, request) -> bool:
        return request.user.has_perm("cancellations.add_faultclaim")

    def get_urls(self):
        view = self.admin_site.admin_view
        return [
            path("<int:pk>/examine/", view(self.examine_view), name="cancellations_faultclaim_examine"),
            *super().get_urls(),
        ]

    def add_view(self, request, form_url="", extra_context=None):
        title = "Record a fault claim"
        if not self.has_add_permission(request):
            raise PermissionDenied
        order = chosen(request, OrderNumberForm, "order")
        if order is None:
            return choose_page(self, request, form_class=OrderNumberForm, title=title)
        return service_page(
            self, request, form=pages.FaultClaimForm(request.POST or None, order=order),
            permission="cancellations.add_faultclaim", title=f"{title}: order {order.pk}",
            call=pages.fault_claim_record(order), done_url=reverse("admin:cancellations_faultclaim_changelist"),
        )

    def examine_view(self, request, pk: int):
        claim = self.get_object(request, str(pk))
        if claim is None:
            raise PermissionDenied
        return service_page(
            self, request, form=pages.ExaminationForm(request.POST or None),
            permission="cancellations.examine_fault_claim", title=f"Record the examination of fault claim {pk}",
            call=pages.examination_record(claim),
            done_url=reverse("admin:cancellations_faultclaim_change", args=[pk]),
        )

    def change_view(self, request, object_id, form_url="", extra_context=None):
        tools = []
        if request.user.has_perm("cancellations.examine_fault_claim"):
            tools.append(("Record the examination", reverse("admin:cancellations_faultclaim_examine",
                                                            args=[object_id])))
        return super().change_view(request, object_id, form_url, {"page_tools": tools, **(extra_context or {})})


ORDER_PAGE_JOBS.extend([
    ("Record a cancellation notice", "admin:cancellations_cancellation_notice", "cancellations.record_notice"),
    ("Record a fault claim", "admin:cancellations_faultclaim_add", "cancellations.add_faultclaim"),
])
