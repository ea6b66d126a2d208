"""Consents through the API: the customer, a representative, staff, the unsubscribe link, inbound SMS."""

import hashlib
import hmac
import logging

from django.conf import settings
from drf_spectacular.utils import extend_schema
from rest_framework import generics, status
from rest_framework.parsers import FormParser
from rest_framework.permissions import AllowAny, IsAuthenticated
from rest_framework.response import Response
from rest_framework.views import APIView

from consents import errors, selectors, services
from consents.api.serializers import (
    ConsentChangeSerializer,
    InboundSmsResultSerializer,
    InboundSmsSerializer,
    MarketingConsentHistorySerializer,
    MarketingConsentSerializer,
    PrintRunRecipientSerializer,
    PrintRunSerializer,
    StaffConsentChangeSerializer,
    UnsubscribeResultSerializer,
)
from consents.models import MarketingConsent, PrintRun
from customers.api.base import StaffEndpoint, validated
from customers.selectors import customer_get, customer_get_for_user, representative_acting_for
from mint_shop.actors import Actor
from mint_shop.api.parsers import BoundedJSONParser as JSONParser
from mint_shop.api.permissions import IsCustomer
from mint_shop.api.throttles import ThrottledSignatureFailures
from mint_shop.errors import RuleViolation

logger = logging.getLogger(__name__)


class ConsentView(APIView):
    """One customer's marketing consents: read them, change one channel. Subclasses say whose and who acts."""

    change_serializer = ConsentChangeSerializer

    def customer_and_actor(self):
        raise NotImplementedError

    def change_arguments(self, data: dict) -> dict:
        return {"source": MarketingConsent.Source.ACCOUNT, **data}

    @extend_schema(responses=MarketingConsentSerializer(many=True))
    def get(self, request, **kwargs):
        customer, _ = self.customer_and_actor()
        consents = selectors.marketing_consent_list(customer_id=customer.pk)
        return Response(MarketingConsentSerializer(consents, many=True).data)

    @extend_schema(request=ConsentChangeSerializer, responses=MarketingConsentSerializer)
    def post(self, request, **kwargs):
        customer, actor = self.customer_and_actor()
        data = self.change_arguments(validated(self.change_serializer, request))
        consent = services.marketing_consent_set(customer_id=customer.pk, actor=actor, **data)
        return Response(MarketingConsentSerializer(consent).data)


class MyConsentView(ConsentView):
    """D1/D2: the customer's own consents; opting out here applies at once."""

    permission_classes = [IsCustomer]

    def customer_and_actor(self):
        return customer_get_for_user(user=self.request.user), Actor.customer(self.request.user)


class RepresentedConsentView(ConsentView):
    """C6: a verified representative records the customer's choices; the record names them and their capacity."""

    permission_classes = [IsAuthenticated]

    def customer_and_actor(self):
        return representative_acting_for(user=self.request.user, customer_id=self.kwargs["customer_id"])


class StaffConsentView(StaffEndpoint, ConsentView):
    """D1/D2: staff record a consent, or an opt-out received by phone, email or letter."""

    change_serializer = StaffConsentChangeSerializer
    permissions_by_method = {
        "GET": ("consents.view_marketingconsent",),
        "POST": ("consents.change_marketingconsent",),
    }

    def customer_and_actor(self):
        return customer_get(customer_id=self.kwargs["pk"]), Actor.staff(self.request.user)

    def change_arguments(self, data: dict) -> dict:
        return data

    @extend_schema(request=StaffConsentChangeSerializer, responses=MarketingConsentSerializer)
    def post(self, request, **kwargs):
        return super().post(request, **kwargs)


class StaffConsentHistoryView(StaffEndpoint, generics.ListAPIView):
    """D1: every change of the customer's consents, with who captured it and how."""

    serializer_class = MarketingConsentHistorySerializer
    permissions_by_method = {"GET": ("consents.view_marketingconsent",)}

    def get_queryset(self):
        return selectors.marketing_consent_history(customer_id=self.kwargs["pk"])


class UnsubscribeView(APIView):
    """D2: the link in every marketing email. No login, so no session or CSRF: the signed token is the key."""

    permission_classes = [AllowAny]
    authentication_classes: list = []

    @extend_schema(request=None, responses=UnsubscribeResultSerializer)
    def get(self, request, token: str):
        services.marketing_opt_out_by_unsubscribe_link(token=token)
        return Response({"detail": "You will receive no more marketing email from us."})

    @extend_schema(request=None, responses=UnsubscribeResultSerializer)
    def post(self, request, token: str):
        return self.get(request, token)


class InboundSmsWebhookView(ThrottledSignatureFailures, APIView):
    """D2: the SMS provider forwards texts here. STOP from a known number opts out of SMS marketing.

    The body must carry the provider's HMAC-SHA256 signature (X-Mint-Signature); anything
    else that is well signed gets 200 and changes nothing, so the provider does not retry.
    """

    permission_classes = [AllowAny]
    authentication_classes: list = []
    parser_classes = [JSONParser, FormParser]
    signature_failures = (errors.SMS_SIGNATURE_INVALID,)

    @extend_schema(request=InboundSmsSerializer, responses=InboundSmsResultSerializer)
    def post(self, request):
        expected = hmac.new(settings.MINT_SMS_WEBHOOK_SECRET.encode(), request.body, hashlib.sha256).hexdigest()
        if not hmac.compare_digest(expected, request.headers.get("X-Mint-Signature", "")):
            logger.warning("inbound sms: bad signature; ignored")
            raise RuleViolation(errors.SMS_SIGNATURE_INVALID, "The signature does not match.")
        data = validated(InboundSmsSerializer, request)
        opted_out = services.marketing_opt_out_by_sms(from_number=data["from"], body=data["body"])
        return Response({"opted_out": opted_out})


class StaffPrintRunListView(StaffEndpoint, generics.ListAPIView):
    """D2: postal mailings; a new one's list stays live until it is printed."""

    serializer_class = PrintRunSerializer
    permissions_by_method = {"GET": ("consents.view_printrun",), "POST": ("consents.add_printrun",)}

    def get_queryset(self):
        return selectors.print_run_list()

    @extend_schema(request=PrintRunSerializer, responses={201: PrintRunSerializer})
    def post(self, request):
        run = services.print_run_create(actor=Actor.staff(request.user), **validated(PrintRunSerializer, request))
        return Response(PrintRunSerializer(run).data, status=status.HTTP_201_CREATED)


class StaffPrintRunPrintView(StaffEndpoint, APIView):
    """D2: the run is printed; its list freezes now."""

    permissions_by_method = {"POST": ("consents.change_printrun",)}

    @extend_schema(request=None, responses=PrintRunSerializer)
    def post(self, request, pk: int):
        run = services.print_run_mark_printed(print_run_id=pk, actor=Actor.staff(request.user))
        return Response(PrintRunSerializer(run).data)


class StaffPrintRunRecipientsView(StaffEndpoint, generics.ListAPIView):
    """Who the run goes to: the frozen list once printed, else who it would go to if printed now."""

    serializer_class = PrintRunRecipientSerializer
    permissions_by_method = {"GET": ("consents.view_printrunrecipient",)}

    def get_queryset(self):
        return selectors.print_run_recipients(print_run=PrintRun.objects.get(pk=self.kwargs["pk"]))
