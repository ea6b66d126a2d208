from django.db import models


class LedgerEntry(models.Model):
    """One money movement (M9). Entries are only ever appended: never updated, never deleted."""

    class Kind(models.TextChoices):
        AUTHORISATION = "authorisation"
        RELEASE = "release"
        LAPSE = "lapse"
        CAPTURE = "capture"
        CHARGE = "charge"
        REFUND = "refund"
        CHEQUE_CLEARED = "cheque_cleared"
        CHEQUE_BOUNCED = "cheque_bounced"
        TRANSFER = "transfer"
        INSTALMENT = "instalment"
        FINANCE_SETTLEMENT = "finance_settlement"

    order = models.ForeignKey("orders.Order", on_delete=models.PROTECT, related_name="ledger_entries")
    kind = models.CharField(max_length=24, choices=Kind.choices)
    amount_pence = models.IntegerField()
    reference = models.CharField(max_length=100, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["created_at", "id"]
        verbose_name_plural = "ledger entries"
        permissions = [
            ("reconcile_ledger", "Can reconcile the ledger against Stripe and the bank"),
            ("grant_refund", "Can grant refunds"),
        ]

    def __str__(self) -> str:
        return f"{self.kind} {self.amount_pence}p on order {self.order_id}"

    def save(self, *args, **kwargs):
        if self.pk is not None:
            raise ValueError("Ledger entries are immutable")
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        raise ValueError("Ledger entries are immutable")
