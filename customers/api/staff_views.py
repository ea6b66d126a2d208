"""Staff views under /api/v1/staff/customers/: customer service and compliance (mint_shop/roles.py)."""

from django.http import FileResponse
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import generics, status
from rest_framework.parsers import FormParser, MultiPartParser
from rest_framework.response import Response
from rest_framework.views import APIView

from customers import selectors, services
from customers.api.base import StaffEndpoint, validated
from customers.api.serializers import (
    ApiAccessRevocationSerializer,
    CallRecordingCreateSerializer,
    CallRecordingSerializer,
    ContactLogEntrySerializer,
    CustomerDetailsSerializer,
    DeceasedSerializer,
    DueDiligenceCheckCreateSerializer,
    DueDiligenceCheckSerializer,
    DueDiligenceCheckUpdateSerializer,
    EvidenceDocumentSerializer,
    EvidenceUploadSerializer,
    KeyedRegistrationSerializer,
    ReasonSerializer,
    RecordingPauseSerializer,
    RepresentativeCreateSerializer,
    RepresentativeSerializer,
    RepresentativeVerifySerializer,
    SourceOfFundsCreateSerializer,
    SourceOfFundsDecideSerializer,
    SourceOfFundsSerializer,
    StaffCustomerSerializer,
)
from customers.models import DueDiligenceCheck
from customers.uploads import DOCUMENT_SIGNATURES
from mint_shop.actors import Actor
from mint_shop.api.parsers import BoundedJSONParser as JSONParser
from mint_shop.api.query import query_text

VIEW = "customers.view_customer"
DUE_DILIGENCE = "customers.view_due_diligence"


def _staff(request) -> Actor:
    return Actor.staff(request.user)


class StaffCustomerListView(StaffEndpoint, generics.ListAPIView):
    """Find customers by name, email, phone or postcode (one search box); key a phone or postal registration."""

    serializer_class = StaffCustomerSerializer
    permissions_by_method = {"GET": (VIEW,), "POST": ("customers.add_customer",)}

    def get_queryset(self):
        return selectors.customer_list_for_staff(search=query_text(self.request, "search") or "")

    @extend_schema(parameters=[OpenApiParameter("search", str, description="Name, email, phone or postcode")])
    def get(self, request, *args, **kwargs):
        return super().get(request, *args, **kwargs)

    @extend_schema(request=KeyedRegistrationSerializer, responses={201: StaffCustomerSerializer})
    def post(self, request):
        data = validated(KeyedRegistrationSerializer, request)
        actor = Actor.staff(request.user, channel=data.pop("channel"))
        customer = services.customer_register(actor=actor, **data)
        return Response(StaffCustomerSerializer(customer).data, status=status.HTTP_201_CREATED)


class StaffCustomerDetailView(StaffEndpoint, APIView):
    permissions_by_method = {"GET": (VIEW,), "PATCH": ("customers.change_customer",)}

    @extend_schema(responses=StaffCustomerSerializer)
    def get(self, request, pk: int):
        return Response(StaffCustomerSerializer(selectors.customer_get(customer_id=pk)).data)

    @extend_schema(request=CustomerDetailsSerializer, responses=StaffCustomerSerializer)
    def patch(self, request, pk: int):
        changes = validated(CustomerDetailsSerializer, request, partial=True)
        services.customer_update_details(customer_id=pk, actor=_staff(request), changes=changes)
        return Response(StaffCustomerSerializer(selectors.customer_get(customer_id=pk)).data)


class StaffCustomerRestrictView(StaffEndpoint, APIView):
    """C3: refuse supply (restrict) or lift it; the reason is required either way."""

    permissions_by_method = {"POST": ("customers.restrict_customer",)}
    service = staticmethod(services.customer_restrict)

    @extend_schema(request=ReasonSerializer, responses=StaffCustomerSerializer)
    def post(self, request, pk: int):
        customer = self.service(customer_id=pk, actor=_staff(request), **validated(ReasonSerializer, request))
        return Response(StaffCustomerSerializer(customer).data)


class StaffCustomerLiftRestrictionView(StaffCustomerRestrictView):
    service = staticmethod(services.customer_restriction_lift)


class StaffCustomerDeceasedView(StaffEndpoint, APIView):
    """C7: record a death; marketing stops at once and open orders are flagged for review."""

    permissions_by_method = {"POST": ("customers.mark_customer_deceased",)}

    @extend_schema(request=DeceasedSerializer, responses=StaffCustomerSerializer)
    def post(self, request, pk: int):
        customer = services.customer_mark_deceased(
            customer_id=pk, actor=_staff(request), **validated(DeceasedSerializer, request)
        )
        return Response(StaffCustomerSerializer(customer).data)


