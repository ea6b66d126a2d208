"""Customer-facing views: registration, the customer's own record, and representatives acting (C6).

A customer only ever reaches their own record (no id in the URL); a representative names
the customer, and is refused unless verified and not revoked.
"""

from allauth.account.adapter import get_adapter as get_account_adapter
from allauth.account.internal.flows.email_verification import send_verification_email_for_user
from drf_spectacular.utils import extend_schema
from rest_framework import generics, status
from rest_framework.permissions import AllowAny, IsAuthenticated
from rest_framework.response import Response
from rest_framework.views import APIView

from customers import selectors, services
from customers.api.base import validated
from customers.api.serializers import (
    AuthorisedPersonSerializer,
    CustomerDetailsSerializer,
    CustomerRepresentativeSerializer,
    CustomerSerializer,
    DeliveryAddressSerializer,
    RegistrationAcceptedSerializer,
    RegistrationSerializer,
)
from customers.models import Representative
from mint_shop.actors import Actor, ActorKind, Channel
from mint_shop.api.permissions import IsCustomer
from mint_shop.api.throttles import WriteRateThrottle


class RegisterView(APIView):
    """Open an account online (C1, C2). No login needed, so no session and no CSRF token either."""

    permission_classes = [AllowAny]
    authentication_classes: list = []
    throttle_classes = [WriteRateThrottle]
    throttle_scope = "register"

    @extend_schema(request=RegistrationSerializer, responses={202: RegistrationAcceptedSerializer})
    def post(self, request):
        data = validated(RegistrationSerializer, request)
        outcome = services.customer_register_online(actor=Actor(kind=ActorKind.CUSTOMER, channel=Channel.WEB), **data)
        # Both go out through the outbox (allauth's adapter): the new account's confirmation link, or,
        # for a person who already has an account, a note to its address (C2) that says so.
        if outcome.customer is not None:
            send_verification_email_for_user(request._request, outcome.customer.user)
        elif outcome.existing_email:
            get_account_adapter(request._request).send_account_already_exists_mail(outcome.existing_email)
        # The same answer either way, so nobody learns from it who is a customer (issue 14).
        detail = "Thank you. We have sent an email to the address you gave: follow it to go on."
        return Response({"detail": detail}, status=status.HTTP_202_ACCEPTED)


class CustomerAccountView(APIView):
    """Read and change one customer's details; subclasses say whose, and who is acting."""

    def customer_and_actor(self):
        raise NotImplementedError

    @extend_schema(responses=CustomerSerializer)
    def get(self, request, **kwargs):
        customer, _ = self.customer_and_actor()
        return Response(CustomerSerializer(selectors.customer_get(customer_id=customer.pk)).data)

    @extend_schema(request=CustomerDetailsSerializer, responses=CustomerSerializer)
    def patch(self, request, **kwargs):
        customer, actor = self.customer_and_actor()
        changes = validated(CustomerDetailsSerializer, request, partial=True)
        services.customer_update_details(customer_id=customer.pk, actor=actor, changes=changes)
        return Response(CustomerSerializer(selectors.customer_get(customer_id=customer.pk)).data)


class MeView(CustomerAccountView):
    """The logged-in customer's own record: there is no way to name another customer."""

    permission_classes = [IsCustomer]

    def customer_and_actor(self):
        return selectors.customer_get_for_user(user=self.request.user), Actor.customer(self.request.user)


class MyApiAccessView(APIView):
    """Issue 14: sign out everywhere: the customer's API token and every signed-in session end now,
    this one included. (allauth's DELETE /_allauth/app/v1/auth/session ends only the current one.)"""

    permission_classes = [IsCustomer]

    @extend_schema(request=None, responses={204: None})
    def delete(self, request):
        services.api_access_revoke(user_id=request.user.pk, actor=Actor.customer(request.user))
        return Response(status=status.HTTP_204_NO_CONTENT)


class RepresentedCustomerView(CustomerAccountView):
    """C6: a verified representative reads and changes the details of the customer they act for."""

    permission_classes = [IsAuthenticated]

    def customer_and_actor(self):
        return selectors.representative_acting_for(user=self.request.user, customer_id=self.kwargs["customer_id"])


class RepresentedListView(generics.ListAPIView):
    """The customers the logged-in user may act for, as a verified representative."""

    permission_classes = [IsAuthenticated]
    serializer_class = CustomerRepresentativeSerializer

    def get_queryset(self):
        return selectors.representations_for_user(user=self.request.user)


class MyAddressListView(generics.ListAPIView):
    """The customer's delivery addresses (C8)."""

    permission_classes = [IsCustomer]
    serializer_class = DeliveryAddressSerializer
    pagination_class = None

    def get_queryset(self):
        return selectors.customer_get_for_user(user=self.request.user).delivery_addresses.order_by("id")

    @extend_schema(request=DeliveryAddressSerializer, responses={201: DeliveryAddressSerializer})
    def post(self, request):
        customer = selectors.customer_get_for_user(user=request.user)
        address = services.delivery_address_add(
            customer_id=customer.pk, actor=Actor.customer(request.user), **validated(DeliveryAddressSerializer, request)
        )
        return Response(DeliveryAddressSerializer(address).data, status=status.HTTP_201_CREATED)


class MyAddressDetailView(APIView):
    permission_classes = [IsCustomer]

    @extend_schema(request=DeliveryAddressSerializer, responses=DeliveryAddressSerializer)
    def patch(self, request, pk: int):
        customer = selectors.customer_get_for_user(user=request.user)
        address = services.delivery_address_update(
            customer_id=customer.pk, address_id=pk, actor=Actor.customer(request.user),
            changes=validated(DeliveryAddressSerializer, request, partial=True),
        )
        return Response(DeliveryAddressSerializer(address).data)

    @extend_schema(responses={204: None})
    def delete(self, request, pk: int):
        customer = selectors.customer_get_for_user(user=request.user)
        services.delivery_address_remove(customer_id=customer.pk, address_id=pk, actor=Actor.customer(request.user))
        return Response(status=status.HTTP_204_NO_CONTENT)


class MyRepresentativeListView(generics.ListAPIView):
    """C6: the people the customer has asked to act for them, and authorising a new one."""

    permission_classes = [IsCustomer]
    serializer_class = CustomerRepresentativeSerializer

    def get_queryset(self):
        customer = selectors.customer_get_for_user(user=self.request.user)
        return selectors.representative_list(customer_id=customer.pk)

    @extend_schema(request=AuthorisedPersonSerializer, responses={201: CustomerRepresentativeSerializer})
    def post(self, request):
        customer = selectors.customer_get_for_user(user=request.user)
        representative = services.representative_register(
            customer_id=customer.pk,
            kind=Representative.Kind.AUTHORISED_PERSON,
            actor=Actor.customer(request.user),
            **validated(AuthorisedPersonSerializer, request),
        )
        return Response(CustomerRepresentativeSerializer(representative).data, status=status.HTTP_201_CREATED)
