"""Shapes of the customers API. Input serializers validate only the form of the data (a real
email, a valid phone number, an ISO country, a real date); the rules are the services'."""

from django.contrib.auth.password_validation import validate_password
from django.urls import reverse
from phonenumber_field.serializerfields import PhoneNumberField
from rest_framework import serializers

from customers.models import (
    ApiAccessRevocation,
    CallRecording,
    ContactLogEntry,
    Customer,
    DeliveryAddress,
    DueDiligenceCheck,
    EvidenceDocument,
    PreferredContact,
    RecordingPause,
    Representative,
    Restriction,
    SourceOfFundsRequest,
)
from mint_shop.actors import Channel
from mint_shop.api.fields import CountryCodeField, RefuseUnknownFields, max_length_of

KEYED_CHANNELS = [Channel.PHONE, Channel.POST]


class DeliveryAddressSerializer(serializers.ModelSerializer):
    country = CountryCodeField(default="GB")

    class Meta:
        model = DeliveryAddress
        fields = ["id", "label", "recipient_name", "line1", "line2", "town", "postcode", "country"]
        read_only_fields = ["id"]


class CustomerSerializer(serializers.ModelSerializer):
    """A customer's own record, as they (or their representative) see it."""

    phone = PhoneNumberField(read_only=True)
    mobile_phone = PhoneNumberField(read_only=True)
    country = CountryCodeField(read_only=True)
    delivery_addresses = DeliveryAddressSerializer(many=True, read_only=True)

    class Meta:
        model = Customer
        fields = [
            "id", "first_name", "last_name", "email", "phone", "mobile_phone", "date_of_birth",
            "address_line1", "address_line2", "town", "postcode", "country", "preferred_contact",
            "delivery_addresses",
        ]
        read_only_fields = fields


class StaffCustomerSerializer(CustomerSerializer):
    """What staff see besides: how the account came to be, and its restriction and death flags."""

    class Meta(CustomerSerializer.Meta):
        fields = [
            *CustomerSerializer.Meta.fields, "registered_via", "keyed_by", "created_at", "capacity_declared_at",
            "checks_agreed_at", "restricted_at", "restriction_reason", "deceased_at", "open_orders_review_required",
        ]
        read_only_fields = fields


class CustomerDetailsSerializer(RefuseUnknownFields, serializers.Serializer):
    """The contact details a customer may change (C8); every field optional on PATCH."""

    first_name = serializers.CharField(max_length=100)
    last_name = serializers.CharField(max_length=100)
    email = serializers.EmailField(max_length=max_length_of(Customer, "email"))
    phone = PhoneNumberField(required=False, allow_blank=True)
    mobile_phone = PhoneNumberField(required=False, allow_blank=True)
    address_line1 = serializers.CharField(max_length=200, required=False, allow_blank=True)
    address_line2 = serializers.CharField(max_length=200, required=False, allow_blank=True)
    town = serializers.CharField(max_length=100, required=False, allow_blank=True)
    postcode = serializers.CharField(max_length=16, required=False, allow_blank=True)
    country = CountryCodeField(required=False)
    preferred_contact = serializers.ChoiceField(choices=PreferredContact.choices, required=False)


class KeyedRegistrationSerializer(CustomerDetailsSerializer):
    """Staff keying an account from a call or a letter (C1, C2): the declarations as the customer gave them."""

    channel = serializers.ChoiceField(choices=KEYED_CHANNELS)
    date_of_birth = serializers.DateField()
    capacity_declared = serializers.BooleanField()
    checks_agreed = serializers.BooleanField()


class RegistrationSerializer(CustomerDetailsSerializer):
    """Online registration: the account and its login (C1, C2)."""

    date_of_birth = serializers.DateField()
    capacity_declared = serializers.BooleanField()
    checks_agreed = serializers.BooleanField()
    password = serializers.CharField(write_only=True, max_length=128, style={"input_type": "password"})

    def validate_password(self, password: str) -> str:
        validate_password(password)  # the project's validators: length, common, numeric
        return password


