"""Cancellations (R1, R2, R6, R8, C5), returns (R3), the refund's breakdown and deadlines (R4, R5), faulty goods (R7).

A line cancelled under contract is recorded here (one `CancellationLine` per order line, ever);
a paid line that had not left is also taken off the order (orders' `CONTRACT_CANCELLED`), so the
warehouse cannot despatch it. Delivered lines stay on the order as the record of what was sold.
"""

from django.db import models
from django.db.models import F, Q
from simple_history.models import HistoricalRecords

from mint_shop.actors import Channel


class FaultClaim(models.Model):
    """R7: a customer says a delivered product is faulty; it is examined and the outcome written to them."""

    class Outcome(models.TextChoices):
        PENDING = "pending", "Being examined"
        NOT_FAULTY = "not_faulty", "Not faulty"
        FAULTY = "faulty", "Faulty"

    class Remedy(models.TextChoices):
        REFUND = "refund", "Refund"
        REPLACEMENT = "replacement", "Replacement"
        REPAIR = "repair", "Repair"

    order_line = models.ForeignKey("orders.OrderLine", on_delete=models.PROTECT, related_name="fault_claims")
    reported_on = models.DateField()
    description = models.TextField()
    reported_by = models.CharField(max_length=200)
    # CRA 2015 s.22: reported within 30 days of delivery, the customer may reject for a full refund.
    within_short_term_right = models.BooleanField()
    # R7: the remedy the customer asks for; within the short-term right theirs is the choice, not ours.
    remedy_wanted = models.CharField(max_length=12, choices=Remedy.choices, default=Remedy.REFUND)
    outcome = models.CharField(max_length=12, choices=Outcome.choices, default=Outcome.PENDING)
    remedy = models.CharField(max_length=12, choices=Remedy.choices, blank=True)
    findings = models.TextField(blank=True)
    examined_on = models.DateField(null=True, blank=True)
    decided_by = models.CharField(max_length=200, blank=True)
    history = HistoricalRecords()

    class Meta:
        ordering = ["-reported_on", "-id"]
        permissions = [("examine_fault_claim", "Can record the examination of a faulty-goods claim")]

    def __str__(self) -> str:
        return f"Fault claim {self.pk} on line {self.order_line_id} ({self.outcome})"


