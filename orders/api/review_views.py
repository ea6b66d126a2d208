"""Staff queues of orders held back: C7 (open orders of customers who have died, and completing
their review) and P3 (lines stopped by a product's withdrawal from sale)."""

from drf_spectacular.utils import extend_schema
from rest_framework import generics
from rest_framework.response import Response
from rest_framework.views import APIView

from mint_shop.actors import Actor
from mint_shop.api.permissions import HasStaffPermissions
from orders import selectors, services
from orders.api import serializers as s
from orders.models import Order


class StaffOrdersAwaitingReviewView(generics.ListAPIView):
    """Open orders that may not be despatched until their deceased customer's review is complete (C7)."""

    serializer_class = s.OrderSerializer
    permission_classes = [HasStaffPermissions]
    required_permissions = ("orders.view_order",)

    def get_queryset(self):
        return selectors.order_list_awaiting_review()


class StaffWithdrawnProductLinesView(generics.ListAPIView):
    """P3: the queue of lines stopped because their product was withdrawn from sale."""

    serializer_class = s.StoppedLineSerializer
    permission_classes = [HasStaffPermissions]
    required_permissions = ("orders.view_order",)

    def get_queryset(self):
        return selectors.order_lines_stopped_by_withdrawal()


class StaffCustomerOrdersReviewCompleteView(APIView):
    """The deceased customer's open orders are reviewed (any that should not go declined): despatch may resume."""

    permission_classes = [HasStaffPermissions]
    # Reviewing is deciding whether each open order still goes, which is customer service's decline power.
    required_permissions = ("orders.decline_order",)

    @extend_schema(request=None, responses=s.OrderSerializer(many=True))
    def post(self, request, customer_id: int):
        services.customer_orders_review_complete(customer_id=customer_id, actor=Actor.staff(request.user))
        orders = selectors.order_list_for_staff(status=Order.Status.PLACED).filter(customer_id=customer_id)
        return Response(s.OrderSerializer(orders, many=True).data)
