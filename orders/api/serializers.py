from django.urls import reverse
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from mint_shop.actors import Channel
from mint_shop.api.fields import PenceField, max_length_of
from orders import selectors
from orders.models import NonReceiptReport, Order, OrderLine, PaymentMethod, SentInError, Shipment
from orders.money import lines_amount_pence, live_lines, order_total_pence
from orders.services import DeliveryRequest, LineRequest, PaymentRequest
from promotions.services import PromotionRequest

# ---- input --------------------------------------------------------------------------------


class LineInSerializer(serializers.Serializer):
    product_id = serializers.IntegerField()
    # No bounds here: the service refuses bad quantities naming the rule (P4).
    quantity = serializers.IntegerField()
    engraving_text = serializers.CharField(max_length=200, required=False, default="", allow_blank=True)
    unit_price_pence = PenceField(
        required=False, allow_null=True, default=None, help_text="The price the customer saw; a change is refused (P7)"
    )

    def to_request(self, data) -> LineRequest:
        return LineRequest(
            product_id=data["product_id"],
            quantity=data["quantity"],
            engraving_text=data["engraving_text"],
            seen_unit_price_pence=data["unit_price_pence"],
        )


class DeliveryInSerializer(serializers.Serializer):
    """Either a saved delivery address of the customer's (`address_id`) or a name and address."""

    option = serializers.CharField(max_length=50)
    address_id = serializers.IntegerField(required=False, default=None, allow_null=True)
    name = serializers.CharField(max_length=200, required=False, default="", allow_blank=True)
    address = serializers.CharField(max_length=1000, required=False, default="", allow_blank=True)
    postcode = serializers.CharField(max_length=16, allow_blank=True, required=False, default="")
    country = serializers.CharField(max_length=2, required=False, default="GB")
    confirmation_email = serializers.EmailField(
        max_length=max_length_of(Order, "confirmation_email"), required=False, default="", allow_blank=True
    )


class PaymentInSerializer(serializers.Serializer):
    method = serializers.CharField(max_length=16)
    # The length of payments.OrderPayment.stripe_payment_method_id, where payments keeps it.
    stripe_payment_method_id = serializers.CharField(max_length=100, required=False)
    # Checked by payments (M5) so a refusal names the rule.
    number_of_instalments = serializers.IntegerField(required=False, help_text="Instalments: how many (M5)")


class OrderPlaceSerializer(serializers.Serializer):
    lines = LineInSerializer(many=True)
    delivery = DeliveryInSerializer()
    payment = PaymentInSerializer()
    promo_code = serializers.CharField(max_length=40, required=False, default="", allow_blank=True)
    referral = serializers.CharField(
        max_length=40, required=False, default="", allow_blank=True,
        help_text="A referral reward's code, or a referred friend's invitation (X3)",
    )

    def to_service_kwargs(self) -> dict:
        data = self.validated_data
        d = data["delivery"]
        return {
            "lines": [LineInSerializer().to_request(line) for line in data["lines"]],
            "delivery": DeliveryRequest(
                option_code=d["option"],
                name=d["name"],
                address=d["address"],
                postcode=d["postcode"],
                country=d["country"].upper(),
                confirmation_email=d["confirmation_email"],
                address_id=d["address_id"],
            ),
            "payment": PaymentRequest.of(data["payment"]),
            "promotion": PromotionRequest(code=data["promo_code"], referral=data["referral"]),
        }


class StaffOrderPlaceSerializer(OrderPlaceSerializer):
    customer_id = serializers.IntegerField()
    # Checked by the service (O1) so the refusal names the rule.
    channel = serializers.CharField(max_length=10, help_text=f"{Channel.PHONE} or {Channel.POST}")


class LineIdsSerializer(serializers.Serializer):
    line_ids = serializers.ListField(child=serializers.IntegerField(), allow_empty=False)


class OptionalLineIdsSerializer(serializers.Serializer):
    line_ids = serializers.ListField(child=serializers.IntegerField(), required=False, allow_empty=False)


