from django.conf import settings
from django.contrib.auth.models import AbstractUser
from django.db import models
from django.db.models import Q
from django_countries.fields import CountryField
from phonenumber_field.modelfields import PhoneNumberField
from simple_history.models import HistoricalRecords

from mint_shop.actors import ActorKind, Channel


class User(AbstractUser):
    """A login: a customer's online account or a member of staff (staff belong to role groups)."""

    history = HistoricalRecords()


class PreferredContact(models.TextChoices):
    EMAIL = "email", "Email"
    PHONE = "phone", "Phone"
    SMS = "sms", "SMS"
    POST = "post", "Post"


class Customer(models.Model):
    """A person who buys from the mint (C8). Phone and postal customers may have no login."""

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="customer"
    )
    first_name = models.CharField(max_length=100)
    last_name = models.CharField(max_length=100)
    email = models.EmailField()
    phone = PhoneNumberField(blank=True)
    mobile_phone = PhoneNumberField(blank=True)
    date_of_birth = models.DateField()
    # The billing address (C8); delivery addresses are DeliveryAddress rows.
    address_line1 = models.CharField(max_length=200, blank=True)
    address_line2 = models.CharField(max_length=200, blank=True)
    town = models.CharField(max_length=100, blank=True)
    postcode = models.CharField(max_length=16, blank=True)
    country = CountryField(default="GB")
    preferred_contact = models.CharField(
        max_length=8, choices=PreferredContact.choices, default=PreferredContact.EMAIL
    )
    registered_via = models.CharField(max_length=10, choices=Channel.choices, default=Channel.WEB)
    keyed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    # C1: when the customer declared legal capacity and agreed to the checks of T&C 2(3).
    capacity_declared_at = models.DateTimeField(null=True, blank=True)
    checks_agreed_at = models.DateTimeField(null=True, blank=True)
    # C3: set while the mint refuses to supply this customer; Restriction rows keep every change.
    restricted_at = models.DateTimeField(null=True, blank=True)
    restriction_reason = models.TextField(blank=True)
    # C7: set when a personal representative reports the death.
    deceased_at = models.DateTimeField(null=True, blank=True)
    # C7: customers sit below orders, so the review need is recorded here for orders to act on.
    open_orders_review_required = models.BooleanField(default=False)
    history = HistoricalRecords()

    class Meta:
        ordering = ["last_name", "first_name", "id"]
        permissions = [
            ("restrict_customer", "Can restrict a customer and lift a restriction"),
            ("view_due_diligence", "Can see due-diligence checks and their evidence"),
            ("mark_customer_deceased", "Can record that a customer has died"),
        ]

    def __str__(self) -> str:
        return f"{self.first_name} {self.last_name} <{self.email}>"

    @property
    def full_name(self) -> str:
        return f"{self.first_name} {self.last_name}"


class DeliveryAddress(models.Model):
    """One of a customer's delivery addresses (C8)."""

    customer = models.ForeignKey(Customer, on_delete=models.CASCADE, related_name="delivery_addresses")
    label = models.CharField(max_length=50, blank=True, help_text="Home, work, ...")
    recipient_name = models.CharField(max_length=200)
    line1 = models.CharField(max_length=200)
    line2 = models.CharField(max_length=200, blank=True)
    town = models.CharField(max_length=100)
    postcode = models.CharField(max_length=16, blank=True)
    country = CountryField(default="GB")
    created_at = models.DateTimeField(auto_now_add=True)
    history = HistoricalRecords()

    class Meta:
        ordering = ["customer_id", "id"]
        verbose_name_plural = "delivery addresses"

    def __str__(self) -> str:
        return f"{self.recipient_name}, {self.line1}, {self.town} {self.postcode}"