class RegistrationAcceptedSerializer(serializers.Serializer):
    """The one answer to an online registration, whether the account is new or the person has one (C2)."""

    detail = serializers.CharField()


class ReasonSerializer(serializers.Serializer):
    reason = serializers.CharField(max_length=2000)


class RestrictionSerializer(serializers.ModelSerializer):
    class Meta:
        model = Restriction
        fields = ["id", "reason", "restricted_at", "restricted_by", "lifted_at", "lifted_by", "lift_reason"]
        read_only_fields = fields


class DeceasedSerializer(serializers.Serializer):
    died_on = serializers.DateField(required=False, help_text="The date of death, when known")


class EvidenceDocumentSerializer(serializers.ModelSerializer):
    download_url = serializers.SerializerMethodField()

    class Meta:
        model = EvidenceDocument
        fields = ["id", "original_name", "content_type", "size_bytes", "description", "uploaded_at", "download_url"]
        read_only_fields = fields

    def get_download_url(self, document) -> str:
        return reverse("customers:staff-document-download", kwargs={"pk": document.pk})


class EvidenceUploadSerializer(serializers.Serializer):
    file = serializers.FileField(help_text="PDF, JPEG or PNG; checked by content, not by name")
    description = serializers.CharField(max_length=200, required=False, default="")


class DueDiligenceCheckSerializer(serializers.ModelSerializer):
    documents = EvidenceDocumentSerializer(many=True, read_only=True)

    class Meta:
        model = DueDiligenceCheck
        fields = [
            "id", "kind", "representative", "status", "provider", "provider_reference", "requested_at",
            "completed_at", "notes", "recorded_by", "documents",
        ]
        read_only_fields = fields


class DueDiligenceCheckCreateSerializer(serializers.Serializer):
    kind = serializers.ChoiceField(choices=DueDiligenceCheck.Kind.choices)
    representative = serializers.IntegerField(required=False, allow_null=True, default=None)
    status = serializers.ChoiceField(choices=DueDiligenceCheck.Status.choices, default=DueDiligenceCheck.Status.PENDING)
    provider = serializers.CharField(max_length=100, required=False, default="")
    provider_reference = serializers.CharField(max_length=100, required=False, default="")
    notes = serializers.CharField(required=False, default="")


class DueDiligenceCheckUpdateSerializer(serializers.Serializer):
    status = serializers.ChoiceField(choices=DueDiligenceCheck.Status.choices)
    provider_reference = serializers.CharField(max_length=100, required=False)
    notes = serializers.CharField(required=False)


class SourceOfFundsSerializer(serializers.ModelSerializer):
    documents = EvidenceDocumentSerializer(many=True, read_only=True)

    class Meta:
        model = SourceOfFundsRequest
        fields = [
            "id", "customer", "order", "requested_at", "requested_by", "due_on", "outcome", "decided_at",
            "decided_by", "notes", "order_cancelled_at", "documents",
        ]
        read_only_fields = fields


class SourceOfFundsCreateSerializer(serializers.Serializer):
    order = serializers.IntegerField()
    due_on = serializers.DateField(required=False, allow_null=True, default=None)
    notes = serializers.CharField(required=False, default="")


class SourceOfFundsDecideSerializer(serializers.Serializer):
    outcome = serializers.ChoiceField(
        choices=[SourceOfFundsRequest.Outcome.ACCEPTED, SourceOfFundsRequest.Outcome.REFUSED]
    )
    notes = serializers.CharField(required=False, default="")


class RepresentativeSerializer(serializers.ModelSerializer):
    phone = PhoneNumberField(read_only=True)
    documents = EvidenceDocumentSerializer(many=True, read_only=True)

    class Meta:
        model = Representative
        fields = [
            "id", "customer", "kind", "user", "first_name", "last_name", "email", "phone",
            "appointment_reference", "status", "registered_at", "verified_at", "ended_at", "end_reason", "documents",
        ]
        read_only_fields = fields


