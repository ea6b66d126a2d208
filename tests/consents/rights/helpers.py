"""Builders for the data-rights tests: a search of every table, history included."""

from django.apps import apps
from django.db import models
from django.db.models.functions import Cast

TEXT_FIELDS = (models.CharField, models.TextField, models.JSONField, models.FileField)


def tables_holding(text: str) -> list[str]:
    """Every model (live and history) with a text-like field containing `text`, any case."""
    found = []
    for model in apps.get_models():
        for field in model._meta.concrete_fields:
            if not isinstance(field, TEXT_FIELDS):
                continue
            lookup = Cast(field.name, models.TextField())
            if model._default_manager.annotate(_as_text=lookup).filter(_as_text__icontains=text).exists():
                found.append(f"{model._meta.label}.{field.name}")
    return found
