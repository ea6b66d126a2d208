"""The OpenAPI schema class: says what read-only model fields really send.

DRF drops `allow_blank` and `allow_null` from read-only fields of a ModelSerializer, so the
schema would promise a choice where the row holds "" (a line not yet accepted) or a value
where it holds null. The model field knows; this asks it.
"""

from django.core.exceptions import FieldDoesNotExist
from drf_spectacular.contrib.django_allauth import XSessionTokenAuthenticationScheme
from drf_spectacular.openapi import AutoSchema
from rest_framework import serializers


def _model_field(field):
    meta = getattr(getattr(field, "parent", None), "Meta", None)
    model = getattr(meta, "model", None)
    if model is None or not field.source or "." in field.source:
        return None
    try:
        return model._meta.get_field(field.source)
    except FieldDoesNotExist:
        return None


class MintAutoSchema(AutoSchema):
    def _map_serializer_field(self, field, direction, bypass_extensions=False):
        if field.read_only:
            model_field = _model_field(field)
            if model_field is not None:
                if isinstance(field, serializers.CharField | serializers.ChoiceField) and model_field.blank:
                    field.allow_blank = True
                if model_field.null:
                    field.allow_null = True
        return super()._map_serializer_field(field, direction, bypass_extensions)


class ExpiringSessionTokenScheme(XSessionTokenAuthenticationScheme):
    """Our X-Session-Token class (issue 14: it ends) is documented as allauth's own."""

    target_class = "mint_shop.api.authentication.ExpiringSessionTokenAuthentication"


# Every refusal, whatever the endpoint: a 4xx of this shape (mint_shop/api/exceptions.py).
REFUSAL_SCHEMA = {
    "type": "object",
    "description": "A refusal: which rule refused the request, and why. Nothing was written.",
    "properties": {
        "code": {"type": "string", "description": "What was refused, e.g. invalid_input, throttled"},
        "rule": {"type": "string", "description": "The rule's id (DOMAIN.md), or input / access"},
        "detail": {"description": "A message, or the refused fields with their messages"},
    },
    "required": ["code", "rule", "detail"],
}


def document_refusals(result, generator, request, public):
    """drf-spectacular post-processing hook: each operation answers any 4xx as a refusal.

    A status an operation documents itself (a 409 with its own body) keeps its own entry; the
    "4XX" range covers the rest, so a client (and schemathesis) knows the shape of every refusal.
    """
    result.setdefault("components", {}).setdefault("schemas", {})["Refusal"] = REFUSAL_SCHEMA
    refusal = {
        "description": "Refused: nothing was written",
        "content": {"application/json": {"schema": {"$ref": "#/components/schemas/Refusal"}}},
    }
    for path in result.get("paths", {}).values():
        for operation in path.values():
            operation.setdefault("responses", {}).setdefault("4XX", refusal)
    return result
