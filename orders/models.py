from django.conf import settings
from django.db import models
from django_countries.fields import CountryField
from simple_history.models import HistoricalRecords

from mint_shop.actors import Channel


class PaymentMethod(models.TextChoices):
    """M1: the ways to pay. Bank transfer and banker's draft are the only ones for high value (O13)."""

    CARD = "card", "Card"
    CHEQUE = "cheque", "Cheque"
    BANK_TRANSFER = "bank_transfer", "Bank transfer"
    BANKERS_DRAFT = "bankers_draft", "Banker's draft"
    INSTALMENTS = "instalments", "Instalments (interest-free account)"
    INVOICE = "invoice", "Monthly on invoice"
    FINANCE = "finance", "Third-party finance"


HIGH_VALUE_METHODS = (PaymentMethod.BANK_TRANSFER, PaymentMethod.BANKERS_DRAFT)


class Order(models.Model):
    """A customer's offer to buy (O2). Each line becomes a contract separately (O3)."""

    class Status(models.TextChoices):
        PLACED = "placed", "Placed (an offer)"
        DECLINED = "declined", "Declined"
        CANCELLED = "cancelled", "Cancelled"
        COMPLETED = "completed", "Completed"

    customer = models.ForeignKey("customers.Customer", on_delete=models.PROTECT, related_name="orders")
    channel = models.CharField(max_length=10, choices=Channel.choices)
    keyed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    status = models.CharField(max_length=12, choices=Status.choices, default=Status.PLACED)
    payment_method = models.CharField(max_length=16, choices=PaymentMethod.choices, default=PaymentMethod.CARD)
    placed_at = models.DateTimeField(auto_now_add=True)
    terms_version = models.ForeignKey(
        "catalogue.TermsVersion", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )  # P8
    # Delivery (P2): the option chosen, its charge and the part of it above standard (R4 keeps that).
    delivery_option = models.ForeignKey(
        "catalogue.DeliveryOption", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    delivery_pence = models.PositiveIntegerField(default=0)
    delivery_supplement_pence = models.PositiveIntegerField(default=0)
    duties_payable_by_customer = models.BooleanField(default=False)  # P2: delivery outside the UK
    delivery_name = models.CharField(max_length=200, blank=True)
    delivery_address = models.TextField(blank=True)
    delivery_postcode = models.CharField(max_length=16, blank=True)
    delivery_country = CountryField(default="GB")
    # O8: the despatch confirmation goes to the delivery address unless the customer gives an email.
    confirmation_email = models.EmailField(blank=True)
    # O6: the latest of the lines' promises, told in the acknowledgement; each line keeps its own.
    promised_by = models.DateField(null=True, blank=True)
    # O7: the customer asked for ready items to go first, and pays this extra delivery.
    part_despatch_requested_at = models.DateTimeField(null=True, blank=True)
    part_despatch_charge_pence = models.PositiveIntegerField(default=0)
    decline_reason = models.TextField(blank=True)  # O4
    # A retried POST with the same key returns this order instead of placing another.
    idempotency_key = models.CharField(max_length=64, blank=True)
    request_fingerprint = models.CharField(max_length=64, blank=True)
    history = HistoricalRecords()

    class Meta:
        ordering = ["-placed_at", "-id"]
        permissions = [
            ("decline_order", "Can decline an offer"),
            ("allocate_order", "Can allocate stock to order lines"),
            ("despatch_order", "Can despatch orders"),
            ("record_delivery", "Can record delivery"),
            ("apply_price_change", "Can put a new price to an open order"),
            ("record_sent_in_error", "Can record items sent in error"),
        ]
        constraints = [
            models.UniqueConstraint(
                fields=["customer", "idempotency_key"],
                condition=~models.Q(idempotency_key=""),
                name="order_idempotency_key_per_customer",
            ),
        ]

    def __str__(self) -> str:
        return f"Order {self.pk}"


class Shipment(models.Model):
    """A parcel that left the warehouse with some lines (O8), and its delivery (O9)."""

    class Evidence(models.TextChoices):
        SIGNATURE = "signature", "Signed for"
        GPS = "gps", "Courier GPS"
        PHOTO = "photo", "Courier photo"

    order = models.ForeignKey(Order, on_delete=models.PROTECT, related_name="shipments")
    carrier = models.CharField(max_length=100)
    tracking_number = models.CharField(max_length=100)
    despatched_at = models.DateTimeField()
    despatched_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    advised_delivery_date = models.DateField()  # O11 counts from it
    # O9: delivered, with the evidence; risk passes to the customer at this moment.
    delivered_at = models.DateTimeField(null=True, blank=True)
    delivery_evidence = models.CharField(max_length=10, choices=Evidence.choices, blank=True)
    evidence_reference = models.CharField(max_length=300, blank=True, help_text="Signatory, GPS fix or photo reference")
    history = HistoricalRecords()

    class Meta:
        ordering = ["despatched_at", "id"]

    def __str__(self) -> str:
        return f"Shipment {self.pk} ({self.carrier} {self.tracking_number})"


class OrderLine(models.Model):
    """One product on an order, quoted at `unit_price_pence` (P7), under contract once accepted (O3)."""

    class AcceptedVia(models.TextChoices):
        PAYMENT = "payment", "Payment taken"
        DESPATCH = "despatch", "Despatch"
        REMEDY = "remedy", "Replacement or repair of a faulty line (R7)"

    class WithdrawnBecause(models.TextChoices):
        DECLINED = "declined", "Declined by the mint"
        CANCELLED = "cancelled", "Cancelled before a contract"
        PRICE_REFUSED = "price_refused", "New price refused"
        # R1, R8, C5: a paid line cancelled before it left; it must not be despatched.
        CONTRACT_CANCELLED = "contract_ended", "Contract cancelled before despatch"

    order = models.ForeignKey(Order, on_delete=models.CASCADE, related_name="lines")
    product = models.ForeignKey("catalogue.Product", on_delete=models.PROTECT, related_name="+")
    quantity = models.PositiveIntegerField()
    unit_price_pence = models.PositiveIntegerField()
    discount_pence = models.PositiveIntegerField(default=0)  # X2: this line's share of the order's discounts
    engraving_text = models.CharField(max_length=200, blank=True)  # P6
    # R7: a replacement or repair sent free for this faulty line, despatched like any line.
    remedy_for = models.ForeignKey("self", null=True, blank=True, on_delete=models.PROTECT, related_name="remedies")
    # O6: this line's delivery promise and its written delay notice, from which it may be cancelled (R8).
    promised_by = models.DateField(null=True, blank=True)
    delay_notified_at = models.DateTimeField(null=True, blank=True)
    allocated_at = models.DateTimeField(null=True, blank=True)  # O5
    # O3: the contract forms at the earlier of payment and despatch.
    accepted_at = models.DateTimeField(null=True, blank=True)
    accepted_via = models.CharField(max_length=10, choices=AcceptedVia.choices, blank=True)
    paid_at = models.DateTimeField(null=True, blank=True)  # payment taken for it (set by payments)
    # O10: every penny of it paid in cleared funds (a cheque cleared, not merely banked; the last
    # instalment paid), as payments reports; title passes once the other conditions hold too.
    funds_cleared_at = models.DateTimeField(null=True, blank=True)
    title_passed_at = models.DateTimeField(null=True, blank=True)  # O10, T&C 6.2
    shipment = models.ForeignKey(Shipment, null=True, blank=True, on_delete=models.PROTECT, related_name="lines")
    withdrawn_at = models.DateTimeField(null=True, blank=True)
    # R1, R8, C5: the contract for this line was cancelled (one on its way or delivered stays, to come back).
    contract_ended_at = models.DateTimeField(null=True, blank=True)
    withdrawn_because = models.CharField(max_length=16, choices=WithdrawnBecause.choices, blank=True)
    # P7: a new price put to the customer, waiting for their answer.
    proposed_unit_price_pence = models.PositiveIntegerField(null=True, blank=True)
    price_question_at = models.DateTimeField(null=True, blank=True)
    price_answer = models.CharField(max_length=10, blank=True)  # "agreed" or "refused"
    price_answered_at = models.DateTimeField(null=True, blank=True)
    history = HistoricalRecords()

    class Meta:
        ordering = ["id"]
        constraints = [
            models.CheckConstraint(condition=models.Q(quantity__gt=0), name="orderline_quantity_positive"),
            models.CheckConstraint(
                condition=models.Q(accepted_at__isnull=True) | ~models.Q(accepted_via=""),
                name="orderline_acceptance_says_how",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.quantity} x {self.product_id} on order {self.order_id}"

    @property
    def total_pence(self) -> int:
        return self.quantity * self.unit_price_pence - self.discount_pence

    @property
    def live(self) -> bool:
        return self.withdrawn_at is None

    @property
    def personalised(self) -> bool:
        """P6: the line, not the product: a personalisable product ordered without engraving is ordinary."""
        return self.product.personalisable and bool(self.engraving_text.strip())


class OrderEvent(models.Model):
    """What happened to an order, appended in the same transaction as the change (DESIGN.md)."""

    order = models.ForeignKey(Order, on_delete=models.CASCADE, related_name="events")
    kind = models.CharField(max_length=40)
    actor = models.CharField(max_length=200)
    data = models.JSONField(default=dict, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["created_at", "id"]

    def __str__(self) -> str:
        return f"{self.kind} on order {self.order_id}"


class NonReceiptReport(models.Model):
    """O11: the customer says a parcel never came; reports after the 30 days are flagged late."""

    order = models.ForeignKey(Order, on_delete=models.PROTECT, related_name="non_receipt_reports")
    shipment = models.ForeignKey(Shipment, on_delete=models.PROTECT, related_name="non_receipt_reports")
    reported_at = models.DateTimeField()
    report_by = models.DateField()
    late = models.BooleanField(default=False)
    details = models.TextField(blank=True)
    actor = models.CharField(max_length=200)
    history = HistoricalRecords()

    class Meta:
        ordering = ["-reported_at"]

    def __str__(self) -> str:
        return f"Non-receipt of shipment {self.shipment_id}{' (late)' if self.late else ''}"


class SentInError(models.Model):
    """O12: items that went out by mistake stay the mint's; a return is requested at its cost."""

    class Remedy(models.TextChoices):
        REIMBURSE_RETURN = "reimburse_return", "Customer returns, cost reimbursed"
        COLLECTION = "collection", "Collection arranged"

    shipment = models.ForeignKey(Shipment, on_delete=models.PROTECT, related_name="sent_in_error")
    description = models.TextField()
    remedy = models.CharField(max_length=20, choices=Remedy.choices)
    return_cost_pence = models.PositiveIntegerField(default=0)
    collection_date = models.DateField(null=True, blank=True)
    return_requested_at = models.DateTimeField()
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    history = HistoricalRecords()

    class Meta:
        ordering = ["-return_requested_at"]

    def __str__(self) -> str:
        return f"Sent in error with shipment {self.shipment_id}"
