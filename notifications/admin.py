from django.contrib import admin, messages
from django.http import HttpResponse

from mint_shop.actors import Actor
from mint_shop.admin_forms import NoDeadLinksAdmin
from mint_shop.errors import RuleViolation
from notifications import services
from notifications.models import Message


@admin.register(Message)
class MessageAdmin(NoDeadLinksAdmin):
    """The outbox: staff see every message's status; they never edit a message."""

    list_display = ["created_at", "channel", "purpose", "kind", "recipient", "status", "attempts", "sent_at"]
    list_filter = ["status", "channel", "purpose", "kind"]
    search_fields = ["recipient", "dedupe_key", "customer__last_name"]
    list_select_related = ["customer"]
    actions = ["export_print_queue", "mark_calls_done"]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False

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
