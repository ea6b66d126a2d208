"""D8: the retention schedule, run daily, every period configurable, with a dry run that says what would go.

Each record type names the law or notice it comes from and the least the law allows; a period
set below that is refused. Call recordings keep their own daily task and setting in customers
(C10); the schedule lists them so the dry run shows everything that will go.
"""

import datetime as dt
from dataclasses import dataclass

from dateutil.relativedelta import relativedelta
from django.conf import settings
from django.db import transaction

from consents import errors
from consents.erasure import erase_locked, erasure_waits
from consents.models import DataRequest, LegalHold, ProcessingRestriction, RetentionPeriod
from consents.schedule import RECORD_TYPES, retention_months
from customers.audit import stamp
from customers.models import Customer
from customers.selectors import call_recording_list_expired
from mint_shop import clock
from mint_shop.actors import Actor
from mint_shop.errors import RuleViolation


def retention_period_set(*, record_type: str, months: int, actor: Actor) -> RetentionPeriod:
    """D8: compliance changes a period; never below what the law requires."""
    kind = RECORD_TYPES.get(record_type)
    if kind is None:
        raise RuleViolation(errors.RETENTION_RECORD_TYPE_UNKNOWN, f"No record type {record_type!r} in the schedule.")
    if months < kind.minimum_months:
        raise RuleViolation(errors.RETENTION_BELOW_LEGAL_MINIMUM,
                            f"{kind.source} requires at least {kind.minimum_months} months; {months} refused.")
    with transaction.atomic(durable=True):
        period = RetentionPeriod.objects.select_for_update().filter(record_type=record_type).first()
        period = period or RetentionPeriod(record_type=record_type)
        period.months, period.set_at, period.set_by = months, clock.now(), actor.user
        stamp(period, actor).save()
    return period


def legal_hold_place(*, customer_id: int, kind: str, reason: str, actor: Actor) -> LegalHold:
    with transaction.atomic(durable=True):
        hold = LegalHold(customer_id=customer_id, kind=kind, reason=reason, placed_at=clock.now(),
                         placed_by=actor.user)
        stamp(hold, actor).save()
    return hold


def legal_hold_lift(*, hold_id: int, actor: Actor) -> LegalHold:
    with transaction.atomic(durable=True):
        hold = LegalHold.objects.select_for_update().get(pk=hold_id)
        hold.lifted_at = clock.now()
        stamp(hold, actor).save()
    return hold


@dataclass(frozen=True)
class Due:
    record_type: str
    record: str  # "customers.Customer 12": no personal data in a log or a dry run
    action: str
    why: str


def _cut_off(months: int, today: dt.date) -> dt.datetime:
    return clock.start_of_london_day(today - relativedelta(months=months))


def _dormant_customers(today: dt.date) -> list[Due]:
    months = retention_months("dormant_customers")
    cut_off = _cut_off(months, today)
    restricted = ProcessingRestriction.objects.filter(lifted_at__isnull=True).values("customer_id")
    candidates = (
        Customer.objects.filter(created_at__lt=cut_off, deceased_at__isnull=True)
        .exclude(first_name="", last_name="", email="")
        .exclude(pk__in=restricted)
        .exclude(orders__placed_at__gte=cut_off)
        .distinct().order_by("pk")
    )
    due = []
    for customer_id in candidates.values_list("pk", flat=True):
        if erasure_waits(customer_id=customer_id, include_keep_requests=True):
            continue
        due.append(Due("dormant_customers", f"customers.Customer {customer_id}", "anonymise",
                       f"no order in {months} months ({RECORD_TYPES['dormant_customers'].source})"))
    return due


def _expired_exports(today: dt.date) -> list[Due]:
    months = retention_months("data_exports")
    ids = DataRequest.objects.filter(export__isnull=False, completed_at__lt=_cut_off(months, today))
    return [Due("data_exports", f"consents.DataRequest {pk}", "delete export",
                f"answered over {months} month(s) ago") for pk in ids.values_list("pk", flat=True)]


def _expired_recordings(today: dt.date) -> list[Due]:
    return [Due("call_recordings", f"customers.CallRecording {pk}", "delete (customers' daily task)",
                f"older than {settings.MINT_CALL_RECORDING_RETENTION_MONTHS} months (C10, D8)")
            for pk in call_recording_list_expired(today=today).values_list("pk", flat=True)]


def retention_due(*, today: dt.date | None = None) -> list[Due]:
    """The dry run: everything the schedule would remove today, and why."""
    today = today or clock.today()
    return _dormant_customers(today) + _expired_exports(today) + _expired_recordings(today)


def retention_apply(*, actor: Actor, today: dt.date | None = None) -> list[Due]:
    """D8, daily: anonymise dormant customers and drop stale exports, each in its own transaction.

    A customer who cannot be erased today (an order, a hold) is skipped and found again tomorrow.
    """
    today = today or clock.today()
    done = []
    for due in retention_due(today=today):
        pk = int(due.record.rsplit(" ", 1)[1])
        with transaction.atomic(durable=True):
            if due.record_type == "dormant_customers":
                customer = Customer.objects.select_for_update().get(pk=pk)
                try:
                    erase_locked(customer=customer, actor=actor)
                except RuleViolation:
                    continue
            elif due.record_type == "data_exports":
                DataRequest.objects.filter(pk=pk).update(export=None)
                DataRequest.history.filter(id=pk).update(export=None)
            else:
                continue  # call recordings: customers' own task
        done.append(due)
    return done