class StaffCustomerApiAccessRevokeView(StaffEndpoint, APIView):
    """Issue 14: end the customer's API token and every signed-in session (a lost phone, a suspected
    takeover); recorded with who did it."""

    permissions_by_method = {"POST": ("customers.revoke_api_access",)}

    @extend_schema(request=ApiAccessRevocationSerializer, responses={201: ApiAccessRevocationSerializer})
    def post(self, request, pk: int):
        revocation = services.customer_api_access_revoke(
            customer_id=pk, actor=_staff(request), **validated(ApiAccessRevocationSerializer, request)
        )
        return Response(ApiAccessRevocationSerializer(revocation).data, status=status.HTTP_201_CREATED)


class StaffCheckListView(StaffEndpoint, generics.ListAPIView):
    """C4: a customer's checks and their evidence (staff with view_due_diligence only)."""

    serializer_class = DueDiligenceCheckSerializer
    permissions_by_method = {"GET": (DUE_DILIGENCE,), "POST": (DUE_DILIGENCE, "customers.add_duediligencecheck")}

    def get_queryset(self):
        return selectors.due_diligence_check_list(customer_id=self.kwargs["pk"])

    @extend_schema(request=DueDiligenceCheckCreateSerializer, responses={201: DueDiligenceCheckSerializer})
    def post(self, request, pk: int):
        data = validated(DueDiligenceCheckCreateSerializer, request)
        check = services.due_diligence_check_create(
            customer_id=pk, actor=_staff(request), representative_id=data.pop("representative"), **data
        )
        return Response(DueDiligenceCheckSerializer(check).data, status=status.HTTP_201_CREATED)


class StaffCheckDetailView(StaffEndpoint, APIView):
    permissions_by_method = {"PATCH": (DUE_DILIGENCE, "customers.change_duediligencecheck")}

    @extend_schema(request=DueDiligenceCheckUpdateSerializer, responses=DueDiligenceCheckSerializer)
    def patch(self, request, pk: int):
        check = services.due_diligence_check_update(
            check_id=pk, actor=_staff(request), **validated(DueDiligenceCheckUpdateSerializer, request)
        )
        return Response(DueDiligenceCheckSerializer(check).data)


class StaffEvidenceUploadView(StaffEndpoint, APIView):
    """Upload evidence (PDF, JPEG or PNG) for a check, a representative's appointment or source of funds.

    One view for the three subjects: `subject_model` and `subject_argument` are set in urls.py.
    """

    parser_classes = [MultiPartParser, FormParser]
    permissions_by_method = {"POST": ("customers.add_evidencedocument",)}
    subject_model: type = DueDiligenceCheck
    subject_argument = "check_id"

    @extend_schema(request=EvidenceUploadSerializer, responses={201: EvidenceDocumentSerializer})
    def post(self, request, pk: int):
        data = validated(EvidenceUploadSerializer, request)
        subject = self.subject_model.objects.only("customer_id").get(pk=pk)
        document = services.evidence_document_add(
            customer_id=subject.customer_id,
            upload=data["file"],
            description=data["description"],
            actor=_staff(request),
            **{self.subject_argument: pk},
        )
        return Response(EvidenceDocumentSerializer(document).data, status=status.HTTP_201_CREATED)


class StaffEvidenceDownloadView(StaffEndpoint, APIView):
    """The evidence file itself, through Django's storage API (view_due_diligence only)."""

    permissions_by_method = {"GET": (DUE_DILIGENCE,)}

    @extend_schema(
        responses={(200, content_type): OpenApiTypes.BINARY for content_type in DOCUMENT_SIGNATURES.values()}
    )
    def get(self, request, pk: int):
        document = selectors.evidence_document_get(document_id=pk)
        return FileResponse(
            document.file.open("rb"), content_type=document.content_type, filename=document.original_name
        )


class StaffSourceOfFundsListView(StaffEndpoint, generics.ListAPIView):
    """C5: a customer's source-of-funds requests, and asking for one on an order."""

    serializer_class = SourceOfFundsSerializer
    permissions_by_method = {"GET": (DUE_DILIGENCE,), "POST": (DUE_DILIGENCE, "customers.add_sourceoffundsrequest")}

    def get_queryset(self):
        return selectors.source_of_funds_list(customer_id=self.kwargs["pk"])

    @extend_schema(request=SourceOfFundsCreateSerializer, responses={201: SourceOfFundsSerializer})
    def post(self, request, pk: int):
        data = validated(SourceOfFundsCreateSerializer, request)
        sof = services.source_of_funds_request_create(
            customer_id=pk, order_id=data["order"], due_on=data["due_on"], notes=data["notes"], actor=_staff(request)
        )
        return Response(SourceOfFundsSerializer(sof).data, status=status.HTTP_201_CREATED)


class StaffSourceOfFundsForCancellationView(StaffEndpoint, generics.ListAPIView):
    """C5: refused or overdue requests whose order must be cancelled and refunded."""

    serializer_class = SourceOfFundsSerializer
    permissions_by_method = {"GET": (DUE_DILIGENCE,)}

    def get_queryset(self):
        return selectors.source_of_funds_list_for_cancellation().prefetch_related("documents")