class Restriction(models.Model):
    """C3: one period in which the mint refused to supply the customer, and its lifting."""

    customer = models.ForeignKey(Customer, on_delete=models.PROTECT, related_name="restrictions")
    reason = models.TextField()
    restricted_at = models.DateTimeField()
    restricted_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    lifted_at = models.DateTimeField(null=True, blank=True)
    lifted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    lift_reason = models.TextField(blank=True)
    history = HistoricalRecords()

    class Meta:
        ordering = ["-restricted_at", "-id"]
        constraints = [
            models.UniqueConstraint(
                fields=["customer"], condition=Q(lifted_at__isnull=True), name="one_open_restriction_per_customer"
            ),
        ]

    def __str__(self) -> str:
        lifted = f", lifted {self.lifted_at:%Y-%m-%d}" if self.lifted_at else ""
        return f"Restricted {self.restricted_at:%Y-%m-%d}{lifted}"


class Representative(models.Model):
    """C6/C7: someone who may act for the customer, once staff have verified their appointment."""

    class Kind(models.TextChoices):
        AUTHORISED_PERSON = "authorised_person", "Authorised person"
        ATTORNEY = "attorney", "Attorney (power of attorney)"
        DEPUTY = "deputy", "Deputy (Court of Protection)"
        CONTROLLER = "controller", "Controller"
        GUARDIAN = "guardian", "Guardian"
        INTERVENER = "intervener", "Intervener"
        PERSONAL_REPRESENTATIVE = "personal_representative", "Personal representative (deceased customer)"

    class Status(models.TextChoices):
        PENDING = "pending", "Awaiting verification"
        VERIFIED = "verified", "Verified"
        REJECTED = "rejected", "Rejected"
        REVOKED = "revoked", "Revoked"

    customer = models.ForeignKey(Customer, on_delete=models.PROTECT, related_name="representatives")
    kind = models.CharField(max_length=30, choices=Kind.choices)
    # Their own login, through which they act on the customer's account.
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="representations"
    )
    first_name = models.CharField(max_length=100)
    last_name = models.CharField(max_length=100)
    email = models.EmailField(blank=True)
    phone = PhoneNumberField(blank=True)
    appointment_reference = models.CharField(
        max_length=100, blank=True, help_text="LPA, court order or grant of probate reference"
    )
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.PENDING)
    registered_at = models.DateTimeField(auto_now_add=True)
    registered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    verified_at = models.DateTimeField(null=True, blank=True)
    verified_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    ended_at = models.DateTimeField(null=True, blank=True)
    end_reason = models.TextField(blank=True)
    history = HistoricalRecords()

    class Meta:
        ordering = ["customer_id", "id"]
        permissions = [("verify_representative", "Can verify, reject and revoke a representative")]

    def __str__(self) -> str:
        return f"{self.first_name} {self.last_name} ({self.get_kind_display()}) for customer {self.customer_id}"


class DueDiligenceCheck(models.Model):
    """C4: one identity, residency, credit or AML check of a customer, or of their representative."""

    class Kind(models.TextChoices):
        IDENTITY = "identity", "Identity"
        RESIDENCY = "residency", "Residency"
        CREDIT = "credit", "Credit"
        AML = "aml", "Anti-money-laundering identity"

    class Status(models.TextChoices):
        PENDING = "pending", "Pending"
        PASSED = "passed", "Passed"
        FAILED = "failed", "Failed"
        REFERRED = "referred", "Referred"

    customer = models.ForeignKey(Customer, on_delete=models.PROTECT, related_name="checks")
    representative = models.ForeignKey(
        Representative, null=True, blank=True, on_delete=models.PROTECT, related_name="checks",
        help_text="Set when the check is of the representative rather than the customer",
    )
    kind = models.CharField(max_length=10, choices=Kind.choices)
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.PENDING)
    provider = models.CharField(max_length=100, blank=True)
    provider_reference = models.CharField(max_length=100, blank=True)
    requested_at = models.DateTimeField()
    completed_at = models.DateTimeField(null=True, blank=True)
    notes = models.TextField(blank=True)
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    history = HistoricalRecords()

    class Meta:
        ordering = ["-requested_at", "-id"]
        verbose_name = "due-diligence check"

    def __str__(self) -> str:
        return f"{self.get_kind_display()} check: {self.get_status_display()}"


