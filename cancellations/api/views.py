"""Customer and staff endpoints for cancellations, returns, faulty goods and the refund queue."""

from django.http import HttpResponse
from drf_spectacular.utils import extend_schema
from rest_framework import generics, status
from rest_framework.response import Response
from rest_framework.views import APIView

from cancellations import selectors, services
from cancellations.api import serializers as s
from customers.selectors import customer_get_for_user
from mint_shop.actors import Actor
from mint_shop.api.permissions import HasStaffPermissions, IsCustomer


def _outcome(outcome) -> Response:
    cancellations = [selectors.cancellation_get_for_staff(cancellation_id=c.pk) for c in outcome.cancellations]
    body = s.CancelOutSerializer(
        {
            "withdrawn_line_ids": outcome.withdrawn_line_ids,
            "cancellation": cancellations[-1] if cancellations else None,
            "cancellations": cancellations,
        }
    )
    return Response(body.data, status=status.HTTP_201_CREATED)


# ---- customers: their own orders only ------------------------------------------------------


class CancellableLineListView(APIView):
    """R1, R6, R8: the customer's lines they may cancel, with the last day for each."""

    permission_classes = [IsCustomer]

    @extend_schema(responses=s.CancellableLineSerializer(many=True))
    def get(self, request):
        lines = selectors.cancellable_lines_for_customer(customer=customer_get_for_user(user=request.user))
        return Response(s.CancellableLineSerializer(lines, many=True).data)


class CancellationListCreateView(generics.ListAPIView):
    """The customer's cancellations and their refunds; POST cancels lines online (R2)."""

    permission_classes = [IsCustomer]
    serializer_class = s.CancellationSerializer

    def get_queryset(self):
        return selectors.cancellations_for_customer(customer=customer_get_for_user(user=self.request.user))

    @extend_schema(request=s.CancelInSerializer, responses={201: s.CancelOutSerializer})
    def post(self, request):
        data = s.CancelInSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        return _outcome(
            services.cancellation_request(
                **data.validated_data,
                customer=customer_get_for_user(user=request.user),
                actor=Actor.customer(request.user),
            )
        )


class FaultClaimCreateView(APIView):
    """R7: the customer reports a delivered product faulty."""

    permission_classes = [IsCustomer]

    @extend_schema(request=s.FaultClaimInSerializer, responses={201: s.FaultClaimSerializer})
    def post(self, request):
        data = s.FaultClaimInSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        claim = services.fault_claim_open(
            **data.validated_data,
            customer=customer_get_for_user(user=request.user),
            actor=Actor.customer(request.user),
        )
        return Response(s.FaultClaimSerializer(claim).data, status=status.HTTP_201_CREATED)


# ---- staff --------------------------------------------------------------------------------


class StaffNoticeView(APIView):
    """R2: customer service records a notice that came by letter or email, with when it was sent and arrived."""

    permission_classes = [HasStaffPermissions]
    required_permissions = ("cancellations.record_notice",)

    @extend_schema(request=s.NoticeInSerializer, responses={201: s.CancelOutSerializer})
    def post(self, request):
        data = s.NoticeInSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        values = data.validated_data
        return _outcome(
            services.cancellation_request(
                order_id=values["order_id"],
                line_ids=values["line_ids"],
                notice_channel=values["channel"],
                notice_received_on=values["received_on"],
                notice_sent_on=values.get("postmarked_on"),
                notice_sent_at=values.get("sent_at"),
                actor=Actor.staff(request.user, channel=values["channel"]),
            )
        )


class StaffReturnView(APIView):
    """R3: the goods of a cancellation came back (or evidence of their posting)."""

    permission_classes = [HasStaffPermissions]
    required_permissions = ("cancellations.record_return",)

    @extend_schema(request=s.ReturnInSerializer, responses={201: s.CancellationSerializer})
    def post(self, request, pk: int):
        data = s.ReturnInSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        services.goods_return_record(cancellation_id=pk, **data.validated_data, actor=Actor.staff(request.user))
        cancellation = selectors.cancellation_get_for_staff(cancellation_id=pk)
        return Response(s.CancellationSerializer(cancellation).data, status=status.HTTP_201_CREATED)


class StaffFaultDecisionView(APIView):
    """R7: the examination's outcome (written to the customer); faulty with a refund cancels the line."""

    permission_classes = [HasStaffPermissions]
    required_permissions = ("cancellations.examine_fault_claim",)

    @extend_schema(request=s.FaultDecisionInSerializer, responses=s.FaultClaimSerializer)
    def post(self, request, pk: int):
        data = s.FaultDecisionInSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        claim = services.fault_claim_decide(claim_id=pk, **data.validated_data, actor=Actor.staff(request.user))
        return Response(s.FaultClaimSerializer(claim).data)


class RefundQueueView(generics.ListAPIView):
    """R5: refunds owed and not yet paid, most urgent legal deadline first."""

    permission_classes = [HasStaffPermissions]
    required_permissions = ("cancellations.work_refund_queue",)
    serializer_class = s.CancellationSerializer

    def get_queryset(self):
        return selectors.refund_queue()


class RefundQueueCsvView(APIView):
    permission_classes = [HasStaffPermissions]
    required_permissions = ("cancellations.work_refund_queue",)

    @extend_schema(responses={(200, "text/csv"): str})
    def get(self, request):
        response = HttpResponse(selectors.refund_queue_csv(), content_type="text/csv")
        response["Content-Disposition"] = 'attachment; filename="refund-queue.csv"'
        return response


class RefundGrantView(APIView):
    """M8: finance asks payments for a cancellation's refund now (it is also asked for automatically)."""

    permission_classes = [HasStaffPermissions]
    required_permissions = ("cancellations.work_refund_queue",)

    @extend_schema(request=None, responses=s.CancellationSerializer)
    def post(self, request, pk: int):
        services.cancellation_refund_grant(cancellation_id=pk, actor=Actor.staff(request.user))
        return Response(s.CancellationSerializer(selectors.cancellation_get_for_staff(cancellation_id=pk)).data)
