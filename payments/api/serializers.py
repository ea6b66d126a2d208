from rest_framework import serializers

from mint_shop.api.fields import PenceField, max_length_of
from payments.models import (
    BankReceipt,
    CardOperation,
    Cheque,
    FinanceApplication,
    Instalment,
    InstalmentPlan,
    LedgerEntry,
    OrderPayment,
    Refund,
    StatementLine,
    StripeEvent,
)
from payments.selectors import instalment_arrears_pence


class LedgerEntrySerializer(serializers.ModelSerializer):
    class Meta:
        model = LedgerEntry
        fields = [
            "id",
            "order",
            "kind",
            "direction",
            "amount_pence",
            "method",
            "reference",
            "external_id",
            "payment_intent_id",
            "actor",
            "created_at",
        ]


class OrderMoneySerializer(serializers.Serializer):
    order_id = serializers.IntegerField()
    total_pence = serializers.IntegerField()
    authorised_pence = serializers.IntegerField()
    held_pence = serializers.IntegerField()
    taken_pence = serializers.IntegerField()
    refunded_pence = serializers.IntegerField()
    refundable_pence = serializers.IntegerField()
    outstanding_pence = serializers.IntegerField()
    reimbursed_pence = serializers.IntegerField(help_text="Paid on top of the price, e.g. return postage (R3)")


class OrderPaymentSerializer(serializers.ModelSerializer):
    order_id = serializers.IntegerField()
    authorisation_status = serializers.CharField(source="authorisation.status", default=None, allow_null=True)
    held = serializers.SerializerMethodField()

    class Meta:
        model = OrderPayment
        fields = ["order_id", "method", "reference", "authorisation_status", "charge_on_despatch_since", "held"]

    def get_held(self, order_payment) -> bool:
        return order_payment.held_at is not None and order_payment.invoice_chosen_at is None


class HeldPaymentSerializer(OrderPaymentSerializer):
    customer = serializers.CharField(source="order.customer")

    class Meta(OrderPaymentSerializer.Meta):
        fields = OrderPaymentSerializer.Meta.fields + ["held_at", "hold_reason", "customer"]


class HoldResolveSerializer(serializers.Serializer):
    invoice = serializers.BooleanField(default=False)
    stripe_payment_method_id = serializers.CharField(
        max_length=max_length_of(OrderPayment, "stripe_payment_method_id"), required=False, default=""
    )


class CaptureSerializer(serializers.Serializer):
    line_ids = serializers.ListField(child=serializers.IntegerField(), min_length=1)


class CardOperationSerializer(serializers.ModelSerializer):
    class Meta:
        model = CardOperation
        fields = ["id", "kind", "amount_pence", "status", "line_ids", "payment_intent_id", "last_error"]


class RefundRequestSerializer(serializers.Serializer):
    order_id = serializers.IntegerField()
    amount_pence = PenceField(min_value=1)
    request_id = serializers.CharField(max_length=100)
    means = serializers.ChoiceField(choices=Refund.Means.choices, required=False, default="")
    reason = serializers.CharField(required=False, default="", allow_blank=True)


class FlaggedStripeEventSerializer(serializers.ModelSerializer):
    class Meta:
        model = StripeEvent
        fields = ["id", "event_id", "type", "received_at", "processed_at", "outcome", "order", "finance_flag"]


class RefundSerializer(serializers.ModelSerializer):
    class Meta:
        model = Refund
        fields = [
            "id",
            "order",
            "request_id",
            "purpose",
            "amount_pence",
            "means",
            "reason",
            "status",
            "payout_reference",
            "granted_by",
            "created_at",
            "paid_at",
        ]


class PayoutPaidSerializer(serializers.Serializer):
    bank_reference = serializers.CharField(max_length=100)


class ChequeReceivedSerializer(serializers.Serializer):
    reference = serializers.CharField(max_length=30, help_text="The order's payment reference, MINT-<order id>")
    amount_pence = PenceField(min_value=1)
    drawer = serializers.CharField(max_length=200)
    cheque_number = serializers.CharField(max_length=20)


class ChequeSerializer(serializers.ModelSerializer):
    class Meta:
        model = Cheque
        fields = ["id", "order", "amount_pence", "drawer", "cheque_number", "status", "received_at", "banked_at"]


class BankReceiptInSerializer(serializers.Serializer):
    reference = serializers.CharField(max_length=100)
    amount_pence = PenceField(min_value=1)
    received_on = serializers.DateField()
    method = serializers.ChoiceField(choices=["bank_transfer", "bankers_draft"])


class BankReceiptSerializer(serializers.ModelSerializer):
    class Meta:
        model = BankReceipt
        fields = ["id", "order", "method", "reference", "amount_pence", "received_on"]


class InstalmentSerializer(serializers.ModelSerializer):
    class Meta:
        model = Instalment
        fields = ["id", "number", "due_on", "amount_pence", "paid_at", "missed_at"]


class InstalmentPlanSerializer(serializers.ModelSerializer):
    """A plan as its customer sees it: the decision, the schedule and what is in arrears (M5)."""

    instalments = InstalmentSerializer(many=True, read_only=True)
    arrears_pence = serializers.SerializerMethodField(help_text="Instalments past their due day and unpaid")

    class Meta:
        model = InstalmentPlan
        fields = [
            "id",
            "order",
            "status",
            "number_of_instalments",
            "total_pence",
            "decided_at",
            "decision_reason",
            "arrears_pence",
            "paid_in_full_at",
            "instalments",
        ]

    def get_arrears_pence(self, plan) -> int:
        return instalment_arrears_pence(plan=plan)


class StaffInstalmentPlanSerializer(InstalmentPlanSerializer):
    """For finance: who decided, too."""

    class Meta(InstalmentPlanSerializer.Meta):
        fields = [*InstalmentPlanSerializer.Meta.fields, "decided_by"]


class InstalmentDecisionSerializer(serializers.Serializer):
    approve = serializers.BooleanField()
    reason = serializers.CharField(allow_blank=True, default="")
    first_due_on = serializers.DateField(required=False, allow_null=True, default=None)


class InstalmentPaidSerializer(serializers.Serializer):
    reference = serializers.CharField(max_length=100)


class FinanceApplicationInSerializer(serializers.Serializer):
    order_id = serializers.IntegerField()
    lender = serializers.CharField(max_length=200)


class FinanceDecisionSerializer(serializers.Serializer):
    approved = serializers.BooleanField()
    lender_reference = serializers.CharField(max_length=100)


class FinanceSettlementSerializer(serializers.Serializer):
    amount_pence = PenceField(min_value=1)


class FinanceApplicationSerializer(serializers.ModelSerializer):
    class Meta:
        model = FinanceApplication
        fields = ["id", "order", "lender", "amount_pence", "status", "data_shared", "shared_at", "lender_reference"]


class BankStatementSerializer(serializers.Serializer):
    csv = serializers.CharField(help_text="CSV with columns date, amount (pounds), reference[, description]")


class ImportResultSerializer(serializers.Serializer):
    matched = serializers.IntegerField()


class StatementLineSerializer(serializers.ModelSerializer):
    class Meta:
        model = StatementLine
        fields = ["id", "source", "external_id", "amount_pence", "occurred_on", "reference", "description"]


class UnmatchedSerializer(serializers.Serializer):
    statement_lines = StatementLineSerializer(many=True)
    ledger_entries = LedgerEntrySerializer(many=True)
