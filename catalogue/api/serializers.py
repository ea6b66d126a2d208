from rest_framework import serializers

from catalogue.models import DeliveryOption, Product


class ProductSerializer(serializers.ModelSerializer):
    range = serializers.SlugRelatedField(slug_field="code", read_only=True)
    not_cancellable_reason = serializers.CharField(
        read_only=True, help_text="R6/P6: why this product cannot be cancelled once ordered, told before ordering"
    )

    class Meta:
        model = Product
        fields = [
            "id", "sku", "name", "range", "price_pence", "vat_rate_basis_points", "mintage", "stock",
            "personalisable", "hygiene_sealed", "bullion_priced", "not_cancellable_reason",
            "launch_date", "presale_opens_on", "advertised_delivery_date", "max_per_order", "max_per_customer",
        ]
        read_only_fields = fields


class DeliveryOptionSerializer(serializers.ModelSerializer):
    duties_payable_by_customer = serializers.SerializerMethodField()

    class Meta:
        model = DeliveryOption
        fields = ["code", "name", "region", "premium", "charge_pence", "duties_payable_by_customer"]
        read_only_fields = fields

    def get_duties_payable_by_customer(self, option) -> bool:
        return option.region == DeliveryOption.Region.OVERSEAS
