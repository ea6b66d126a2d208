"""Notifications' `personal_data` provider: the messages sent to a customer (their address and text)."""

from mint_shop.personal_data import ERASED, Note, Provider, label, register, rows, scrub
from notifications.models import Message


def export(customer_id: int) -> dict[str, list[dict]]:
    return {"messages": rows(Message.objects.filter(customer_id=customer_id).order_by("created_at", "id"),
                             ("channel", "purpose", "kind", "recipient", "subject", "body", "status", "sent_at"))}


def erase(customer_id: int, *, actor, today, keep_months) -> list[Note]:
    ids = list(Message.objects.filter(customer_id=customer_id).values_list("pk", flat=True))
    scrub(Message, ids, {"recipient": ERASED, "subject": "", "body": ERASED})
    return [Note(label(Message, pk), "anonymised", "address and text erased; kind and dates stay") for pk in ids]


def provider_register() -> None:
    register(Provider(app="notifications", models=(Message,), export=export, erase=erase))
