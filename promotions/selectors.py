"""Reads for promotions, shaped for their callers."""

import datetime as dt

from dateutil.relativedelta import relativedelta
from django.db.models import Q

from promotions.models import Redemption, Referral, ReferralInvitation, ReferralScheme, Reward, referral_scheme_defaults


def referral_scheme_get() -> ReferralScheme:
    """The scheme's amounts and limits (X3), created from the settings' defaults the first time."""
    scheme, _ = ReferralScheme.objects.get_or_create(pk=1, defaults=referral_scheme_defaults())
    return scheme


def months_after(day: dt.date, months: int) -> dt.date:
    """The same day `months` later; 31 January + 1 month is 28 (or 29) February."""
    return day + relativedelta(months=months)


def invitation_live_for(*, customer, today: dt.date) -> ReferralInvitation | None:
    return ReferralInvitation.objects.filter(referrer=customer, expires_on__gte=today).order_by("-joined_at").first()


def rewards_list_for_customer(*, customer):
    return Reward.objects.filter(customer=customer).select_related("redemption").order_by("-issued_at", "-pk")


def referrals_list_for_referrer(*, customer):
    return (
        Referral.objects.filter(referrer=customer)
        .select_related("invitation")
        .order_by("-claimed_at", "-pk")
    )


def redemptions_for_order(*, order_id: int) -> list[Redemption]:
    """The codes and rewards used on an order, with what each took off (payments ledgers them)."""
    return list(
        Redemption.objects.filter(order_id=order_id).select_related("promo_code", "reward").order_by("pk")
    )


def referrals_clawback_flagged():
    return Referral.objects.filter(
        Q(clawback_flagged_at__isnull=False) & Q(clawback_resolved_at__isnull=True)
    ).select_related("referrer", "friend")
