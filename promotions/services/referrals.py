"""X3: joining the scheme, taking up an invitation, earning the referrer's reward within the caps,
refusing rewards, and flagging a friend's cancellation after the reward was earned (clawback)."""

import datetime as dt
import logging
import secrets

from dateutil.relativedelta import relativedelta
from django.conf import settings
from django.db import transaction
from django.db.models import Sum

from mint_shop import clock
from mint_shop.actors import Actor
from mint_shop.errors import RuleViolation
from mint_shop.money import format_pence
from notifications.services import message_queue
from promotions import errors, registry
from promotions.models import Referral, ReferralInvitation, Reward
from promotions.selectors import invitation_live_for, months_after, referral_scheme_get
from promotions.services.eligibility import friend_claim, new_code, same_person_reason

logger = logging.getLogger(__name__)


def referral_join(*, customer, actor: Actor) -> ReferralInvitation:
    """The customer joins the scheme: an invitation to share for 3 months (a live one is returned as is)."""
    now = clock.now()
    today = clock.london_date(now)
    if clock.age_on(customer.date_of_birth, today) < 18:
        raise RuleViolation(errors.REFERRER_UNDER_18, "A referrer must be 18 or over.")
    with transaction.atomic(durable=True):
        live = invitation_live_for(customer=customer, today=today)
        if live is not None:
            return live
        return ReferralInvitation.objects.create(
            referrer=customer,
            token=secrets.token_urlsafe(12),
            joined_at=now,
            expires_on=months_after(today, referral_scheme_get().invitation_valid_months),
        )


def referral_claim(*, friend, token: str, actor: Actor) -> Referral:
    """A friend takes up an invitation before ordering; their reward is issued now (valid 14 days)."""
    with transaction.atomic(durable=True):
        return friend_claim(friend=friend, token=token, now=clock.now())


def _cap_reason(*, referrer, amount: int, now: dt.datetime, scheme) -> str:
    """T&C 18.4(e): the cap this reward would break, or ''."""
    earned = Reward.objects.filter(customer=referrer, kind=Reward.Kind.REFERRER)
    if earned.filter(issued_at__gt=now - dt.timedelta(hours=24)).count() >= scheme.max_rewards_per_24_hours:
        return f"Cap: at most {scheme.max_rewards_per_24_hours} rewards in any 24 hours."
    year = earned.filter(issued_at__gt=now - relativedelta(months=12))
    if year.count() >= scheme.max_rewards_per_12_months:
        return f"Cap: at most {scheme.max_rewards_per_12_months} rewards in 12 months."
    value = year.aggregate(total=Sum("amount_pence"))["total"] or 0
    if value + amount > scheme.max_reward_value_per_12_months_pence:
        return (
            f"Cap: rewards are limited to {format_pence(scheme.max_reward_value_per_12_months_pence)} in 12 months; "
            f"{format_pence(value)} already earned."
        )
    return ""


def _tell_referrer_reward_earned(reward: Reward) -> None:
    """T&C 18.4(f): the referrer is told when the reward is earned: a notice the scheme promises (service)."""
    message_queue(
        channel="email",
        kind="referral_reward_earned",
        recipient=reward.customer.email,
        subject="Your Refer a Friend reward",
        body=(
            f"Your friend's order has gone through, so you have earned {format_pence(reward.amount_pence)} off a "
            f"gifts order of {format_pence(reward.min_spend_pence)} or more (postage excluded).\n"
            f"Your reward code is {reward.code}; it can be used until {reward.expires_on:%d %B %Y}."
        ),
        dedupe_key=f"reward:{reward.pk}:earned",
        customer=reward.customer,
    )


def _earn_one(*, referral: Referral, now: dt.datetime, scheme) -> None:
    if referral.order_line_ids and set(referral.order_line_ids) <= registry.lines_cancelled(referral.order_line_ids):
        referral.status = Referral.Status.CANCELLED
        referral.refused_reason = "The friend's order was cancelled before the reward was earned."
        referral.save(update_fields=["status", "refused_reason"])
        return
    reason = same_person_reason(friend=referral.friend, referrer=referral.referrer) or _cap_reason(
        referrer=referral.referrer, amount=scheme.referrer_reward_pence, now=now, scheme=scheme
    )
    if reason:
        referral.status = Referral.Status.REFUSED
        referral.refused_reason = reason
        referral.save(update_fields=["status", "refused_reason"])
        return
    reward = Reward.objects.create(
        code=new_code("REFER"),
        kind=Reward.Kind.REFERRER,
        customer=referral.referrer,
        referral=referral,
        amount_pence=scheme.referrer_reward_pence,
        min_spend_pence=scheme.referrer_min_spend_pence,
        issued_at=now,
        expires_on=months_after(clock.london_date(now), scheme.referrer_reward_valid_months),
    )
    referral.status = Referral.Status.EARNED
    referral.save(update_fields=["status"])
    _tell_referrer_reward_earned(reward)


