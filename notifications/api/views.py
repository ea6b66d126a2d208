from django.http import HttpResponse
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import generics
from rest_framework.response import Response
from rest_framework.views import APIView

from mint_shop.actors import Actor
from mint_shop.api.permissions import HasStaffPermissions
from mint_shop.api.query import query_text
from notifications import selectors, services
from notifications.api.serializers import MessageSerializer


class StaffMessageListView(generics.ListAPIView):
    """The outbox as staff see it: every message with its status, attempts and times (N4)."""

    serializer_class = MessageSerializer
    permission_classes = [HasStaffPermissions]
    required_permissions = ("notifications.view_message",)

    @extend_schema(parameters=[OpenApiParameter("status", str, description="Only messages in this status")])
    def get(self, request, *args, **kwargs):
        return super().get(request, *args, **kwargs)

    def get_queryset(self):
        return selectors.message_list_for_staff(status=query_text(self.request, "status"))


class StaffPrintQueueExportView(APIView):
    """Export the letters waiting to be printed as CSV; they are marked posted."""

    permission_classes = [HasStaffPermissions]
    required_permissions = ("notifications.export_print_queue",)

    @extend_schema(request=None, responses={(200, "text/csv"): str})
    def post(self, request):
        csv_text = services.print_queue_export(actor=Actor.staff(request.user))
        response = HttpResponse(csv_text, content_type="text/csv")
        response["Content-Disposition"] = 'attachment; filename="print-queue.csv"'
        return response


class StaffCallTaskCompleteView(APIView):
    permission_classes = [HasStaffPermissions]
    required_permissions = ("notifications.work_call_queue",)

    @extend_schema(request=None, responses=MessageSerializer)
    def post(self, request, pk: int):
        message = services.call_task_complete(message_id=pk, actor=Actor.staff(request.user))
        return Response(MessageSerializer(message).data)
