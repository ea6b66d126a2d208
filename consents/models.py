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


class DataRequest(models.Model):
    """D6: a data subject request, from receipt to answer, worked by compliance in due-date order."""

    class Kind(models.TextChoices):
        ACCESS = "access", "Access"
        RECTIFICATION = "rectification", "Rectification"
        ERASURE = "erasure", "Erasure"
        RESTRICTION = "restriction", "Restriction"
        OBJECTION = "objection", "Objection"
        PORTABILITY = "portability", "Portability"

    class Status(models.TextChoices):
        RECEIVED = "received", "Received, identity not yet checked"
        IN_HAND = "in_hand", "Identity checked, being answered"
        COMPLETED = "completed", "Answered"

    customer = models.ForeignKey("customers.Customer", on_delete=models.PROTECT, related_name="data_requests")
    kind = models.CharField(max_length=14, choices=Kind.choices)
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.RECEIVED)
    received_at = models.DateTimeField()
    received_via = models.CharField(max_length=10, help_text="web, phone, email, letter")
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    details = models.TextField(blank=True, help_text="What the person asked, in their words")
    corrections = models.JSONField(default=dict, blank=True, help_text="Rectification: field -> corrected value")
    identity_checked_at = models.DateTimeField(null=True, blank=True)
    identity_check = models.CharField(max_length=200, blank=True, help_text="How identity was confirmed")
    identity_checked_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    due_on = models.DateField(help_text="One month from receipt, moved to the next working day")
    extended_due_on = models.DateField(null=True, blank=True)
    extension_reason = models.TextField(blank=True)
    extended_at = models.DateTimeField(null=True, blank=True)
    completed_at = models.DateTimeField(null=True, blank=True)
    # Per record: what was done, kept and why (erasure, rectification, restriction, objection).
    outcome = models.JSONField(default=list, blank=True)
    # Access and portability: every personal field of the customer in every app, as answered.
    export = models.JSONField(null=True, blank=True)
    history = HistoricalRecords()

    class Meta:
        ordering = ["due_on", "id"]
        permissions = [
            ("view_sharing_register", "Can read the sharing register (D9)"),
            ("manage_retention", "Can set retention periods and legal holds (D8)"),
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} request {self.pk}"

    @property
    def answer_due_on(self):
        return self.extended_due_on or self.due_on


class ErasedIdentity(models.Model):
    """D7: a keyed hash of an erased customer's email, so no new record is ever matched to them.

    Holds no personal data in clear: the HMAC key is the deployment's secret.
    """

    email_hash = models.CharField(max_length=64, unique=True)
    erased_at = models.DateTimeField()

    def __str__(self) -> str:
        return f"Erased identity {self.pk}"


class LegalHold(models.Model):
    """D7/D8: while a hold is open, neither erasure nor the retention schedule removes the customer's data."""

    class Kind(models.TextChoices):
        LEGAL_HOLD = "legal_hold", "Legal hold"
        DISPUTE = "dispute", "Open dispute"
        CUSTOMER_ASKED_TO_KEEP = "keep", "Customer asked us to keep their data"

    customer = models.ForeignKey("customers.Customer", on_delete=models.PROTECT, related_name="legal_holds")
    kind = models.CharField(max_length=10, choices=Kind.choices)
    reason = models.TextField()
    placed_at = models.DateTimeField()
    placed_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.PROTECT, related_name="+")
    lifted_at = models.DateTimeField(null=True, blank=True)
    history = HistoricalRecords()

    class Meta:
        ordering = ["-placed_at", "-id"]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} on customer {self.customer_id}"


class ProcessingRestriction(models.Model):
    """D6: the person restricted processing: nothing is deleted, no marketing goes, retention waits."""

    customer = models.ForeignKey("customers.Customer", on_delete=models.PROTECT, related_name="+")
    data_request = models.ForeignKey(DataRequest, null=True, on_delete=models.PROTECT, related_name="+")
    started_at = models.DateTimeField()
    lifted_at = models.DateTimeField(null=True, blank=True)
    history = HistoricalRecords()

    def __str__(self) -> str:
        return f"Processing restricted for customer {self.customer_id}"


class RetentionPeriod(models.Model):
    """D8: a period changed by compliance; unset record types use the settings' default."""

    record_type = models.CharField(max_length=30, unique=True)
    months = models.PositiveIntegerField()
    set_at = models.DateTimeField()
    set_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.PROTECT, related_name="+")
    history = HistoricalRecords()

    def __str__(self) -> str:
        return f"{self.record_type}: {self.months} months"


class OfferSent(models.Model):
    """D4: which offer went to whom, by which channel, when. Never the same offer twice to one person."""

    customer = models.ForeignKey("customers.Customer", on_delete=models.PROTECT, related_name="+")
    offer_code = models.CharField(max_length=50)
    channel = models.CharField(max_length=8)
    sent_at = models.DateTimeField()
    message_reference = models.CharField(max_length=200, blank=True, help_text="The outbox message's dedupe key")

    class Meta:
        ordering = ["-sent_at", "-id"]
        constraints = [models.UniqueConstraint(fields=["customer", "offer_code"], name="one_offer_once_per_customer")]

    def __str__(self) -> str:
        return f"Offer {self.offer_code} by {self.channel}"


class SpecialCategoryRecord(models.Model):
    """D10: health, vulnerability or capacity, held only with explicit consent; its own view permission."""

    class Category(models.TextChoices):
        HEALTH = "health", "Health"
        VULNERABILITY = "vulnerability", "Vulnerability"
        CAPACITY = "capacity", "Capacity"

    customer = models.ForeignKey("customers.Customer", on_delete=models.PROTECT, related_name="+")
    category = models.CharField(max_length=14, choices=Category.choices)
    details = models.TextField(help_text="Only what staff need to serve the customer")
    consent_wording = models.TextField(help_text="The words the customer explicitly agreed to")
    consented_at = models.DateTimeField()
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.PROTECT, related_name="+")
    history = HistoricalRecords()

    class Meta:
        ordering = ["customer_id", "id"]
        verbose_name = "special category record"

    def __str__(self) -> str:
        return f"{self.get_category_display()} note for customer {self.customer_id}"


class TpsNumber(models.Model):
    """D12: a number on the Telephone Preference Service list, as last imported (the list is replaced whole)."""

    number = models.CharField(max_length=20, unique=True, help_text="E.164")

    class Meta:
        verbose_name = "TPS number"

    def __str__(self) -> str:
        return self.number


class TpsImport(models.Model):
    """D12: each import of the TPS file: when, which file, how many numbers."""

    file_name = models.CharField(max_length=200)
    imported_at = models.DateTimeField()
    numbers = models.PositiveIntegerField()
    skipped = models.PositiveIntegerField(default=0)

    class Meta:
        ordering = ["-imported_at"]
        verbose_name = "TPS import"

    def __str__(self) -> str:
        return f"{self.file_name} ({self.numbers} numbers)"