class StaffSourceOfFundsDecideView(StaffEndpoint, APIView):
    permissions_by_method = {"POST": (DUE_DILIGENCE, "customers.change_sourceoffundsrequest")}

    @extend_schema(request=SourceOfFundsDecideSerializer, responses=SourceOfFundsSerializer)
    def post(self, request, pk: int):
        sof = services.source_of_funds_decide(
            request_id=pk, actor=_staff(request), **validated(SourceOfFundsDecideSerializer, request)
        )
        return Response(SourceOfFundsSerializer(sof).data)


class StaffRepresentativeListView(StaffEndpoint, generics.ListAPIView):
    """C6/C7: a customer's representatives; registering one (it waits for verification)."""

    serializer_class = RepresentativeSerializer
    permissions_by_method = {"GET": ("customers.view_representative",), "POST": ("customers.add_representative",)}

    def get_queryset(self):
        return selectors.representative_list(customer_id=self.kwargs["pk"])

    @extend_schema(request=RepresentativeCreateSerializer, responses={201: RepresentativeSerializer})
    def post(self, request, pk: int):
        data = validated(RepresentativeCreateSerializer, request)
        representative = services.representative_register(
            customer_id=pk, actor=_staff(request), user_id=data.pop("user"), **data
        )
        return Response(RepresentativeSerializer(representative).data, status=status.HTTP_201_CREATED)


class StaffRepresentativeVerifyView(StaffEndpoint, APIView):
    permissions_by_method = {"POST": ("customers.verify_representative",)}

    @extend_schema(request=RepresentativeVerifySerializer, responses=RepresentativeSerializer)
    def post(self, request, pk: int):
        data = validated(RepresentativeVerifySerializer, request)
        representative = services.representative_verify(representative_id=pk, actor=_staff(request),
                                                        user_id=data["user"])
        return Response(RepresentativeSerializer(representative).data)


class StaffRepresentativeRevokeView(StaffEndpoint, APIView):
    permissions_by_method = {"POST": ("customers.verify_representative",)}

    @extend_schema(request=ReasonSerializer, responses=RepresentativeSerializer)
    def post(self, request, pk: int):
        representative = services.representative_revoke(
            representative_id=pk, actor=_staff(request), **validated(ReasonSerializer, request)
        )
        return Response(RepresentativeSerializer(representative).data)


class StaffContactLogView(StaffEndpoint, generics.ListAPIView):
    """C9: the customer's contact log, and a new entry for a letter, email or call."""

    serializer_class = ContactLogEntrySerializer
    permissions_by_method = {"GET": ("customers.view_contactlogentry",), "POST": ("customers.add_contactlogentry",)}

    def get_queryset(self):
        return selectors.contact_log_list(customer_id=self.kwargs["pk"])

    @extend_schema(request=ContactLogEntrySerializer, responses={201: ContactLogEntrySerializer})
    def post(self, request, pk: int):
        entry = services.contact_log_record(
            customer_id=pk, actor=_staff(request), **validated(ContactLogEntrySerializer, request)
        )
        return Response(ContactLogEntrySerializer(entry).data, status=status.HTTP_201_CREATED)


class StaffCallRecordingListView(StaffEndpoint, generics.ListAPIView):
    """C10: the customer's recorded calls, and recording a new one (files optional, multipart)."""

    serializer_class = CallRecordingSerializer
    parser_classes = [MultiPartParser, FormParser, JSONParser]
    permissions_by_method = {"GET": ("customers.view_callrecording",), "POST": ("customers.add_callrecording",)}

    def get_queryset(self):
        return selectors.call_recording_list(customer_id=self.kwargs["pk"])

    @extend_schema(request=CallRecordingCreateSerializer, responses={201: CallRecordingSerializer})
    def post(self, request, pk: int):
        recording = services.call_recording_record(
            customer_id=pk, actor=_staff(request), **validated(CallRecordingCreateSerializer, request)
        )
        return Response(CallRecordingSerializer(recording).data, status=status.HTTP_201_CREATED)


class StaffCallPauseView(StaffEndpoint, APIView):
    """C10: record that the recording was paused while a card was keyed."""

    permissions_by_method = {"POST": ("customers.add_recordingpause",)}

    @extend_schema(request=RecordingPauseSerializer, responses={201: RecordingPauseSerializer})
    def post(self, request, pk: int):
        pause = services.call_recording_pause_record(
            recording_id=pk, actor=_staff(request), **validated(RecordingPauseSerializer, request)
        )
        return Response(RecordingPauseSerializer(pause).data, status=status.HTTP_201_CREATED)


class StaffCallTranscriptTransferView(StaffEndpoint, APIView):
    """C10: the transcript went to the US processor under standard contractual clauses."""

    permissions_by_method = {"POST": ("customers.change_callrecording",)}

    @extend_schema(request=None, responses=CallRecordingSerializer)
    def post(self, request, pk: int):
        recording = services.call_recording_transcript_transfer_record(recording_id=pk, actor=_staff(request))
        return Response(CallRecordingSerializer(recording).data)

