from rest_framework import generics
from rest_framework.permissions import AllowAny

from catalogue.api.serializers import ProductSerializer
from catalogue.selectors import product_list_for_sale


class ProductListView(generics.ListAPIView):
    """The catalogue is public: anyone may browse it."""

    serializer_class = ProductSerializer
    permission_classes = [AllowAny]

    def get_queryset(self):
        return product_list_for_sale()
