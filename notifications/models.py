from django.db import models


class Message(models.Model):
    """One outgoing message (N1–N4), recorded before it is sent.

    Service messages (D3) always go; marketing ones are refused at send time when the
    customer has no consent for the channel.
    """

    class Channel(models.TextChoices):
        EMAIL = "email", "Email"
        SMS = "sms", "SMS"
        LETTER = "letter", "Letter"
        CALL = "call", "Call task"

    class Purpose(models.TextChoices):
        SERVICE = "service", "Service"
        MARKETING = "marketing", "Marketing"

    class Status(models.TextChoices):
        PENDING = "pending", "Pending"
        SENDING = "sending", "Sending"
        SENT = "sent", "Sent"  # emailed or texted
        QUEUED_FOR_PRINT = "queued_for_print", "In the print queue"
        POSTED = "posted", "Posted"
        CALL_OPEN = "call_open", "Call to make"
        CALL_DONE = "call_done", "Call made"
        REFUSED = "refused", "Refused (no marketing consent)"
        FAILED = "failed", "Failed"

    channel = models.CharField(max_length=8, choices=Channel.choices)
    purpose = models.CharField(max_length=10, choices=Purpose.choices, default=Purpose.SERVICE)
    kind = models.CharField(max_length=50, help_text="What the message is: acknowledgment, despatch, ...")
    customer = models.ForeignKey(
        "customers.Customer", null=True, blank=True, on_delete=models.PROTECT, related_name="messages"
    )
    recipient = models.CharField(max_length=300, help_text="Email address, E.164 number or postal address")
    subject = models.CharField(max_length=200, blank=True)
    body = models.TextField()
    # The event that caused the message: a second request for the same event finds this one.
    dedupe_key = models.CharField(max_length=200, unique=True)
    status = models.CharField(max_length=20, choices=Status.choices, default=Status.PENDING)
    attempts = models.PositiveSmallIntegerField(default=0)
    last_error = models.TextField(blank=True)
    # After a failed send: not tried again before this (N4 backoff), by the task or the sweep.
    next_attempt_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    sent_at = models.DateTimeField(null=True, blank=True)
    deemed_served_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        indexes = [models.Index(fields=["status", "channel"])]
        permissions = [
            ("export_print_queue", "Can export the letter print queue"),
            ("work_call_queue", "Can work the call-task queue"),
        ]

    def __str__(self) -> str:
        return f"{self.get_channel_display()} {self.kind} to {self.recipient}"
