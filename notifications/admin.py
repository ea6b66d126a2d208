from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied
from django.http import HttpResponse
from django.template.response import TemplateResponse
from django.urls import path, reverse

from mint_shop.actors import Actor
from mint_shop.admin_forms import NoDeadLinksAdmin, ReadOnlyAdminMixin
from mint_shop.errors import RuleViolation
from notifications import services
from notifications.account_mail import ACCOUNT_KIND_PREFIX
from notifications.models import Message


@admin.register(Message)
class MessageAdmin(ReadOnlyAdminMixin, NoDeadLinksAdmin):
    """The outbox: staff see every message's status; they never edit a message."""

    list_display = ["created_at", "channel", "purpose", "kind", "recipient", "status", "attempts", "sent_at"]
    list_filter = ["status", "channel", "purpose", "kind"]
    search_fields = ["recipient", "dedupe_key", "customer__last_name"]
    list_select_related = ["customer"]
    actions = ["export_print_queue", "mark_calls_done"]

    def get_fields(self, request, obj=None):
        # The words of a message are the customer's business: staff who may not read customers' records
        # (the warehouse) see where each message went and how, not what it said.
        # An account email's body (password reset, address confirmation) carries a link that signs in as the
        # customer: a credential, shown to nobody (issue 14); the worker still sends it.
        fields = super().get_fields(request, obj)
        hidden = () if request.user.has_perm("customers.view_customer") else ("subject", "body")
        if obj is not None and obj.kind.startswith(ACCOUNT_KIND_PREFIX):
            hidden = (*hidden, "body")
        return [name for name in fields if name not in hidden]

    def get_urls(self):
        view = self.admin_site.admin_view(self.print_queue_view)
        return [path("print-queue/", view, name="notifications_message_print_queue"), *super().get_urls()]

    def changelist_view(self, request, extra_context=None):
        tools = []
        if self.has_export_print_queue_permission(request):
            tools.append(("Export the print queue", reverse("admin:notifications_message_print_queue")))
        return super().changelist_view(request, {"page_tools": tools, **(extra_context or {})})

    def print_queue_view(self, request):
        """The whole letter print queue as CSV, without ticking rows: a POST, since it marks them posted."""
        if not self.has_export_print_queue_permission(request):
            raise PermissionDenied
        if request.method == "POST":
            return self.export_print_queue(request, Message.objects.none())
        context = {
            **self.admin_site.each_context(request),
            "opts": self.opts,
            "title": "Export the print queue",
            "intro": f"{Message.objects.filter(status=Message.Status.QUEUED_FOR_PRINT).count()} letter(s) waiting; "
            "exporting marks them posted.",
            "form": None,
        }
        return TemplateResponse(request, "admin/service_form.html", context)

    @admin.action(description="Export the whole letter print queue as CSV (marks letters posted)",
                  permissions=["export_print_queue"])
    def export_print_queue(self, request, queryset):
        response = HttpResponse(services.print_queue_export(actor=Actor.staff(request.user)), content_type="text/csv")
        response["Content-Disposition"] = 'attachment; filename="print-queue.csv"'
        return response

    def has_export_print_queue_permission(self, request):
        return request.user.has_perm("notifications.export_print_queue")

    @admin.action(description="Mark the selected call tasks as done", permissions=["work_call_queue"])
    def mark_calls_done(self, request, queryset):
        for message in queryset:
            try:
                services.call_task_complete(message_id=message.pk, actor=Actor.staff(request.user))
            except RuleViolation as exc:
                self.message_user(request, f"Message {message.pk}: {exc.detail}", messages.WARNING)

    def has_work_call_queue_permission(self, request):
        return request.user.has_perm("notifications.work_call_queue")
