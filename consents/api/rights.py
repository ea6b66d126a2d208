"""Data rights through the API (D6–D12): customers' own requests and downloads; compliance's queue and registers."""

import csv
import io

from django.core import signing
from django.http import HttpResponse
from drf_spectacular.utils import extend_schema, inline_serializer
from rest_framework import generics, serializers
from rest_framework.response import Response
from rest_framework.views import APIView

from consents import data_requests, errors, register, retention, selectors_rights
from consents.export_link import export_token_read, export_url
from consents.models import DataRequest, SpecialCategoryRecord
from consents.purposes import purpose_register
from consents.schedule import retention_schedule
from customers.api.base import StaffEndpoint, validated
from customers.selectors import customer_get, customer_get_for_user
from mint_shop.actors import Actor
from mint_shop.api.permissions import IsCustomer
from mint_shop.api.query import query_id
from mint_shop.api.throttles import WriteRateThrottle
from mint_shop.errors import NOT_FOUND, RuleViolation


class DataRequestSerializer(serializers.ModelSerializer):
    answer_due_on = serializers.DateField(read_only=True)
    export_url = serializers.SerializerMethodField()

    class Meta:
        model = DataRequest
        fields = ["id", "customer", "kind", "status", "received_at", "received_via", "details", "corrections",
                  "identity_check", "identity_checked_at", "due_on", "extended_due_on", "extension_reason",
                  "answer_due_on", "completed_at", "outcome", "export_url"]

    def get_export_url(self, request: DataRequest) -> str | None:
        return export_url(request.pk) if request.export is not None else None


class DataRequestCreateSerializer(serializers.Serializer):
    kind = serializers.ChoiceField(choices=DataRequest.Kind.choices)
    details = serializers.CharField(required=False, allow_blank=True, default="")
    corrections = serializers.DictField(child=serializers.CharField(allow_blank=True), required=False, default=dict)


class StaffDataRequestCreateSerializer(DataRequestCreateSerializer):
    customer_id = serializers.IntegerField()
    received_at = serializers.DateTimeField()
    received_via = serializers.ChoiceField(choices=["phone", "email", "letter"])


class TextSerializer(serializers.Serializer):
    text = serializers.CharField()


class MonthsSerializer(serializers.Serializer):
    months = serializers.IntegerField(min_value=0)


def _texts(*names: str) -> dict:
    return {name: serializers.CharField() for name in names}


# Read-only shapes of the registers, for the OpenAPI schema.
SHARING_ENTRIES = inline_serializer("SharingEntry", {
    **_texts("recipient", "recipient_kind", "what", "purpose", "legal_basis", "safeguard"),
    "customer_id": serializers.IntegerField(), "shared_at": serializers.DateTimeField()}, many=True)
PURPOSES = inline_serializer("ProcessingPurpose", _texts("code", "purpose", "basis", "data"), many=True)
RETENTION_SCHEDULE = inline_serializer("RetentionRecordType", {
    **_texts("record_type", "what", "source", "purpose"),
    "months": serializers.IntegerField(), "minimum_months": serializers.IntegerField()}, many=True)


class SpecialCategorySerializer(serializers.ModelSerializer):
    explicit_consent = serializers.BooleanField(write_only=True)

    class Meta:
        model = SpecialCategoryRecord
        fields = ["id", "category", "details", "consent_wording", "consented_at", "explicit_consent"]
        read_only_fields = ["consented_at"]
        extra_kwargs = {"consent_wording": {"allow_blank": True}}  # the service says why it is needed (D10)


def _my_request(request, pk: int) -> DataRequest:
    """D6: a customer reaches only their own requests; another's is answered as if it did not exist."""
    customer = customer_get_for_user(user=request.user)
    found = DataRequest.objects.filter(pk=pk, customer=customer).first()
    if found is None:
        raise RuleViolation(errors.DATA_REQUEST_NOT_YOURS, "No such data request of yours.")
    return found


class MyDataRequestListView(APIView):
    """D6: the customer asks for access, rectification, erasure, restriction, objection or portability."""

    permission_classes = [IsCustomer]
    throttle_classes = [WriteRateThrottle]
    throttle_scope = "data_requests"

    @extend_schema(responses=DataRequestSerializer(many=True))
    def get(self, request):
        customer = customer_get_for_user(user=request.user)
        return Response(DataRequestSerializer(selectors_rights.data_requests_for_customer(customer_id=customer.pk),
                                              many=True).data)

    @extend_schema(request=DataRequestCreateSerializer, responses=DataRequestSerializer)
    def post(self, request):
        customer = customer_get_for_user(user=request.user)
        made = data_requests.data_request_make(customer_id=customer.pk, actor=Actor.customer(request.user),
                                               identity_check=data_requests.ONLINE_IDENTITY_CHECK,
                                               **validated(DataRequestCreateSerializer, request))
        return Response(DataRequestSerializer(made).data, status=201)


class MyDataRequestDetailView(APIView):
    permission_classes = [IsCustomer]

    @extend_schema(responses=DataRequestSerializer)
    def get(self, request, pk: int):
        return Response(DataRequestSerializer(_my_request(request, pk)).data)


def export_csv(export: dict) -> str:
    """The spreadsheet form of an answer: one row per personal field (app, record, row id, field, value)."""
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(["app", "record", "id", "field", "value"])
    for app, records in export["personal_data"].items():
        for record, rows in records.items():
            for row in rows:
                for name, value in row.items():
                    if name != "id":
                        writer.writerow([app, record, row.get("id"), name, "" if value is None else value])
    return out.getvalue()


