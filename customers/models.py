from django.conf import settings
from django.contrib.auth.models import AbstractUser
from django.db import models
from phonenumber_field.modelfields import PhoneNumberField
from simple_history.models import HistoricalRecords

from mint_shop.actors import Channel


class User(AbstractUser):
    """A login: a customer's online account or a member of staff (staff belong to role groups)."""

    history = HistoricalRecords()


class Customer(models.Model):
    """A person who buys from the mint (C8). Phone and postal customers may have no login."""

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="customer"
    )
    first_name = models.CharField(max_length=100)
    last_name = models.CharField(max_length=100)
    email = models.EmailField()
    phone = PhoneNumberField(blank=True)
    date_of_birth = models.DateField()
    postcode = models.CharField(max_length=16, blank=True)
    registered_via = models.CharField(max_length=10, choices=Channel.choices, default=Channel.WEB)
    keyed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    # C3: set while the mint refuses to supply this customer; history keeps every change.
    restricted_at = models.DateTimeField(null=True, blank=True)
    restriction_reason = models.TextField(blank=True)
    # C7: set when a personal representative reports the death.
    deceased_at = models.DateTimeField(null=True, blank=True)
    history = HistoricalRecords()

    class Meta:
        ordering = ["last_name", "first_name", "id"]
        permissions = [
            ("restrict_customer", "Can restrict a customer and lift a restriction"),
            ("view_due_diligence", "Can see due-diligence checks and their evidence"),
        ]

    def __str__(self) -> str:
        return f"{self.first_name} {self.last_name} <{self.email}>"
