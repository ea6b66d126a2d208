"""Issue 14: ending a login's API access (its DRF token and every allauth session), recorded."""

import logging

from allauth.usersessions.models import UserSession
from django.db import transaction
from rest_framework.authtoken.models import Token

from customers import errors
from customers.models import ApiAccessRevocation, Customer, User
from mint_shop import clock
from mint_shop.actors import Actor
from mint_shop.errors import RuleViolation

logger = logging.getLogger(__name__)


def api_access_revoke(*, user_id: int, actor: Actor, reason: str = "") -> ApiAccessRevocation:
    """Delete the login's API token and end each of its signed-in sessions (app tokens and browser
    sessions alike); the next request with any of them is a 401. Who did it and when is recorded."""
    with transaction.atomic(durable=True):
        user = User.objects.select_for_update().get(pk=user_id)
        tokens_ended, _ = Token.objects.filter(user=user).delete()
        sessions = list(UserSession.objects.filter(user=user))
        for session in sessions:
            session.end()
        revocation = ApiAccessRevocation.objects.create(
            user=user,
            revoked_at=clock.now(),
            revoked_by=actor.user,
            revoked_by_kind=actor.kind,
            channel=actor.channel,
            tokens_ended=tokens_ended,
            sessions_ended=len(sessions),
            reason=reason,
        )
    logger.info("%s revoked the API access of user %s", actor.describe(), user.pk)
    return revocation


def customer_api_access_revoke(*, customer_id: int, actor: Actor, reason: str = "") -> ApiAccessRevocation:
    """Staff end a customer's API access (a lost phone, a suspected takeover)."""
    user_id = Customer.objects.values_list("user_id", flat=True).get(pk=customer_id)
    if user_id is None:
        raise RuleViolation(errors.CUSTOMER_HAS_NO_LOGIN, "This customer has no online login to revoke.")
    return api_access_revoke(user_id=user_id, actor=actor, reason=reason)
