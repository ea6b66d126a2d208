from rest_framework import serializers

from cancellations.models import Cancellation, CancellationLine, FaultClaim, GoodsReturn
from mint_shop.actors import Channel
from mint_shop.api.fields import PenceField


class CancellableLineSerializer(serializers.Serializer):
    order_id = serializers.IntegerField()
    line_id = serializers.IntegerField(source="line.pk")
    product = serializers.CharField(source="line.product.name")
    quantity = serializers.IntegerField(source="line.quantity")
    right = serializers.CharField(help_text="withdraw (no contract yet), cooling_off (R1) or delay (R8)")
    last_day = serializers.DateField(allow_null=True, help_text="R1: the last day to cancel; null until delivered")


class CancellationLineSerializer(serializers.ModelSerializer):
    product = serializers.CharField(source="order_line.product.name")

    class Meta:
        model = CancellationLine
        fields = ["order_line", "product", "goods_pence", "discount_pence", "to_come_back"]


class GoodsReturnSerializer(serializers.ModelSerializer):
    class Meta:
        model = GoodsReturn
        fields = ["expected_items", "received_on", "evidence_only", "condition", "seal_broken", "postage_paid_by"]


class CancellationSerializer(serializers.ModelSerializer):
    """R4: the refund and every piece of it; R5: when it is owed by."""

    lines = CancellationLineSerializer(many=True)
    notice_channel = serializers.CharField(help_text="R2: web, email, post or phone; system for C5")
    goods_return = GoodsReturnSerializer(allow_null=True)
    refund_status = serializers.SerializerMethodField()
    price_refund_pence = PenceField(
        read_only=True, help_text="Refunded of what was paid; refund_pence adds the return postage paid separately"
    )
    reimbursement_status = serializers.CharField(
        source="reimbursement.status", default=None, help_text="R3: our return postage, paid separately by bank"
    )

    class Meta:
        model = Cancellation
        fields = [
            "id",
            "order",
            "right",
            "notice_channel",
            "notice_sent_on",
            "notice_sent_at",
            "notice_received_on",
            "notice_deemed_on",
            "lines",
            "goods_pence",
            "discount_pence",
            "delivery_pence",
            "return_postage_pence",
            "not_paid_pence",
            "price_refund_pence",
            "refund_pence",
            "refund_due_from",
            "legal_deadline",
            "terms_deadline",
            "flag",
            "goods_return",
            "refund_status",
            "reimbursement_status",
        ]

    def get_refund_status(self, obj) -> str:
        if obj.refund is not None:
            return obj.refund.status
        return "awaiting_return" if obj.refund_due_from is None else "to_grant"


class CancelInSerializer(serializers.Serializer):
    order_id = serializers.IntegerField()
    line_ids = serializers.ListField(child=serializers.IntegerField(), allow_empty=False)


class NoticeInSerializer(CancelInSerializer):
    """R2: a letter with its postmark, an email with its time of sending, and the day it arrived."""

    channel = serializers.ChoiceField(choices=[Channel.EMAIL, Channel.POST, Channel.PHONE])
    received_on = serializers.DateField()
    postmarked_on = serializers.DateField(required=False, allow_null=True, help_text="A letter's postmark")
    sent_at = serializers.DateTimeField(required=False, allow_null=True, help_text="An email's time of sending")


class CancelOutSerializer(serializers.Serializer):
    withdrawn_line_ids = serializers.ListField(child=serializers.IntegerField())
    cancellation = CancellationSerializer(allow_null=True)  # the one that ended the last lines
    cancellations = CancellationSerializer(many=True)  # one per right (R1, R8) when lines went under both


class ReturnInSerializer(serializers.Serializer):
    line_ids = serializers.ListField(child=serializers.IntegerField(), allow_empty=False)
    received_on = serializers.DateField()
    condition = serializers.CharField()
    evidence_only = serializers.BooleanField(default=False)
    return_postage_pence = PenceField(min_value=0, default=0)
    condition_notes = serializers.CharField(default="", allow_blank=True)
    seal_broken = serializers.BooleanField(default=False, help_text="P6: a hygiene seal came back broken")


class FaultClaimSerializer(serializers.ModelSerializer):
    fault_remedy = serializers.ChoiceField(source="remedy", choices=FaultClaim.Remedy.choices, allow_blank=True)

    class Meta:
        model = FaultClaim
        fields = [
            "id",
            "order_line",
            "reported_on",
            "description",
            "within_short_term_right",
            "remedy_wanted",
            "outcome",
            "fault_remedy",
            "findings",
            "examined_on",
        ]


class FaultClaimInSerializer(serializers.Serializer):
    order_line_id = serializers.IntegerField()
    description = serializers.CharField()
    remedy_wanted = serializers.ChoiceField(
        choices=FaultClaim.Remedy.choices,
        default=FaultClaim.Remedy.REFUND,
        help_text="R7: within 30 days of delivery the customer's choice: reject for a refund, or ask for another",
    )


class FaultDecisionInSerializer(serializers.Serializer):
    faulty = serializers.BooleanField()
    findings = serializers.CharField()
    remedy = serializers.CharField(default="", allow_blank=True)
