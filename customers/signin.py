"""Signing in: how django-axes names a login and answers one that is locked out.

The admin's form sends `username`, allauth's customer sign-in sends `email`; both are the
same normalised address for a customer, so failures from either count against one login.
"""

from django.conf import settings
from django.http import HttpResponse, JsonResponse
from django.utils.html import escape

from customers.errors import SIGNIN_LOCKED_OUT
from customers.selectors import normalise_email
from mint_shop.errors import RuleViolation


def signin_name(request, credentials) -> str | None:
    credentials = credentials or {}
    name = credentials.get("email") or credentials.get("username")
    return normalise_email(name) if name else None


def locked_out_response(request, original_response=None, credentials=None) -> HttpResponse:
    minutes = settings.MINT_SIGNIN_LOCKOUT_MINUTES
    detail = (
        f"Too many failed sign-ins for this login: it is locked for {minutes} minutes. "
        "Try again then, or ask the mint to unlock it."
    )
    if request.path.startswith("/admin/"):
        return HttpResponse(f"<h1>Sign-in refused</h1><p>{escape(detail)}</p>", status=SIGNIN_LOCKED_OUT.status)
    return JsonResponse(RuleViolation(SIGNIN_LOCKED_OUT, detail).as_dict(), status=SIGNIN_LOCKED_OUT.status)
