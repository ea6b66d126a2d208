from django.conf import settings
from django.db import models
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
    delivery_pence = models.PositiveIntegerField(default=0)
    history = HistoricalRecords()

    class Meta:
        ordering = ["-placed_at", "-id"]
        permissions = [
            ("decline_order", "Can decline an offer"),
            ("allocate_order", "Can allocate stock to order lines"),
            ("despatch_order", "Can despatch orders"),
            ("record_delivery", "Can record delivery"),
        ]

    def __str__(self) -> str:
        return f"Order {self.pk}"


class OrderLine(models.Model):
    order = models.ForeignKey(Order, on_delete=models.CASCADE, related_name="lines")
    product = models.ForeignKey("catalogue.Product", on_delete=models.PROTECT, related_name="+")
    quantity = models.PositiveIntegerField()
    unit_price_pence = models.PositiveIntegerField()
    history = HistoricalRecords()

    class Meta:
        ordering = ["id"]
        constraints = [models.CheckConstraint(condition=models.Q(quantity__gt=0), name="orderline_quantity_positive")]

    def __str__(self) -> str:
        return f"{self.quantity} x {self.product_id} on order {self.order_id}"