class DeclineSerializer(serializers.Serializer):
    reason = serializers.CharField(max_length=1000)


class DespatchSerializer(LineIdsSerializer):
    carrier = serializers.CharField(max_length=100)
    tracking_number = serializers.CharField(max_length=100)
    advised_delivery_date = serializers.DateField(required=False, allow_null=True, default=None)


class DeliveryRecordSerializer(serializers.Serializer):
    evidence = serializers.CharField(max_length=10, help_text="signature, gps or photo (O9)")
    reference = serializers.CharField(max_length=300)
    delivered_at = serializers.DateTimeField(required=False, allow_null=True, default=None)


class PriceAnswerSerializer(serializers.Serializer):
    agree = serializers.BooleanField()


class NonReceiptInSerializer(serializers.Serializer):
    details = serializers.CharField(max_length=2000, required=False, default="", allow_blank=True)


class SentInErrorInSerializer(serializers.Serializer):
    description = serializers.CharField(max_length=2000)
    remedy = serializers.ChoiceField(choices=SentInError.Remedy.choices)
    return_cost_pence = PenceField(min_value=0, required=False, default=0)
    collection_date = serializers.DateField(required=False, allow_null=True, default=None)


# ---- output -------------------------------------------------------------------------------


class OrderLineSerializer(serializers.ModelSerializer):
    sku = serializers.CharField(source="product.sku", read_only=True)
    name = serializers.CharField(source="product.name", read_only=True)
    total_pence = serializers.IntegerField(read_only=True)
    under_contract = serializers.SerializerMethodField()

    class Meta:
        model = OrderLine
        fields = [
            "id", "product", "sku", "name", "quantity", "unit_price_pence", "discount_pence", "total_pence",
            "engraving_text", "promised_by", "delay_notified_at", "allocated_at", "under_contract", "accepted_at",
            "accepted_via", "paid_at", "funds_cleared_at", "title_passed_at", "remedy_for", "shipment",
            "withdrawn_at", "withdrawn_because", "proposed_unit_price_pence", "price_question_at", "price_answer",
            "price_answered_at",
        ]
        read_only_fields = fields

    def get_under_contract(self, line) -> bool:
        return line.accepted_at is not None


class StoppedLineSerializer(OrderLineSerializer):
    """P3: a line stopped by its product's withdrawal, with the order and customer to follow up."""

    order = serializers.IntegerField(source="order_id", read_only=True)
    customer = serializers.IntegerField(source="order.customer_id", read_only=True)
    order_status = serializers.CharField(source="order.status", read_only=True)

    class Meta(OrderLineSerializer.Meta):
        fields = ["order", "customer", "order_status", *OrderLineSerializer.Meta.fields]
        read_only_fields = fields


class ShipmentSerializer(serializers.ModelSerializer):
    class Meta:
        model = Shipment
        fields = [
            "id", "carrier", "tracking_number", "despatched_at", "advised_delivery_date",
            "delivered_at", "delivery_evidence", "evidence_reference",
        ]
        read_only_fields = fields


class OrderSerializer(serializers.ModelSerializer):
    lines = OrderLineSerializer(many=True, read_only=True)
    shipments = ShipmentSerializer(many=True, read_only=True)
    terms_version = serializers.SlugRelatedField(slug_field="version", read_only=True)
    delivery_option = serializers.SlugRelatedField(slug_field="code", read_only=True)
    delivery_country = serializers.CharField(read_only=True)
    status = serializers.CharField(read_only=True, help_text="placed (an offer), declined, cancelled or completed")
    channel = serializers.CharField(read_only=True, help_text="web, phone or post (O1)")
    goods_pence = serializers.SerializerMethodField()
    total_pence = serializers.SerializerMethodField()

    class Meta:
        model = Order
        fields = [
            "id", "customer", "status", "channel", "keyed_by", "payment_method", "placed_at", "terms_version",
            "delivery_option", "delivery_pence", "delivery_supplement_pence", "duties_payable_by_customer",
            "delivery_name", "delivery_address", "delivery_postcode", "delivery_country", "confirmation_email",
            "promised_by", "part_despatch_requested_at",
            "part_despatch_charge_pence", "decline_reason", "goods_pence", "total_pence", "lines", "shipments",
        ]
        read_only_fields = fields

    def get_goods_pence(self, order) -> int:  # the live lines after their discounts
        return lines_amount_pence(live_lines(order.lines.all()))

    def get_total_pence(self, order) -> int:
        return order_total_pence(order)


