from django.db import models
from simple_history.models import HistoricalRecords


class Range(models.Model):
    """A product range (P1). The referral scheme is limited to the gifts range."""

    code = models.SlugField(unique=True)
    name = models.CharField(max_length=100)

    class Meta:
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name


class Product(models.Model):
    """Something the mint sells. Prices include VAT (P2); stock is finite (P3).

    `stock` is what is left to sell: placing an order takes from it at once and a declined or
    cancelled line gives it back, so stock is never oversold (P3).
    """

    sku = models.CharField(max_length=32, unique=True)
    name = models.CharField(max_length=200)
    range = models.ForeignKey(Range, on_delete=models.PROTECT, related_name="products")
    price_pence = models.PositiveIntegerField()
    vat_rate_basis_points = models.PositiveIntegerField(default=2000)  # 20.00%
    mintage = models.PositiveIntegerField(null=True, blank=True)  # limited editions only
    stock = models.PositiveIntegerField(default=0)
    # P6 / R6: which products cannot be cancelled in the cooling-off period.
    personalisable = models.BooleanField(default=False, help_text="Engraving text is captured on each order line")
    hygiene_sealed = models.BooleanField(default=False)
    bullion_priced = models.BooleanField(
        default=False, help_text="Price follows the bullion market: not cancellable, and the customer is told so"
    )
    # P5: before the launch date the product sells on pre-sale from this day (none: not yet on sale).
    launch_date = models.DateField(null=True, blank=True)
    presale_opens_on = models.DateField(null=True, blank=True)
    advertised_delivery_date = models.DateField(null=True, blank=True, help_text="O6: promised instead of 21 days")
    withdrawn_at = models.DateTimeField(null=True, blank=True)  # P3: withdrawn from sale
    max_per_order = models.PositiveIntegerField(null=True, blank=True)  # P4
    max_per_customer = models.PositiveIntegerField(null=True, blank=True)  # P4, across all their orders
    history = HistoricalRecords()  # keeps the price history (P7)

    class Meta:
        ordering = ["sku"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(mintage__isnull=True) | models.Q(stock__lte=models.F("mintage")),
                name="product_stock_within_mintage",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.sku} {self.name}"

    @property
    def not_cancellable_reason(self) -> str:
        """R6 / P6: what the customer is told before ordering, or "" when cooling-off applies.

        The exceptions follow the line: engraving and a broken seal are what count (cancellations' eligibility).
        """
        if self.bullion_priced:
            return "Its price follows the bullion market, so it cannot be cancelled once ordered."
        if self.personalisable:
            return "Personalised products cannot be cancelled once engraved, unless faulty; without engraving they can."
        if self.hygiene_sealed:
            return "Hygiene-sealed products cannot be cancelled once the seal is broken, unless faulty."
        return ""


class DeliveryOption(models.Model):
    """How an order travels and what it costs on top of the prices (P2).

    In each region the standard option is the cheapest; a premium option's supplement is what
    it costs above standard (a refund keeps the supplement, R4).
    """

    class Region(models.TextChoices):
        UK = "uk", "United Kingdom"
        OVERSEAS = "overseas", "Overseas"

    code = models.SlugField(unique=True)
    name = models.CharField(max_length=100)
    region = models.CharField(max_length=10, choices=Region.choices, default=Region.UK)
    premium = models.BooleanField(default=False)
    charge_pence = models.PositiveIntegerField()
    active = models.BooleanField(default=True)
    history = HistoricalRecords()

    class Meta:
        ordering = ["region", "charge_pence", "code"]
        constraints = [
            models.UniqueConstraint(
                fields=["region"], condition=models.Q(premium=False, active=True), name="one_standard_option_per_region"
            ),
        ]

    def __str__(self) -> str:
        return self.name


class TermsVersion(models.Model):
    """A published version of the terms and conditions (P8)."""

    version = models.CharField(max_length=20, unique=True)
    published_at = models.DateTimeField()
    text = models.TextField()

    class Meta:
        ordering = ["-published_at"]

    def __str__(self) -> str:
        return f"Terms {self.version}"
