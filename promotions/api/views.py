"""Customers' own refer-a-friend pages (X3): their invitation, the friends they referred, their rewards."""

from drf_spectacular.utils import extend_schema
from rest_framework import status
from rest_framework.response import Response
from rest_framework.views import APIView

from mint_shop import clock
from mint_shop.actors import Actor
from mint_shop.api.permissions import IsCustomer
from promotions import selectors, services
from promotions.api import serializers as s


class ReferralOverviewView(APIView):
    permission_classes = [IsCustomer]

    @extend_schema(responses=s.ReferralOverviewSerializer)
    def get(self, request):
        customer = request.user.customer
        data = {
            "invitation": selectors.invitation_live_for(customer=customer, today=clock.today()),
            "referrals": selectors.referrals_list_for_referrer(customer=customer),
            "rewards": selectors.rewards_list_for_customer(customer=customer),
        }
        return Response(s.ReferralOverviewSerializer(data).data)


class ReferralJoinView(APIView):
    """Join the scheme: an invitation to share for 3 months (T&C 18.4(b))."""

    permission_classes = [IsCustomer]

    @extend_schema(request=None, responses=s.InvitationSerializer)
    def post(self, request):
        invitation = services.referral_join(customer=request.user.customer, actor=Actor.customer(request.user))
        return Response(s.InvitationSerializer(invitation).data, status=status.HTTP_201_CREATED)


class ReferralClaimView(APIView):
    """A friend takes up an invitation; their reward (valid 14 days) comes back."""

    permission_classes = [IsCustomer]

    @extend_schema(request=s.ClaimInSerializer, responses=s.RewardSerializer)
    def post(self, request):
        body = s.ClaimInSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        referral = services.referral_claim(
            friend=request.user.customer, token=body.validated_data["invitation"], actor=Actor.customer(request.user)
        )
        reward = referral.rewards.get(kind="friend")
        return Response(s.RewardSerializer(reward).data, status=status.HTTP_201_CREATED)