# The answer to a placement is a plain Serializer, the model's fields declared as ModelSerializer would
# build them: a ModelSerializer inspects the model again for every instance (twice per order, the
# order and its lines), a fifth of the request's DRF time on the launch-day hot path.


class PlacedLineSerializer(serializers.Serializer):
    id = serializers.BigIntegerField(label="ID", read_only=True)
    product = serializers.IntegerField(source="product_id", read_only=True)
    quantity = serializers.IntegerField(read_only=True)
    unit_price_pence = serializers.IntegerField(read_only=True)
    discount_pence = serializers.IntegerField(read_only=True)
    total_pence = serializers.IntegerField(read_only=True)
    engraving_text = serializers.CharField(read_only=True)


class OrderPlacedSerializer(serializers.Serializer):
    """The answer to placing an order: what was offered and its totals; `url` gives the whole order.

    Lean because it is the launch-day hot path: rendering the whole order took a large share
    of each placement's CPU (bench/README.md). Every line is an offer, not yet a contract (O2).
    """

    id = serializers.BigIntegerField(label="ID", read_only=True)
    url = serializers.SerializerMethodField()
    status = serializers.CharField(read_only=True, help_text="placed: an offer (O2)")
    channel = serializers.CharField(read_only=True, help_text="web, phone or post (O1)")
    payment_method = serializers.ChoiceField(choices=PaymentMethod.choices, read_only=True)
    placed_at = serializers.DateTimeField(read_only=True)
    promised_by = serializers.DateField(allow_null=True, read_only=True)
    delivery_pence = serializers.IntegerField(read_only=True)
    goods_pence = serializers.SerializerMethodField()
    total_pence = serializers.SerializerMethodField()
    lines = serializers.SerializerMethodField()

    def _lines(self, order) -> list[OrderLine]:
        return self.context["lines"]

    @extend_schema_field(PlacedLineSerializer(many=True))
    def get_lines(self, order) -> list:
        return PlacedLineSerializer(self._lines(order), many=True).data

    def get_goods_pence(self, order) -> int:
        return lines_amount_pence(live_lines(self._lines(order)))

    def get_total_pence(self, order) -> int:
        return order_total_pence(order, self._lines(order))

    def get_url(self, order) -> str:
        return reverse(self.context["detail_view"], args=[order.pk])


class OrderDetailSerializer(OrderSerializer):
    title_passed = serializers.SerializerMethodField()

    class Meta(OrderSerializer.Meta):
        fields = [*OrderSerializer.Meta.fields, "title_passed"]
        read_only_fields = fields

    @extend_schema_field(
        serializers.BooleanField(help_text="O10: title to every live line has passed (each line's title_passed_at)")
    )
    def get_title_passed(self, order) -> bool:
        return selectors.order_title_passed(order=order)


class NonReceiptReportSerializer(serializers.ModelSerializer):
    class Meta:
        model = NonReceiptReport
        fields = ["id", "order", "shipment", "reported_at", "report_by", "late", "details"]
        read_only_fields = fields


class SentInErrorSerializer(serializers.ModelSerializer):
    class Meta:
        model = SentInError
        fields = [
            "id", "shipment", "description", "remedy", "return_cost_pence", "collection_date", "return_requested_at",
        ]
        read_only_fields = fields


