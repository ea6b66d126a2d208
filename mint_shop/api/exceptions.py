"""One exception handler: every refusal leaves the API as {"code", "rule", "detail"} with a 4xx."""

from django.core.exceptions import ObjectDoesNotExist
from django.core.exceptions import ValidationError as DjangoValidationError
from rest_framework import exceptions, status
from rest_framework.response import Response
from rest_framework.views import exception_handler

from mint_shop.api.authentication import TokenExpired
from mint_shop.errors import RuleViolation

# DRF's own refusals, named for the rule they keep.
_DRF_RULES = {
    TokenExpired: ("token_expired", "access"),  # before its parent, AuthenticationFailed
    exceptions.NotAuthenticated: ("not_authenticated", "access"),
    exceptions.AuthenticationFailed: ("authentication_failed", "access"),
    exceptions.PermissionDenied: ("permission_denied", "access"),
    exceptions.NotFound: ("not_found", "access"),
    exceptions.MethodNotAllowed: ("method_not_allowed", "input"),
    exceptions.ValidationError: ("invalid_input", "input"),
    exceptions.ParseError: ("malformed_request", "input"),
    exceptions.UnsupportedMediaType: ("unsupported_media_type", "input"),
    exceptions.Throttled: ("throttled", "access"),
}


def rule_exception_handler(exc, context):
    if isinstance(exc, RuleViolation):
        return Response(exc.as_dict(), status=exc.rule.status)
    if isinstance(exc, DjangoValidationError):
        detail = exc.message_dict if hasattr(exc, "error_dict") else exc.messages
        return Response({"code": "invalid_input", "rule": "input", "detail": detail}, status=400)
    if isinstance(exc, ObjectDoesNotExist):
        return Response({"code": "not_found", "rule": "access", "detail": "Not found."}, status=404)

    response = exception_handler(exc, context)
    if response is None:
        return None  # a real fault: let it surface as a 500 and be logged
    code, rule = next(
        (named for cls, named in _DRF_RULES.items() if isinstance(exc, cls)),
        ("request_refused", "input"),
    )
    detail = exc.detail if isinstance(exc, exceptions.ValidationError) else str(getattr(exc, "detail", exc))
    response.data = {"code": code, "rule": rule, "detail": detail}
    if response.status_code >= status.HTTP_500_INTERNAL_SERVER_ERROR:
        response.status_code = status.HTTP_400_BAD_REQUEST
    return response
