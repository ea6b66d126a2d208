from django.shortcuts import get_object_or_404
from drf_spectacular.utils import extend_schema
from rest_framework import generics
from rest_framework.permissions import AllowAny
from rest_framework.response import Response
from rest_framework.views import APIView

from catalogue.api.serializers import DeliveryOptionSerializer, ProductSerializer
from catalogue.models import Product
from catalogue.selectors import delivery_option_list_active, product_list_for_sale
from catalogue.services import product_withdraw
from mint_shop.actors import Actor
from mint_shop.api.permissions import HasStaffPermissions


class ProductListView(generics.ListAPIView):
    """The catalogue is public: anyone may browse it."""

    serializer_class = ProductSerializer
    permission_classes = [AllowAny]

    def get_queryset(self):
        return product_list_for_sale()


class StaffProductWithdrawView(APIView):
    """P3 (T&C 5.1): the warehouse withdraws a product from sale; its open lines stop before despatch."""

    permission_classes = [HasStaffPermissions]
    required_permissions = ("catalogue.change_product",)

    @extend_schema(request=None, responses=ProductSerializer)
    def post(self, request, pk: int):
        get_object_or_404(Product, pk=pk)
        product = product_withdraw(product_id=pk, actor=Actor.staff(request.user))
        return Response(ProductSerializer(product).data)


class DeliveryOptionListView(generics.ListAPIView):
    """P2: standard and premium delivery, UK and overseas, with their charges."""

    serializer_class = DeliveryOptionSerializer
    permission_classes = [AllowAny]
    pagination_class = None

    def get_queryset(self):
        return delivery_option_list_active()
