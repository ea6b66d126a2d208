from django.conf import settings
from django.db import models
from simple_history.models import HistoricalRecords

from mint_shop.actors import ActorKind


class MarketingChannel(models.TextChoices):
    EMAIL = "email", "Email"
    SMS = "sms", "SMS"
    PHONE = "phone", "Phone"
    POST = "post", "Post"


class MarketingConsent(models.Model):
    """D1: the customer's current marketing choice on one channel.

    One row per customer and channel; every change is a history row (django-simple-history),
    with its source, the wording shown, the time and who captured it.
    """

    class Basis(models.TextChoices):
        CONSENT = "consent", "Consent"
        # PECR reg. 22(3): details collected in a sale, own similar products, opt-out offered.
        SOFT_OPT_IN = "soft_opt_in", "Soft opt-in"
        NONE = "none", "None (opted out)"

    class Source(models.TextChoices):
        WEB_FORM = "web_form", "Web form"
        ACCOUNT = "account", "Customer account"
        CALL = "call", "Telephone call"
        ORDER_FORM = "order_form", "Order form"
        COMPETITION = "competition", "Competition"
        SURVEY = "survey", "Survey"
        EMAIL = "email", "Email to customer care"
        LETTER = "letter", "Letter to customer care"
        UNSUBSCRIBE_LINK = "unsubscribe_link", "Unsubscribe link"
        SMS_STOP = "sms_stop", "STOP by text"

    customer = models.ForeignKey("customers.Customer", on_delete=models.PROTECT, related_name="marketing_consents")
    channel = models.CharField(max_length=8, choices=MarketingChannel.choices)
    granted = models.BooleanField()
    basis = models.CharField(max_length=12, choices=Basis.choices)
    source = models.CharField(max_length=20, choices=Source.choices)
    wording = models.TextField(blank=True, help_text="The words the customer saw or heard")
    changed_at = models.DateTimeField()
    captured_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    actor_kind = models.CharField(max_length=16, choices=ActorKind.choices)
    capacity = models.CharField(max_length=30, blank=True, help_text="For a representative: attorney, deputy, ...")
    history = HistoricalRecords()

    class Meta:
        ordering = ["customer_id", "channel"]
        constraints = [
            models.UniqueConstraint(fields=["customer", "channel"], name="one_marketing_consent_per_channel"),
            models.CheckConstraint(
                name="marketing_consent_basis_matches_choice",
                condition=(models.Q(granted=True) & ~models.Q(basis="none"))
                | models.Q(granted=False, basis="none"),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_channel_display()}: {'yes' if self.granted else 'no'} ({self.get_basis_display()})"


class UnsubscribeTokenUse(models.Model):
    """D2: each unsubscribe link works once; its nonce is remembered when it is used."""

    nonce = models.CharField(max_length=64, unique=True)
    customer = models.ForeignKey("customers.Customer", on_delete=models.CASCADE, related_name="+")
    used_at = models.DateTimeField()
    history = HistoricalRecords()

    def __str__(self) -> str:
        return f"Unsubscribe link used {self.used_at:%Y-%m-%d %H:%M}"


class PrintRun(models.Model):
    """D2: a postal mailing. Its list is worked out live until it is printed, then frozen.

    So a postal opt-out reaches every run not yet printed, and a printed run may still go out
    for the weeks it takes to post.
    """

    title = models.CharField(max_length=200)
    created_at = models.DateTimeField(auto_now_add=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    printed_at = models.DateTimeField(null=True, blank=True)
    printed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )

    class Meta:
        ordering = ["-created_at", "-id"]

    def __str__(self) -> str:
        return self.title


class PrintRunRecipient(models.Model):
    """One addressee of a printed run, as the address stood when the run was printed."""

    print_run = models.ForeignKey(PrintRun, on_delete=models.CASCADE, related_name="recipients")
    customer = models.ForeignKey("customers.Customer", on_delete=models.PROTECT, related_name="+")
    name = models.CharField(max_length=200)
    address = models.TextField()
    history = HistoricalRecords()

    class Meta:
        ordering = ["print_run_id", "id"]
        constraints = [models.UniqueConstraint(fields=["print_run", "customer"], name="one_copy_per_customer_per_run")]

    def __str__(self) -> str:
        return f"{self.name} in print run {self.print_run_id}"
