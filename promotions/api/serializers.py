from rest_framework import serializers

from promotions.models import Referral, ReferralInvitation, Reward


class InvitationSerializer(serializers.ModelSerializer):
    class Meta:
        model = ReferralInvitation
        fields = ["token", "joined_at", "expires_on"]
        read_only_fields = fields


class RewardSerializer(serializers.ModelSerializer):
    kind = serializers.CharField(read_only=True, help_text="friend or referrer")
    status = serializers.CharField(read_only=True, help_text="available, used or refused")

    class Meta:
        model = Reward
        fields = ["code", "kind", "amount_pence", "min_spend_pence", "issued_at", "expires_on", "status"]
        read_only_fields = fields


class ReferralSerializer(serializers.ModelSerializer):
    """A friend the customer referred: where their reward stands (the friend's identity is not shown)."""

    status = serializers.CharField(read_only=True)

    class Meta:
        model = Referral
        fields = ["id", "status", "claimed_at", "purchased_at", "earn_on", "refused_reason"]
        read_only_fields = fields


class ReferralOverviewSerializer(serializers.Serializer):
    invitation = InvitationSerializer(allow_null=True)
    referrals = ReferralSerializer(many=True)
    rewards = RewardSerializer(many=True)


class ClaimInSerializer(serializers.Serializer):
    invitation = serializers.CharField(max_length=40)