class SourceOfFundsRequest(models.Model):
    """C5: evidence of source of funds or wealth asked for on an order, with a due date."""

    class Outcome(models.TextChoices):
        PENDING = "pending", "Awaiting evidence"
        ACCEPTED = "accepted", "Evidence accepted"
        REFUSED = "refused", "Refused or not provided"

    customer = models.ForeignKey(Customer, on_delete=models.PROTECT, related_name="source_of_funds_requests")
    # A string reference: customers sit below orders and never import them.
    order = models.ForeignKey("orders.Order", on_delete=models.PROTECT, related_name="source_of_funds_requests")
    requested_at = models.DateTimeField()
    requested_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    due_on = models.DateField(help_text="London date by which the evidence must arrive")
    outcome = models.CharField(max_length=10, choices=Outcome.choices, default=Outcome.PENDING)
    decided_at = models.DateTimeField(null=True, blank=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    notes = models.TextField(blank=True)
    # Set by the orders issue once it has cancelled the order and returned the money (M8).
    order_cancelled_at = models.DateTimeField(null=True, blank=True)
    history = HistoricalRecords()

    class Meta:
        ordering = ["due_on", "id"]
        verbose_name = "source-of-funds request"

    def __str__(self) -> str:
        return f"Source of funds for order {self.order_id}: {self.get_outcome_display()}"


class EvidenceDocument(models.Model):
    """An uploaded document: evidence for a check, a representative's appointment or source of funds.

    Only staff holding `customers.view_due_diligence` see these (C4).
    """

    customer = models.ForeignKey(Customer, on_delete=models.PROTECT, related_name="evidence_documents")
    check_record = models.ForeignKey(
        DueDiligenceCheck, null=True, blank=True, on_delete=models.PROTECT, related_name="documents"
    )
    representative = models.ForeignKey(
        Representative, null=True, blank=True, on_delete=models.PROTECT, related_name="documents"
    )
    source_of_funds_request = models.ForeignKey(
        SourceOfFundsRequest, null=True, blank=True, on_delete=models.PROTECT, related_name="documents"
    )
    file = models.FileField(upload_to="evidence/%Y/%m/")
    original_name = models.CharField(max_length=255)
    content_type = models.CharField(max_length=50)
    size_bytes = models.PositiveIntegerField()
    description = models.CharField(max_length=200, blank=True)
    uploaded_at = models.DateTimeField(auto_now_add=True)
    uploaded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    history = HistoricalRecords()

    class Meta:
        ordering = ["-uploaded_at", "-id"]
        constraints = [
            models.CheckConstraint(
                name="evidence_document_has_exactly_one_subject",
                condition=(
                    Q(check_record__isnull=False, representative__isnull=True, source_of_funds_request__isnull=True)
                    | Q(check_record__isnull=True, representative__isnull=False, source_of_funds_request__isnull=True)
                    | Q(check_record__isnull=True, representative__isnull=True, source_of_funds_request__isnull=False)
                ),
            ),
        ]

    def __str__(self) -> str:
        return self.original_name


class ContactLogEntry(models.Model):
    """C9: a short record of one letter, email or call with the customer."""

    class Kind(models.TextChoices):
        LETTER = "letter", "Letter"
        EMAIL = "email", "Email"
        CALL = "call", "Call"

    class Direction(models.TextChoices):
        INBOUND = "inbound", "From the customer"
        OUTBOUND = "outbound", "To the customer"

    customer = models.ForeignKey(Customer, on_delete=models.PROTECT, related_name="contact_log")
    kind = models.CharField(max_length=8, choices=Kind.choices)
    direction = models.CharField(max_length=8, choices=Direction.choices)
    occurred_at = models.DateTimeField()
    summary = models.CharField(max_length=500)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    recorded_at = models.DateTimeField(auto_now_add=True)
    history = HistoricalRecords()

    class Meta:
        ordering = ["-occurred_at", "-id"]
        verbose_name = "contact log entry"
        verbose_name_plural = "contact log"

    def __str__(self) -> str:
        return f"{self.get_kind_display()} {self.get_direction_display().lower()} {self.occurred_at:%Y-%m-%d}"


class CallRecording(models.Model):
    """C10: a recorded call. Recording and transcript go after the retention period (D8).

    The AI transcript is for people to read: no service here or elsewhere takes a decision
    from it, and it is never exposed through the API, only its reference.
    """

    class Purpose(models.TextChoices):
        SALES = "sales", "Sales"
        CREDIT = "credit", "Credit"
        THIRD_PARTY_FINANCE = "third_party_finance", "Third-party finance"
        CUSTOMER_SERVICE = "customer_service", "Customer service"
        COMPLAINT = "complaint", "Complaint"

    contact = models.OneToOneField(ContactLogEntry, on_delete=models.PROTECT, related_name="recording")
    direction = models.CharField(max_length=8, choices=ContactLogEntry.Direction.choices)
    customer_number = PhoneNumberField()
    mint_number = PhoneNumberField()
    started_at = models.DateTimeField()
    ended_at = models.DateTimeField(null=True, blank=True)
    purpose = models.CharField(max_length=20, choices=Purpose.choices)
    recording_reference = models.CharField(max_length=200, blank=True)
    recording_file = models.FileField(upload_to="calls/recordings/%Y/%m/", blank=True)
    transcript_reference = models.CharField(max_length=200, blank=True)
    transcript_file = models.FileField(upload_to="calls/transcripts/%Y/%m/", blank=True)
    # The transcription provider is in the US: the transfer and its safeguard are recorded.
    transcript_sent_at = models.DateTimeField(null=True, blank=True)
    transcript_processor = models.CharField(max_length=100, blank=True)
    transfer_safeguard = models.CharField(max_length=100, blank=True)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    history = HistoricalRecords()

    class Meta:
        ordering = ["-started_at", "-id"]
        constraints = [
            models.CheckConstraint(
                name="call_recording_ends_after_it_starts",
                condition=Q(ended_at__isnull=True) | Q(ended_at__gte=models.F("started_at")),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_purpose_display()} call {self.started_at:%Y-%m-%d %H:%M}"


class RecordingPause(models.Model):
    """C10: the recording was paused while a card was keyed (PCI DSS: no security code on tape)."""

    recording = models.ForeignKey(CallRecording, on_delete=models.CASCADE, related_name="pauses")
    paused_at = models.DateTimeField()
    resumed_at = models.DateTimeField()
    reason = models.CharField(max_length=50, default="card keying")
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    history = HistoricalRecords()

    class Meta:
        ordering = ["paused_at", "id"]
        constraints = [
            models.CheckConstraint(
                name="recording_pause_resumes_after_it_pauses", condition=Q(resumed_at__gte=models.F("paused_at"))
            ),
        ]

    def __str__(self) -> str:
        return f"Paused {self.paused_at:%H:%M:%S}–{self.resumed_at:%H:%M:%S} ({self.reason})"


class ApiAccessRevocation(models.Model):
    """Issue 14: a login's API tokens and signed-in sessions ended at once, by its owner or by staff.

    Kept for the back office's record of who cut off whose access, and when (the tokens themselves are deleted).
    """

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="api_revocations")
    revoked_at = models.DateTimeField()
    revoked_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    revoked_by_kind = models.CharField(max_length=16, choices=ActorKind.choices)
    channel = models.CharField(max_length=8, choices=Channel.choices)
    tokens_ended = models.PositiveIntegerField()
    sessions_ended = models.PositiveIntegerField()
    reason = models.CharField(max_length=300, blank=True)

    class Meta:
        ordering = ["-revoked_at", "-id"]
        verbose_name = "API access revocation"
        # Revocations are made by the service (API, Customer and Token admin actions), never by an add form.
        permissions = [("revoke_api_access", "Can end a customer's API tokens and signed-in sessions")]

    def __str__(self) -> str:
        return f"{self.user} revoked {self.revoked_at:%Y-%m-%d %H:%M}"
