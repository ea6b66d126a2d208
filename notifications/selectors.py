import datetime as dt

from django.db.models import Q

from notifications.models import Message


def message_list_for_staff(*, status: str | None = None):
    messages = Message.objects.select_related("customer").order_by("-created_at", "-id")
    return messages.filter(status=status) if status else messages


def message_list_stuck_pending(*, older_than: dt.datetime, now: dt.datetime):
    """Pending messages whose send was never picked up (a lost enqueue), or whose retry is due:
    a message waiting out its backoff after a failure is not one of them (N4)."""
    return Message.objects.filter(
        Q(next_attempt_at__isnull=True) | Q(next_attempt_at__lte=now),
        status=Message.Status.PENDING,
        created_at__lt=older_than,
    ).order_by("pk")