class MyDataRequestExportView(APIView):
    """D6: the answer to an access or portability request, by a signed link that expires. JSON or CSV."""

    permission_classes = [IsCustomer]

    @extend_schema(responses={(200, "application/json"): dict, (200, "text/csv"): str})
    def get(self, request, pk: int):
        found = _my_request(request, pk)
        try:
            token_id = export_token_read(request.query_params.get("token", ""))
        except signing.SignatureExpired as exc:
            raise RuleViolation(errors.EXPORT_LINK_EXPIRED, "This download link has expired.") from exc
        except (signing.BadSignature, ValueError) as exc:
            raise RuleViolation(errors.EXPORT_LINK_INVALID, "This download link is not valid.") from exc
        if token_id != found.pk:
            raise RuleViolation(errors.EXPORT_LINK_INVALID, "This download link is not valid.")
        if found.export is None:
            raise RuleViolation(errors.EXPORT_NOT_READY, "Your data is not ready to download.")
        if request.query_params.get("as") == "csv":
            response = HttpResponse(export_csv(found.export), content_type="text/csv")
            response["Content-Disposition"] = f'attachment; filename="my-data-{found.pk}.csv"'
            return response
        response = Response(found.export)
        response["Content-Disposition"] = f'attachment; filename="my-data-{found.pk}.json"'
        return response


class StaffDataRequestQueueView(StaffEndpoint, generics.ListCreateAPIView):
    """D6: compliance's queue, open requests first in answer-by order; staff key requests received by post or phone."""

    serializer_class = DataRequestSerializer
    permissions_by_method = {"GET": ("consents.view_datarequest",), "POST": ("consents.add_datarequest",)}

    def get_queryset(self):
        return selectors_rights.data_request_queue()

    @extend_schema(request=StaffDataRequestCreateSerializer, responses=DataRequestSerializer)
    def post(self, request):
        data = validated(StaffDataRequestCreateSerializer, request)
        customer_get(customer_id=data["customer_id"])
        made = data_requests.data_request_make(actor=Actor.staff(request.user), **data)
        return Response(DataRequestSerializer(made).data, status=201)


class StaffDataRequestActionView(StaffEndpoint, APIView):
    """D6: check identity, extend (with the reason), or answer a request."""

    permissions_by_method = {"POST": ("consents.change_datarequest",)}

    @extend_schema(request=TextSerializer, responses=DataRequestSerializer, operation_id="staff_data_request_act")
    def post(self, request, pk: int, action: str):
        actor = Actor.staff(request.user)
        if not DataRequest.objects.filter(pk=pk).exists():
            raise RuleViolation(NOT_FOUND, "No such data request.")
        if action == "identity":
            done = data_requests.data_request_identity_check(
                data_request_id=pk, how=validated(TextSerializer, request)["text"], actor=actor)
        elif action == "extend":
            done = data_requests.data_request_extend(
                data_request_id=pk, reason=validated(TextSerializer, request)["text"], actor=actor)
        elif action == "answer":
            done = data_requests.data_request_answer(data_request_id=pk, actor=actor)
        else:
            raise RuleViolation(NOT_FOUND, f"No action {action!r} on a data request.")
        return Response(DataRequestSerializer(done).data)


class StaffSharingRegisterView(StaffEndpoint, APIView):
    """D9: what personal data went to which third party, when, why, on what basis, with what safeguard."""

    permissions_by_method = {"GET": ("consents.view_sharing_register",)}

    @extend_schema(responses=SHARING_ENTRIES)
    def get(self, request):
        entries = register.sharing_register(customer_id=query_id(request, "customer"))
        return Response([{**entry.__dict__, "shared_at": entry.shared_at.isoformat(),
                          "legal_basis": selectors_rights.purpose_basis(entry.purpose)} for entry in entries])


class StaffProcessingPurposesView(StaffEndpoint, APIView):
    """D11: each kind of processing, its purpose and legal basis."""

    permissions_by_method = {"GET": ("consents.view_datarequest",)}

    @extend_schema(responses=PURPOSES)
    def get(self, request):
        return Response(purpose_register())


class StaffRetentionScheduleView(StaffEndpoint, APIView):
    """D8: the schedule: each record type, its period, the law it comes from, its minimum."""

    permissions_by_method = {"GET": ("consents.manage_retention",)}

    @extend_schema(responses=RETENTION_SCHEDULE)
    def get(self, request):
        return Response(retention_schedule())


class StaffRetentionPeriodView(StaffEndpoint, APIView):
    """D8: compliance changes one period, never below the legal minimum."""

    permissions_by_method = {"PUT": ("consents.manage_retention",)}

    @extend_schema(request=MonthsSerializer, responses=RETENTION_SCHEDULE)
    def put(self, request, record_type: str):
        retention.retention_period_set(record_type=record_type, actor=Actor.staff(request.user),
                                       **validated(MonthsSerializer, request))
        return Response(retention_schedule())


class StaffSpecialCategoryView(StaffEndpoint, APIView):
    """D10: health, vulnerability and capacity notes: their own permission to read and to record."""

    permissions_by_method = {"GET": ("consents.view_specialcategoryrecord",),
                             "POST": ("consents.add_specialcategoryrecord",)}

    @extend_schema(responses=SpecialCategorySerializer(many=True))
    def get(self, request, pk: int):
        return Response(SpecialCategorySerializer(SpecialCategoryRecord.objects.filter(customer_id=pk),
                                                  many=True).data)

    @extend_schema(request=SpecialCategorySerializer, responses=SpecialCategorySerializer)
    def post(self, request, pk: int):
        customer_get(customer_id=pk)
        record = register.special_category_record(customer_id=pk, actor=Actor.staff(request.user),
                                                  **validated(SpecialCategorySerializer, request))
        return Response(SpecialCategorySerializer(record).data, status=201)
