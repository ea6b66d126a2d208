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
from django.db import connection
from django.utils.translation import gettext_lazy as _
from rest_framework.authentication import TokenAuthentication
from rest_framework.exceptions import AuthenticationFailed

from mint_shop import clock
from mint_shop.rawsql import RowReader, Selected, once_per_connection, quoted_column, quoted_table


def token_lifetime() -> dt.timedelta:
    return dt.timedelta(hours=settings.MINT_API_TOKEN_LIFETIME_HOURS)


def _refuse_nul(credential: str) -> None:
    """No stored token holds a NUL, and PostgreSQL refuses one in text (a 500): refused before asking."""
    if "\x00" in credential:
        raise AuthenticationFailed(_("Invalid token."))


class TokenExpired(AuthenticationFailed):
    default_detail = "This token has expired or was signed out: sign in again."
    default_code = "token_expired"


class ExpiringTokenAuthentication(TokenAuthentication):
    """DRF's `Authorization: Token …`, refused once the token is older than its lifetime.

    First in DEFAULT_AUTHENTICATION_CLASSES, so an unauthenticated API request is a 401 with
    `WWW-Authenticate: Token` (DRF answers 403 when the first class names no scheme)."""

    def authenticate_credentials(self, key):
        _refuse_nul(key)
        # DRF's own check, with the customer read in the same statement: customer endpoints ask
        # `user.customer` next, which then costs no second query per request (issue 15).
        token = _token_with_user_and_customer(self.get_model(), key)
        if token is None:
            raise AuthenticationFailed(_("Invalid token."))
        user = token.user
        if not user.is_active:
            raise AuthenticationFailed(_("User inactive or deleted."))
        if token.created <= clock.now() - token_lifetime():
            raise TokenExpired()
        return user, token


# The token, its user and the user's customer (none for staff) by the token's key. This was
# `select_related("user__customer").get(key=key)`, which Django compiled anew on every request, most
# of the check's CPU; built once per connection instead (mint_shop/rawsql.py). Names come from the
# models' _meta, the key is a bound parameter.
_TOKEN_SQL = """
SELECT {token_columns}, {user_columns}, {customer_columns}
FROM {token_table} AS token
JOIN {user_table} AS login ON login.{user_pk} = token.{token_user}
LEFT JOIN {customer_table} AS customer ON customer.{customer_user} = login.{user_pk}
WHERE token.{token_key} = %s
"""


@once_per_connection
def _token_statement(connection, token_model):
    user_field = token_model._meta.get_field("user")
    user_model = user_field.related_model
    customer_field = user_model._meta.get_field("customer").field  # the customer's one-to-one to its login
    customer_model = customer_field.model
    token, user, customer = (
        Selected(connection, model, alias)
        for model, alias in [(token_model, "token"), (user_model, "login"), (customer_model, "customer")]
    )
    sql = _TOKEN_SQL.format(  # nosec B608 # names from _meta, the key bound
        token_columns=token.sql, user_columns=user.sql, customer_columns=customer.sql,
        token_table=quoted_table(connection, token_model), user_table=quoted_table(connection, user_model),
        customer_table=quoted_table(connection, customer_model), user_pk=quoted_column(connection, user_model, "id"),
        token_user=quoted_column(connection, token_model, "user"),
        customer_user=quoted_column(connection, customer_model, "user"),
        token_key=quoted_column(connection, token_model, "key"),
    )
    reader = RowReader(connection, [*token.fields, *user.fields, *customer.fields])
    return sql, reader, token, user, customer


def _token_with_user_and_customer(token_model, key: str):
    """The token with `token.user` and `token.user.customer` set as select_related sets them, or None."""
    sql, reader, tokens, users, customers = _token_statement(token_model)
    with connection.cursor() as cursor:
        cursor.execute(sql, [key])
        row = cursor.fetchone()
    if row is None:
        return None
    values = reader.read(row)
    split, rest = len(tokens.fields), len(tokens.fields) + len(users.fields)
    token, user = tokens.build(values[:split]), users.build(values[split:rest])
    token.user = user
    if values[rest + customers.pk_index] is None:
        # No customer (a member of staff): known absent, so `user.customer` raises without a query.
        user._meta.get_field("customer").set_cached_value(user, None)
    else:
        customers.build(values[rest:]).user = user  # caches `user.customer` too (a one-to-one)
    return token


class ExpiringSessionTokenAuthentication(XSessionTokenAuthentication):
    """allauth's `X-Session-Token`: a token whose session has ended (expired, signed out, revoked)
    is refused with a 401 instead of passing as anonymous."""

    def authenticate(self, request):
        token = self.get_session_token(request)
        if not token:
            return None
        _refuse_nul(token)
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
