from rest_framework import serializers

from consents.models import MarketingChannel, MarketingConsent, PrintRun, PrintRunRecipient

# Where a customer's own change comes from is the account; staff name the route it came by.
STAFF_SOURCES = [
    MarketingConsent.Source.CALL,
    MarketingConsent.Source.EMAIL,
    MarketingConsent.Source.LETTER,
    MarketingConsent.Source.ORDER_FORM,
    MarketingConsent.Source.WEB_FORM,
    MarketingConsent.Source.COMPETITION,
    MarketingConsent.Source.SURVEY,
]


class MarketingConsentSerializer(serializers.ModelSerializer):
    class Meta:
        model = MarketingConsent
        fields = ["channel", "granted", "basis", "source", "wording", "changed_at", "captured_by", "actor_kind",
                  "capacity"]
        read_only_fields = fields


class MarketingConsentHistorySerializer(MarketingConsentSerializer):
    history_date = serializers.DateTimeField(read_only=True)
    history_change_reason = serializers.CharField(read_only=True)

    class Meta(MarketingConsentSerializer.Meta):
        model = MarketingConsent.history.model
        fields = [*MarketingConsentSerializer.Meta.fields, "history_date", "history_change_reason"]
        read_only_fields = fields


class ConsentChangeSerializer(serializers.Serializer):
    """The customer (or their representative) gives or withdraws consent on one channel."""

    channel = serializers.ChoiceField(choices=MarketingChannel.choices)
    granted = serializers.BooleanField()
    wording = serializers.CharField(required=False, default="", help_text="The words shown when asking")


class StaffConsentChangeSerializer(ConsentChangeSerializer):
    """Staff record a consent, or an opt-out received by email, phone or letter (D2)."""

    source = serializers.ChoiceField(choices=STAFF_SOURCES)
    soft_opt_in = serializers.BooleanField(default=False, help_text="Details collected in a sale (PECR reg. 22)")


class PrintRunSerializer(serializers.ModelSerializer):
    class Meta:
        model = PrintRun
        fields = ["id", "title", "created_at", "created_by", "printed_at", "printed_by"]
        read_only_fields = ["id", "created_at", "created_by", "printed_at", "printed_by"]


class PrintRunRecipientSerializer(serializers.ModelSerializer):
    class Meta:
        model = PrintRunRecipient
        fields = ["customer", "name", "address"]
        read_only_fields = fields


class InboundSmsSerializer(serializers.Serializer):
    """What the SMS provider posts (JSON or form): the sender's number and the text."""

    vars()["from"] = serializers.CharField(max_length=40, required=False, default="", allow_blank=True)
    body = serializers.CharField(max_length=2000, required=False, default="", allow_blank=True)


class UnsubscribeResultSerializer(serializers.Serializer):
    detail = serializers.CharField()


class InboundSmsResultSerializer(serializers.Serializer):
    opted_out = serializers.IntegerField()
