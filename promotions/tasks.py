"""Celery tasks for promotions: thin, safe to run twice."""

from celery import shared_task

from mint_shop.actors import Actor
from promotions import services


@shared_task
def referral_rewards_earn_due() -> int:
    """X3: referrers earn their rewards once the friend's order has stood for the waiting days."""
    return services.referral_rewards_earn_due(actor=Actor.system())


@shared_task
def referral_clawbacks_flag() -> int:
    """X3: a friend's order cancelled after the reward was earned is flagged for staff."""
    return services.referral_clawbacks_flag(actor=Actor.system())
