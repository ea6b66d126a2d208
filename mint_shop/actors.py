"""Who did something, and through which channel (DESIGN.md: every state change records it)."""

from dataclasses import dataclass

from django.db import models


class ActorKind(models.TextChoices):
    CUSTOMER = "customer", "Customer"
    STAFF = "staff", "Staff"
    REPRESENTATIVE = "representative", "Representative"
    SYSTEM = "system", "System"


class Channel(models.TextChoices):
    WEB = "web", "Web"
    PHONE = "phone", "Phone"
    POST = "post", "Post"
    EMAIL = "email", "Email"
    SMS = "sms", "SMS"
    SYSTEM = "system", "System"


@dataclass(frozen=True)
class Actor:
    kind: str
    channel: str
    user: object | None = None  # customers.User, None for the system
    capacity: str = ""  # for a representative: attorney, deputy, ...

    @classmethod
    def system(cls) -> "Actor":
        return cls(kind=ActorKind.SYSTEM, channel=Channel.SYSTEM)

    @classmethod
    def staff(cls, user, channel: str = Channel.PHONE) -> "Actor":
        return cls(kind=ActorKind.STAFF, channel=channel, user=user)

    @classmethod
    def customer(cls, user) -> "Actor":
        return cls(kind=ActorKind.CUSTOMER, channel=Channel.WEB, user=user)

    def describe(self) -> str:
        who = getattr(self.user, "username", "system")
        suffix = f" as {self.capacity}" if self.capacity else ""
        return f"{self.kind}:{who} via {self.channel}{suffix}"
