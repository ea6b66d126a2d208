from rest_framework import serializers

from catalogue.models import Product


class ProductSerializer(serializers.ModelSerializer):
    range = serializers.SlugRelatedField(slug_field="code", read_only=True)

    class Meta:
        model = Product
        fields = ["id", "sku", "name", "range", "price_pence", "vat_rate_basis_points", "mintage", "stock"]
        read_only_fields = fields
