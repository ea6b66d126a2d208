"""Customer and staff endpoints for orders: parse, call one service or selector, render."""

import hashlib
import json

from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import generics, status
from rest_framework.response import Response
from rest_framework.views import APIView

from customers.models import Customer
from mint_shop.actors import Actor
from mint_shop.api.permissions import HasStaffPermissions, IsCustomer
from mint_shop.api.query import query_text
from mint_shop.api.throttles import WriteRateThrottle
from orders import selectors, services
from orders.api import serializers as s

IDEMPOTENCY_HEADER = OpenApiParameter(
    "Idempotency-Key",
    str,
    location=OpenApiParameter.HEADER,
    required=False,
    description="A retried POST with the same key returns the first order; a different body is refused.",
)


def _place(request, *, serializer, customer: Customer, actor: Actor, detail_view: str) -> Response:
    serializer.is_valid(raise_exception=True)
    fingerprint = hashlib.sha256(json.dumps(request.data, sort_keys=True, default=str).encode()).hexdigest()
    order, created = services.order_place(
        customer=customer,
        actor=actor,
        idempotency_key=request.headers.get("Idempotency-Key"),
        request_fingerprint=fingerprint,
        **serializer.to_service_kwargs(),
    )
    lines = getattr(order, "placed_lines", None)  # just written: not read again (a retry reads them)
    if lines is None:
        lines = list(order.lines.order_by("pk"))
    placed = s.OrderPlacedSerializer(order, context={"lines": lines, "detail_view": detail_view})
    return Response(placed.data, status=status.HTTP_201_CREATED if created else status.HTTP_200_OK)


# ---- customers: their own orders only ------------------------------------------------------


class CustomerOrderMixin:
    permission_classes = [IsCustomer]

    def customer(self) -> Customer:
        # IsCustomer has loaded it; the one-to-one cache saves a query on every request.
        return self.request.user.customer

    def own_order(self, pk: int):
        return selectors.order_get_for_customer(customer=self.customer(), order_id=pk)


class OrderListCreateView(CustomerOrderMixin, generics.ListAPIView):
    """The customer's orders; POST places one (an offer, O2)."""

    serializer_class = s.OrderSerializer
    throttle_classes = [WriteRateThrottle]
    throttle_scope = "order_placement"

    def get_queryset(self):
        return selectors.order_list_for_customer(customer=self.customer())

    @extend_schema(
        request=s.OrderPlaceSerializer,
        responses={201: s.OrderPlacedSerializer, 200: s.OrderPlacedSerializer},
        parameters=[IDEMPOTENCY_HEADER],
        description="Places an order (an offer, O2). 201 with the order's lines and totals; `url` gives the "
        "whole order. A retry with the same Idempotency-Key answers 200 with the first order.",
    )
    def post(self, request):
        return _place(
            request,
            serializer=s.OrderPlaceSerializer(data=request.data),
            customer=self.customer(),
            actor=Actor.customer(request.user),
            detail_view="orders:order-detail",
        )


class OrderDetailView(CustomerOrderMixin, generics.RetrieveAPIView):
    serializer_class = s.OrderDetailSerializer

    def get_object(self):
        return self.own_order(self.kwargs["pk"])


class OrderAction(APIView):
    """An action on one order: validate the body, call the service, answer with the order as it is now."""

    input_serializer = None

    def act(self, order_id: int, data: dict, actor: Actor) -> None:
        raise NotImplementedError

    def actor(self) -> Actor:
        raise NotImplementedError

    def order(self, pk: int):
        raise NotImplementedError

    def post(self, request, pk: int):
        data = {}
        if self.input_serializer is not None:
            serializer = self.input_serializer(data=request.data)
            serializer.is_valid(raise_exception=True)
            data = serializer.validated_data
        self.act(self.order(pk).pk, data, self.actor())
        return Response(s.OrderDetailSerializer(self.order(pk)).data)


class CustomerOrderAction(CustomerOrderMixin, OrderAction):
    """Only ever the customer's own order: another's is not found."""

    def actor(self) -> Actor:
        return Actor.customer(self.request.user)

    def order(self, pk: int):
        return self.own_order(pk)


@extend_schema(request=s.PriceAnswerSerializer, responses=s.OrderDetailSerializer)
class OrderPriceAnswerView(CustomerOrderAction):
    """P7: the customer agrees to, or refuses, the new price put to their order."""

    input_serializer = s.PriceAnswerSerializer

    def act(self, order_id, data, actor):
        services.order_price_change_respond(order_id=order_id, agree=data["agree"], actor=actor)


@extend_schema(request=None, responses=s.OrderDetailSerializer)
class OrderPartDespatchView(CustomerOrderAction):
    """O7: send the ready items first, for an extra delivery charge."""

    def act(self, order_id, data, actor):
        services.order_part_despatch_request(order_id=order_id, actor=actor)


@extend_schema(request=s.LineIdsSerializer, responses=s.OrderDetailSerializer)
class OrderCancelLinesView(CustomerOrderAction):
    """Withdraw lines of the offer before a contract forms (O3)."""

    input_serializer = s.LineIdsSerializer

    def act(self, order_id, data, actor):
        services.order_lines_cancel(order_id=order_id, line_ids=data["line_ids"], actor=actor)


