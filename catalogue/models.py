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
    """Something the mint sells. Prices include VAT (P2); stock is finite (P3)."""

    sku = models.CharField(max_length=32, unique=True)
    name = models.CharField(max_length=200)
    range = models.ForeignKey(Range, on_delete=models.PROTECT, related_name="products")
    price_pence = models.PositiveIntegerField()
    vat_rate_basis_points = models.PositiveIntegerField(default=2000)  # 20.00%
    mintage = models.PositiveIntegerField(null=True, blank=True)  # limited editions only
    stock = models.PositiveIntegerField(default=0)
    history = HistoricalRecords()  # keeps the price history (P7)

    class Meta:
        ordering = ["sku"]

    def __str__(self) -> str:
        return f"{self.sku} {self.name}"