class CustomerRepresentativeSerializer(RepresentativeSerializer):
    """A representative as the customer sees them: no evidence documents (staff only, C4)."""

    class Meta(RepresentativeSerializer.Meta):
        fields = [f for f in RepresentativeSerializer.Meta.fields if f != "documents"]
        read_only_fields = fields


class AuthorisedPersonSerializer(serializers.Serializer):
    """C6: the customer names someone to act for them."""

    first_name = serializers.CharField(max_length=100)
    last_name = serializers.CharField(max_length=100)
    email = serializers.EmailField(
        max_length=max_length_of(Representative, "email"), required=False, default="", allow_blank=True
    )
    phone = PhoneNumberField(required=False, default="")


class RepresentativeCreateSerializer(AuthorisedPersonSerializer):
    kind = serializers.ChoiceField(choices=Representative.Kind.choices)
    appointment_reference = serializers.CharField(max_length=100, required=False, default="")
    user = serializers.IntegerField(required=False, allow_null=True, default=None, help_text="Their login, if any")


class RepresentativeVerifySerializer(serializers.Serializer):
    user = serializers.IntegerField(required=False, allow_null=True, default=None, help_text="Link their login")


class ContactLogEntrySerializer(serializers.ModelSerializer):
    class Meta:
        model = ContactLogEntry
        fields = ["id", "kind", "direction", "occurred_at", "summary", "recorded_by", "recorded_at"]
        read_only_fields = ["id", "recorded_by", "recorded_at"]


class RecordingPauseSerializer(serializers.ModelSerializer):
    class Meta:
        model = RecordingPause
        fields = ["id", "paused_at", "resumed_at", "reason"]
        read_only_fields = ["id", "reason"]


class CallRecordingSerializer(serializers.ModelSerializer):
    """A recorded call: references and whether files are held; never the transcript's text (C10)."""

    customer_number = PhoneNumberField(read_only=True)
    mint_number = PhoneNumberField(read_only=True)
    has_recording_file = serializers.SerializerMethodField()
    has_transcript_file = serializers.SerializerMethodField()
    pauses = RecordingPauseSerializer(many=True, read_only=True)
    summary = serializers.CharField(source="contact.summary", read_only=True)

    class Meta:
        model = CallRecording
        fields = [
            "id", "direction", "customer_number", "mint_number", "started_at", "ended_at", "purpose", "summary",
            "recording_reference", "transcript_reference", "has_recording_file", "has_transcript_file",
            "transcript_sent_at", "transcript_processor", "transfer_safeguard", "pauses",
        ]
        read_only_fields = fields

    def get_has_recording_file(self, recording) -> bool:
        return bool(recording.recording_file)

    def get_has_transcript_file(self, recording) -> bool:
        return bool(recording.transcript_file)


class CallRecordingCreateSerializer(serializers.Serializer):
    direction = serializers.ChoiceField(choices=ContactLogEntry.Direction.choices)
    customer_number = PhoneNumberField()
    mint_number = PhoneNumberField()
    started_at = serializers.DateTimeField()
    ended_at = serializers.DateTimeField(required=False, allow_null=True, default=None)
    purpose = serializers.ChoiceField(choices=CallRecording.Purpose.choices)
    summary = serializers.CharField(max_length=500)
    recording_reference = serializers.CharField(max_length=200, required=False, default="")
    transcript_reference = serializers.CharField(max_length=200, required=False, default="")
    recording_file = serializers.FileField(required=False, default=None)
    transcript_file = serializers.FileField(required=False, default=None)

    def validate(self, data):
        if data["ended_at"] is not None and data["ended_at"] < data["started_at"]:
            raise serializers.ValidationError({"ended_at": "A call cannot end before it starts."})
        return data


class ApiAccessRevocationSerializer(serializers.ModelSerializer):
    """Issue 14: what a revocation ended, when and by whom."""

    class Meta:
        model = ApiAccessRevocation
        fields = ["id", "revoked_at", "revoked_by_kind", "tokens_ended", "sessions_ended", "reason"]
        read_only_fields = ["id", "revoked_at", "revoked_by_kind", "tokens_ended", "sessions_ended"]
