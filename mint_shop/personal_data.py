"""The registry of `personal_data` providers (DESIGN.md): each app answers for its own personal fields.

An app registers one `Provider` in its `AppConfig.ready`. The data-rights services in consents
only assemble what the providers give: the export (D6), corrections (D6), erasure (D7), what
stops an erasure for now, and what the app shares with third parties (D9). A provider names
the models it answers for, so a test can find a model with personal data that nobody answers for.
It lives in mint_shop, below every app, so that customers and catalogue can register as well.
"""

import datetime as dt
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field

from django.apps import apps
from django.contrib.admin.models import LogEntry
from django.contrib.contenttypes.models import ContentType
from django.db import models
from django.db.models import F, Value
from django.db.models.functions import Concat, Replace

ERASED = "[erased]"


@dataclass(frozen=True)
class Note:
    """What erasure did with one record, or kept of it and why (D7: said per record)."""

    record: str  # "orders.Order 12": names no person
    action: str  # "anonymised", "deleted", "kept"
    reason: str = ""
    kept_until: dt.date | None = None

    def as_dict(self) -> dict:
        return {"record": self.record, "action": self.action, "reason": self.reason,
                "kept_until": self.kept_until.isoformat() if self.kept_until else None}


@dataclass(frozen=True)
class Wait:
    """Something that stops erasure now (D7: an open order in its cooling-off period), and until when."""

    record: str
    reason: str
    until: dt.date | None = None


@dataclass(frozen=True)
class Shared:
    """D9: one time personal data went to a third party."""

    customer_id: int
    recipient: str
    recipient_kind: str  # finance provider, transcription provider, courier, mailing house
    what: str
    purpose: str  # a code of consents.purposes
    shared_at: dt.datetime
    safeguard: str = ""


def _none(*args, **kwargs):
    return []


@dataclass(frozen=True)
class Provider:
    app: str
    models: tuple[type[models.Model], ...]
    export: Callable[[int], dict[str, list[dict]]]
    # (customer_id, *, actor, today, keep_months) inside the caller's transaction; keep_months is the
    # retention schedule (D8) by record type, e.g. keep_months["financial_records"] == 72.
    erase: Callable[..., list[Note]]
    rectify: Callable[..., list[str]] = _none  # (customer_id, *, corrections, actor) -> fields applied
    waits: Callable[..., list[Wait]] = _none  # (customer_id, *, today)
    sharing: Callable[..., list[Shared]] = _none  # (customer_id or None)
    rectifiable: tuple[str, ...] = field(default=())
    # Tables whose "who acted" strings must stay as written (an append-only ledger), named by the app.
    actor_strings_kept: tuple[type[models.Model], ...] = field(default=())


_providers: dict[str, Provider] = {}


def register(provider: Provider) -> None:
    _providers[provider.app] = provider


def providers() -> list[Provider]:
    return [_providers[app] for app in sorted(_providers)]


def rows(queryset, fields: Iterable[str]) -> list[dict]:
    """Export helper: the named fields of each row, as JSON-safe values."""
    fields = ("id", *fields)
    out = []
    for row in queryset.values(*fields):
        out.append({name: _plain(value) for name, value in row.items()})
    return out


def _plain(value):
    if value is None or isinstance(value, bool | int | str | dict | list):
        return value
    if isinstance(value, dt.datetime | dt.date):
        return value.isoformat()
    return str(value)


def scrub(model: type[models.Model], ids: Iterable[int], values: dict) -> int:
    """D7: overwrite personal fields in the live rows AND every history row of them.

    `update()` writes no new history row, so no copy of the old values is left behind.
    """
    ids = list(ids)
    if not ids:
        return 0
    model.objects.filter(pk__in=ids).update(**values)
    history = getattr(model, "history", None)
    if history is not None:
        history.model.objects.filter(id__in=ids).update(**values)
    admin_log_scrub(model, ids)
    return len(ids)


def admin_log_scrub(model: type[models.Model], ids: Iterable[int]) -> None:
    """D7: the admin's own log names each object it touched as it read then ("Mary Seacole <mary@…>").

    The record's label ("customers.Customer 12") replaces that name; the log of who did what stays.
    """
    meta = model._meta
    LogEntry.objects.filter(
        content_type=ContentType.objects.get_for_model(model, for_concrete_model=False),
        object_id__in=[str(pk) for pk in ids],
    ).update(object_repr=Concat(Value(f"{meta.app_label}.{meta.object_name} "), F("object_id")))


# Columns holding `Actor.describe()` ("customer:<username> via web"); a customer's username is their email.
ACTOR_COLUMNS = ("actor", "recorded_by", "granted_by", "reported_by", "shared_by", "decided_by")


def actor_strings_scrub(provider: Provider, *, username: str, replacement: str) -> None:
    """D7: the person's login name goes from every "who acted" string of the provider's app, history included."""
    old, new = f":{username} via", f":{replacement} via"
    kept = set(provider.actor_strings_kept)
    for model in apps.get_app_config(provider.app).get_models():
        if model in kept:
            continue
        columns = [f.name for f in model._meta.concrete_fields if f.name in ACTOR_COLUMNS + ("history_change_reason",)
                   and isinstance(f, models.CharField | models.TextField)]
        for column in columns:
            model._default_manager.filter(**{f"{column}__contains": old}).update(
                **{column: Replace(F(column), Value(old), Value(new))})


def label(instance_or_model, pk=None) -> str:
    meta = instance_or_model._meta
    return f"{meta.app_label}.{meta.object_name} {pk if pk is not None else instance_or_model.pk}"