class ShipmentNonReceiptView(CustomerOrderMixin, APIView):
    """O11: the parcel never arrived."""

    @extend_schema(request=s.NonReceiptInSerializer, responses={201: s.NonReceiptReportSerializer})
    def post(self, request, pk: int, shipment_pk: int):
        data = s.NonReceiptInSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        shipment = selectors.shipment_get_for_customer(customer=self.customer(), order_id=pk, shipment_id=shipment_pk)
        report = services.shipment_report_non_receipt(
            shipment_id=shipment.pk, details=data.validated_data["details"], actor=Actor.customer(request.user)
        )
        return Response(s.NonReceiptReportSerializer(report).data, status=status.HTTP_201_CREATED)


# ---- staff --------------------------------------------------------------------------------


class StaffOrderListCreateView(generics.ListAPIView):
    """Every order; POST keys a phone or postal order for a customer (O1)."""

    serializer_class = s.OrderSerializer
    permission_classes = [HasStaffPermissions]

    @property
    def required_permissions(self):
        return ("orders.add_order",) if self.request.method == "POST" else ("orders.view_order",)

    @extend_schema(parameters=[OpenApiParameter("status", str, description="Only orders in this status")])
    def get(self, request, *args, **kwargs):
        return super().get(request, *args, **kwargs)

    def get_queryset(self):
        return selectors.order_list_for_staff(status=query_text(self.request, "status"))

    @extend_schema(
        request=s.StaffOrderPlaceSerializer,
        responses={201: s.OrderPlacedSerializer, 200: s.OrderPlacedSerializer},
        parameters=[IDEMPOTENCY_HEADER],
        description="Keys an order for a customer. 201 with the order's lines and totals; `url` gives the whole "
        "order. A retry with the same Idempotency-Key answers 200 with the first order.",
    )
    def post(self, request):
        serializer = s.StaffOrderPlaceSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        return _place(
            request,
            serializer=serializer,
            customer=Customer.objects.get(pk=serializer.validated_data["customer_id"]),
            actor=Actor.staff(request.user, channel=serializer.validated_data["channel"]),
            detail_view="orders:staff-order-detail",
        )


class StaffOrderDetailView(generics.RetrieveAPIView):
    serializer_class = s.OrderDetailSerializer
    permission_classes = [HasStaffPermissions]
    required_permissions = ("orders.view_order",)

    def get_object(self):
        return selectors.order_get_for_staff(order_id=self.kwargs["pk"])


class StaffOrderAction(OrderAction):
    permission_classes = [HasStaffPermissions]

    def actor(self) -> Actor:
        return Actor.staff(self.request.user)

    def order(self, pk: int):
        return selectors.order_get_for_staff(order_id=pk)


@extend_schema(request=s.DeclineSerializer, responses=s.OrderDetailSerializer)
class StaffOrderDeclineView(StaffOrderAction):
    """O4: decline the offer with a reason; holds are released and stock returns."""

    required_permissions = ("orders.decline_order",)
    input_serializer = s.DeclineSerializer

    def act(self, order_id, data, actor):
        services.order_decline(order_id=order_id, reason=data["reason"], actor=actor)


@extend_schema(request=s.OptionalLineIdsSerializer, responses=s.OrderDetailSerializer)
class StaffOrderAllocateView(StaffOrderAction):
    """O5: allocate stock to the named lines (or every line still open)."""

    required_permissions = ("orders.allocate_order",)
    input_serializer = s.OptionalLineIdsSerializer

    def act(self, order_id, data, actor):
        services.order_lines_allocate(order_id=order_id, line_ids=data.get("line_ids"), actor=actor)


@extend_schema(request=s.DespatchSerializer, responses=s.OrderDetailSerializer)
class StaffOrderDespatchView(StaffOrderAction):
    """O8: despatch lines in one shipment with carrier and tracking."""

    required_permissions = ("orders.despatch_order",)
    input_serializer = s.DespatchSerializer

    def act(self, order_id, data, actor):
        services.order_despatch(order_id=order_id, actor=actor, **data)


@extend_schema(request=None, responses=s.OrderDetailSerializer)
class StaffOrderPriceChangeView(StaffOrderAction):
    """P7: put today's prices to the open order; the customer is asked."""

    required_permissions = ("orders.apply_price_change",)

    def act(self, order_id, data, actor):
        services.order_price_change_propose(order_id=order_id, actor=actor)


class StaffShipmentDeliveryView(APIView):
    """O9: record delivery with its evidence; risk passes."""

    permission_classes = [HasStaffPermissions]
    required_permissions = ("orders.record_delivery",)

    @extend_schema(request=s.DeliveryRecordSerializer, responses=s.ShipmentSerializer)
    def post(self, request, pk: int):
        data = s.DeliveryRecordSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        shipment = services.shipment_record_delivery(
            shipment_id=pk, actor=Actor.staff(request.user), **data.validated_data
        )
        return Response(s.ShipmentSerializer(shipment).data)


class StaffShipmentSentInErrorView(APIView):
    """O12: record items sent in error and ask for them back."""

    permission_classes = [HasStaffPermissions]
    required_permissions = ("orders.record_sent_in_error",)

    @extend_schema(request=s.SentInErrorInSerializer, responses={201: s.SentInErrorSerializer})
    def post(self, request, pk: int):
        data = s.SentInErrorInSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        record = services.shipment_record_sent_in_error(
            shipment_id=pk, actor=Actor.staff(request.user), **data.validated_data
        )
        return Response(s.SentInErrorSerializer(record).data, status=status.HTTP_201_CREATED)