class Cancellation(models.Model):
    """One notice cancelling lines of an order, and the refund it owes, piece by piece (R4)."""

    class Right(models.TextChoices):
        COOLING_OFF = "cooling_off", "Change of mind (R1)"
        DELAY = "delay", "Missed delivery promise (R8)"
        FAULTY = "faulty", "Faulty goods (R7)"
        SOURCE_OF_FUNDS = "source_of_funds", "Source of funds declined (C5)"

    class Flag(models.TextChoices):
        NONE = "", "On time"
        DUE_SOON = "due_soon", "Due soon"
        OVERDUE = "overdue", "Overdue"

    order = models.ForeignKey("orders.Order", on_delete=models.PROTECT, related_name="cancellations")
    right = models.CharField(max_length=16, choices=Right.choices)
    notice_channel = models.CharField(max_length=10, choices=Channel.choices)  # R2: online, email, letter
    # R2: when the notice was sent (a letter's postmark, an email's time) and when it arrived. It is in
    # time if sent within the period; the terms' deadlines run from when it is deemed served (N3).
    notice_sent_on = models.DateField()
    notice_sent_at = models.DateTimeField(null=True, blank=True, help_text="An email's time of sending")
    notice_received_on = models.DateField()
    notice_deemed_on = models.DateField(help_text="N3: an email 24 hours after sending, a letter 3 days after posting")
    recorded_by = models.CharField(max_length=200)
    created_at = models.DateTimeField(auto_now_add=True)
    fault_claim = models.OneToOneField(
        FaultClaim, null=True, blank=True, on_delete=models.PROTECT, related_name="cancellation"
    )
    source_of_funds_request_id = models.PositiveIntegerField(null=True, blank=True, unique=True)
    # R4: the pieces, shown to the customer and finance; the check constraint keeps them adding up.
    goods_pence = models.PositiveIntegerField(default=0)
    discount_pence = models.PositiveIntegerField(default=0)
    delivery_pence = models.PositiveIntegerField(default=0)
    return_postage_pence = models.PositiveIntegerField(default=0)
    not_paid_pence = models.PositiveIntegerField(default=0, help_text="Part of the above never paid to us")
    refund_pence = models.PositiveIntegerField(
        default=0, help_text="All owed: the refund of the price plus the return postage reimbursed separately"
    )
    # R5: set once the refund is owed (goods back or not needed back, or a fault agreed).
    refund_due_from = models.DateField(null=True, blank=True)
    legal_deadline = models.DateField(null=True, blank=True)
    terms_deadline = models.DateField(null=True, blank=True)
    flag = models.CharField(max_length=10, choices=Flag.choices, blank=True)
    refund = models.OneToOneField(
        "payments.Refund", null=True, blank=True, on_delete=models.PROTECT, related_name="cancellation"
    )
    # R3: our return postage is not a refund of a payment, so payments pays it as a reimbursement.
    reimbursement = models.OneToOneField(
        "payments.Refund", null=True, blank=True, on_delete=models.PROTECT, related_name="postage_cancellation"
    )
    history = HistoricalRecords()

    class Meta:
        ordering = ["-created_at", "-id"]
        permissions = [
            ("record_notice", "Can record a cancellation notice received by letter or email"),
            ("record_return", "Can record goods returned"),
            ("work_refund_queue", "Can work the refund queue"),
        ]
        constraints = [
            models.CheckConstraint(
                condition=Q(
                    refund_pence=F("goods_pence")
                    - F("discount_pence")
                    + F("delivery_pence")
                    + F("return_postage_pence")
                    - F("not_paid_pence")
                ),
                name="cancellation_refund_adds_up",
            ),
        ]

    def __str__(self) -> str:
        return f"Cancellation {self.pk} of order {self.order_id} ({self.get_right_display()})"

    @property
    def price_refund_pence(self) -> int:
        """What is refunded of what was paid (M8); the return postage is reimbursed on top (R3)."""
        return self.refund_pence - self.return_postage_pence

    @property
    def request_id(self) -> str:
        """Payments' idempotency key: one refund per cancellation, however often it is asked for (M8)."""
        return f"cancellation-{self.pk}"

    @property
    def postage_request_id(self) -> str:
        """One return-postage reimbursement per cancellation's return (R3)."""
        return f"cancellation-{self.pk}-return-{self.goods_return.pk}-postage"


class CancellationLine(models.Model):
    """An order line cancelled, with its price paid and discount share (X2) at the time."""

    cancellation = models.ForeignKey(Cancellation, on_delete=models.CASCADE, related_name="lines")
    order_line = models.OneToOneField("orders.OrderLine", on_delete=models.PROTECT, related_name="cancellation_line")
    goods_pence = models.PositiveIntegerField()
    discount_pence = models.PositiveIntegerField()
    to_come_back = models.BooleanField(help_text="It had left the warehouse, so it must be returned (R3)")

    class Meta:
        ordering = ["id"]

    def __str__(self) -> str:
        return f"Line {self.order_line_id} in cancellation {self.cancellation_id}"


class GoodsReturn(models.Model):
    """R3: what must come back for a cancellation, when it came, its state and who paid the postage."""

    class Condition(models.TextChoices):
        AS_SENT = "as_sent", "As sent"
        DAMAGED = "damaged", "Damaged"
        SUB_STANDARD = "sub_standard", "Sub-standard"

    class PostagePaidBy(models.TextChoices):
        CUSTOMER = "customer", "Customer"
        MINT = "mint", "Mint"

    cancellation = models.OneToOneField(Cancellation, on_delete=models.PROTECT, related_name="goods_return")
    expected_items = models.TextField(help_text="The products, and any free gift or promotional item sent with them")
    received_on = models.DateField(null=True, blank=True)
    evidence_only = models.BooleanField(default=False, help_text="Proof of posting received, goods not yet back")
    seal_broken = models.BooleanField(default=False, help_text="P6: a hygiene seal came back broken")
    condition = models.CharField(max_length=12, choices=Condition.choices, blank=True)
    condition_notes = models.TextField(blank=True)
    postage_paid_by = models.CharField(max_length=8, choices=PostagePaidBy.choices, blank=True)
    recorded_by = models.CharField(max_length=200, blank=True)
    history = HistoricalRecords()

    class Meta:
        ordering = ["-id"]

    def __str__(self) -> str:
        return f"Return for cancellation {self.cancellation_id}"
