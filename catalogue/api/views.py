from rest_framework import generics
from rest_framework.permissions import AllowAny

from catalogue.api.serializers import DeliveryOptionSerializer, ProductSerializer
from catalogue.selectors import delivery_option_list_active, product_list_for_sale


class ProductListView(generics.ListAPIView):
    """The catalogue is public: anyone may browse it."""

    serializer_class = ProductSerializer
    permission_classes = [AllowAny]

    def get_queryset(self):
        return product_list_for_sale()


class DeliveryOptionListView(generics.ListAPIView):
    """P2: standard and premium delivery, UK and overseas, with their charges."""

    serializer_class = DeliveryOptionSerializer
    permission_classes = [AllowAny]
    pagination_class = None

    def get_queryset(self):
        return delivery_option_list_active()
