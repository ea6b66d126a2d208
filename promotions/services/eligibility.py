"""X3: who may refer and who may be referred (T&C 18.4(c), 18.5(c), 18.5(e)).

Inner pieces of the public services: they run in the caller's transaction.
"""

import secrets

from django.conf import settings

from customers.models import DeliveryAddress
from mint_shop import clock
from mint_shop.errors import RuleViolation
from promotions import errors, registry
from promotions.models import Referral, ReferralInvitation, Reward
from promotions.selectors import referral_scheme_get


def new_code(prefix: str) -> str:
    return f"{prefix}-{secrets.token_hex(5).upper()}"


def _postcode(text: str) -> str:
    return "".join(text.split()).upper()


def _addresses(customer) -> set[tuple[str, str]]:
    """Each of the customer's addresses as (postcode, first line), spaces and case ignored."""
    rows = [(customer.postcode, customer.address_line1)]
    rows += list(DeliveryAddress.objects.filter(customer=customer).values_list("postcode", "line1"))
    return {(_postcode(pc), " ".join(line.lower().split())) for pc, line in rows if pc and line}


def same_person_reason(*, friend, referrer) -> str:
    """Why the friend is the referrer (same person, email, address or card), or '' when not."""
    if friend.pk == referrer.pk:
        return "You cannot take up your own invitation."
    if friend.email.strip().lower() == referrer.email.strip().lower():
        return "The friend has the referrer's email address."
    if _addresses(friend) & _addresses(referrer):
        return "The friend has the referrer's address."
    mine = registry.ask(registry.CARD_FINGERPRINTS, customer_id=friend.pk)
    if mine and mine & registry.ask(registry.CARD_FINGERPRINTS, customer_id=referrer.pk):
        return "The friend pays with the referrer's card."
    return ""


def friend_claim(*, friend, token: str, now) -> Referral:
    """The friend takes up an invitation: checked, then their reward is issued (valid 14 days)."""
    today = clock.london_date(now)
    invitation = (
        ReferralInvitation.objects.select_related("referrer").filter(token=token.strip()).first() if token else None
    )
    if invitation is None:
        raise RuleViolation(errors.INVITATION_UNKNOWN, "That is neither one of your rewards nor an invitation.")
    if today > invitation.expires_on:
        raise RuleViolation(
            errors.INVITATION_EXPIRED, f"This invitation could be taken up until {invitation.expires_on:%d %B %Y}."
        )
    reason = same_person_reason(friend=friend, referrer=invitation.referrer)
    if reason:
        raise RuleViolation(errors.FRIEND_IS_REFERRER, reason)
    if clock.age_on(friend.date_of_birth, today) < 18:
        raise RuleViolation(errors.FRIEND_UNDER_18, "A referred friend must be 18 or over.")
    if str(friend.country) in settings.MINT_SANCTIONED_COUNTRIES:
        raise RuleViolation(errors.FRIEND_SANCTIONED, "Residents of sanctioned countries cannot take part.")
    if settings.MINT_REFERRAL_RANGE in registry.ask(registry.RANGES_BOUGHT, customer_id=friend.pk):
        raise RuleViolation(errors.FRIEND_NOT_NEW, "The offer is for a first order from the gifts range.")
    if Referral.objects.filter(friend=friend).exists():
        raise RuleViolation(errors.FRIEND_ALREADY_REFERRED, "You have already taken up an invitation.")
    scheme = referral_scheme_get()
    referral = Referral.objects.create(
        invitation=invitation, referrer=invitation.referrer, friend=friend, claimed_at=now
    )
    Reward.objects.create(
        code=new_code("FRIEND"),
        kind=Reward.Kind.FRIEND,
        customer=friend,
        referral=referral,
        amount_pence=scheme.friend_reward_pence,
        min_spend_pence=scheme.friend_min_spend_pence,
        issued_at=now,
        expires_on=clock.days_after(today, scheme.friend_reward_valid_days),
    )
    return referral
