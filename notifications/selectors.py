import datetime as dt

from notifications.models import Message


def message_list_for_staff(*, status: str | None = None):
    messages = Message.objects.select_related("customer").order_by("-created_at", "-id")
    return messages.filter(status=status) if status else messages


def message_list_stuck_pending(*, older_than: dt.datetime):
    """Pending messages whose send was never picked up (a lost enqueue, a retry in waiting)."""
    return Message.objects.filter(status=Message.Status.PENDING, created_at__lt=older_than).order_by("pk")