def referral_rewards_earn_due(*, actor: Actor) -> int:
    """The daily run (T&C 18.4(f)): each referral whose waiting days are over earns its reward, unless the
    friend's order was cancelled, a cap is reached or staff refused it. Returns how many were decided.

    One transaction per referrer, their due referrals locked in pk order, so two runs never earn twice.
    """
    now = clock.now()
    today = clock.london_date(now)
    scheme = referral_scheme_get()
    due = Referral.objects.filter(status=Referral.Status.PURCHASED, earn_on__lte=today)
    decided = 0
    for referrer_id in sorted(set(due.values_list("referrer_id", flat=True))):
        with transaction.atomic(durable=True):
            referrals = list(
                due.filter(referrer_id=referrer_id)
                .select_for_update(of=("self",))
                .select_related("referrer", "friend")
                .order_by("purchased_at", "pk")
            )
            for referral in referrals:
                _earn_one(referral=referral, now=now, scheme=scheme)
                decided += 1
    if decided:
        logger.info("referral rewards: %s referrals decided by %s", decided, actor.describe())
    return decided


def _refuse_reason(reason: str, actor: Actor) -> str:
    if not reason.strip():
        raise RuleViolation(errors.REFUSE_REASON_MISSING, "Say why the reward is refused.")
    return f"Refused by the mint: {reason.strip()} ({actor.describe()})"


def referral_refuse(*, referral_id: int, reason: str, actor: Actor) -> Referral:
    """T&C 18.6: staff refuse the referrer's reward before it is earned; the reason is kept."""
    text = _refuse_reason(reason, actor)
    with transaction.atomic(durable=True):
        referral = Referral.objects.select_for_update().get(pk=referral_id)
        if referral.status not in (Referral.Status.CLAIMED, Referral.Status.PURCHASED):
            raise RuleViolation(errors.REFERRAL_NOT_PENDING, f"This referral is {referral.get_status_display()}.")
        referral.status = Referral.Status.REFUSED
        referral.refused_reason = text
        referral.save(update_fields=["status", "refused_reason"])
    return referral


def reward_refuse(*, reward_id: int, reason: str, actor: Actor) -> Reward:
    """T&C 18.6: staff refuse an issued reward that has not been used; the reason is kept."""
    text = _refuse_reason(reason, actor)
    with transaction.atomic(durable=True):
        reward = Reward.objects.select_for_update().get(pk=reward_id)
        if reward.status != Reward.Status.AVAILABLE:
            raise RuleViolation(errors.REWARD_NOT_AVAILABLE, f"Reward {reward.code} is {reward.get_status_display()}.")
        reward.status = Reward.Status.REFUSED
        reward.refused_reason = text
        reward.save(update_fields=["status", "refused_reason"])
    return reward


def referral_clawbacks_flag(*, actor: Actor) -> int:
    """The daily sweep: a friend's order cancelled after the referrer's reward was earned is flagged for staff."""
    since = clock.now() - dt.timedelta(days=settings.MINT_REFERRAL_CLAWBACK_WATCH_DAYS)
    watched = list(
        Referral.objects.filter(
            status=Referral.Status.EARNED, clawback_flagged_at__isnull=True, purchased_at__gte=since
        ).only("pk", "order_line_ids")
    )
    cancelled = registry.lines_cancelled({line_id for r in watched for line_id in r.order_line_ids})
    flagged = [r.pk for r in watched if r.order_line_ids and set(r.order_line_ids) <= cancelled]
    if flagged:
        with transaction.atomic(durable=True):
            newly = Referral.objects.select_for_update().filter(pk__in=flagged, clawback_flagged_at__isnull=True)
            for referral in newly:
                referral.clawback_flagged_at = clock.now()
                referral.save(update_fields=["clawback_flagged_at"])
        logger.info("referral clawbacks: %s flagged by %s", len(flagged), actor.describe())
    return len(flagged)


def referral_clawback_resolve(*, referral_id: int, note: str, actor: Actor) -> Referral:
    """Staff record what they did about a flagged clawback (refused the unused reward, or let it stand)."""
    if not note.strip():
        raise RuleViolation(errors.REFUSE_REASON_MISSING, "Say what was done about the clawback.")
    with transaction.atomic(durable=True):
        referral = Referral.objects.select_for_update().get(pk=referral_id)
        if referral.clawback_flagged_at is None or referral.clawback_resolved_at is not None:
            raise RuleViolation(errors.CLAWBACK_NOT_FLAGGED, "There is no open clawback on this referral.")
        referral.clawback_resolved_at = clock.now()
        referral.clawback_note = f"{note.strip()} ({actor.describe()})"
        referral.save(update_fields=["clawback_resolved_at", "clawback_note"])
    return referral
