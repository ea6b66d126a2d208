"""API credentials that end (issue 14): DRF's tokens and allauth's app session tokens live
MINT_API_TOKEN_LIFETIME_HOURS from sign-in, and a token that has ended answers 401 `token_expired`.

Revoking (customers.services.api_access_revoke) deletes the DRF token and ends the allauth
sessions that allauth.usersessions lists for the login.
"""

import datetime as dt

from allauth.headless.contrib.rest_framework.authentication import XSessionTokenAuthentication
from allauth.headless.internal.sessionkit import authenticate_by_x_session_token
from allauth.headless.tokens.strategies.sessions import SessionTokenStrategy
from django.conf import settings
from django.contrib.auth import SESSION_KEY
from django.utils.translation import gettext_lazy as _
from rest_framework.authentication import TokenAuthentication
from rest_framework.exceptions import AuthenticationFailed

from mint_shop import clock


def token_lifetime() -> dt.timedelta:
    return dt.timedelta(hours=settings.MINT_API_TOKEN_LIFETIME_HOURS)


class TokenExpired(AuthenticationFailed):
    default_detail = "This token has expired or was signed out: sign in again."
    default_code = "token_expired"


class ExpiringTokenAuthentication(TokenAuthentication):
    """DRF's `Authorization: Token …`, refused once the token is older than its lifetime.

    First in DEFAULT_AUTHENTICATION_CLASSES, so an unauthenticated API request is a 401 with
    `WWW-Authenticate: Token` (DRF answers 403 when the first class names no scheme)."""

    def authenticate_credentials(self, key):
        # DRF's own check, with the customer read in the same statement (a reverse one-to-one that
        # select_related follows): customer endpoints ask `user.customer` next, which then costs no
        # second query and no second model build per request (issue 15).
        model = self.get_model()
        try:
            token = model.objects.select_related("user__customer").get(key=key)
        except model.DoesNotExist:
            raise AuthenticationFailed(_("Invalid token.")) from None
        user = token.user
        if not user.is_active:
            raise AuthenticationFailed(_("User inactive or deleted."))
        if token.created <= clock.now() - token_lifetime():
            raise TokenExpired()
        return user, token


class ExpiringSessionTokenAuthentication(XSessionTokenAuthentication):
    """allauth's `X-Session-Token`: a token whose session has ended (expired, signed out, revoked)
    is refused with a 401 instead of passing as anonymous."""

    def authenticate(self, request):
        token = self.get_session_token(request)
        if not token:
            return None
        found = authenticate_by_x_session_token(token)
        if found is None:
            raise TokenExpired()
        return found


class ExpiringSessionTokenStrategy(SessionTokenStrategy):
    """allauth's session tokens (the session key), given an absolute end at sign-in: the token lifetime,
    however often it is used. Before sign-in the session's own (idle) age applies, and so it does for a
    session signed in elsewhere (a browser's, the admin's) whose key is sent as the token: only a request
    that signs in gives the lifetime, else reauthenticating or changing the password there would turn an
    idle-limited session into a week-long one."""

    def create_session_token(self, request) -> str:
        session = request.session
        pre_user = getattr(request.allauth.headless, "_pre_user", None)
        signed_in_here = pre_user is None or not pre_user.is_authenticated
        # An absolute end is kept as an ISO date string; a number (or none) is an age, renewed on save.
        if signed_in_here and SESSION_KEY in session and not isinstance(session.get("_session_expiry"), str):
            session.set_expiry(clock.now() + token_lifetime())
        return super().create_session_token(request)
