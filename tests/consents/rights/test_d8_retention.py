"""D8: the retention schedule: daily task, dry run listing what would go and why, periods and their minimum."""

import datetime as dt
import io

import pytest
import time_machine
from django.core.management import call_command

from consents import tasks
from consents.models import LegalHold, RetentionPeriod
from consents.retention import legal_hold_place
from consents.schedule import retention_settings_problems
from customers.models import Customer
from mint_shop.actors import Actor
from tests.customers.helpers import api
from tests.factories import CustomerFactory

pytestmark = pytest.mark.django_db


def _registered(on: dt.datetime, **fields) -> Customer:
    with time_machine.travel(on, tick=False):
        return CustomerFactory(**fields)


def test_d8_dry_run_lists_dormant_customers_and_why_changing_nothing():
    old = _registered(dt.datetime(2022, 1, 10, tzinfo=dt.UTC), first_name="Eudora")
    _registered(dt.datetime(2025, 6, 1, tzinfo=dt.UTC))  # within 3 years
    out = io.StringIO()
    with time_machine.travel(dt.datetime(2026, 3, 1, 9, tzinfo=dt.UTC), tick=False):
        call_command("retention_run", "--dry-run", stdout=out)
    assert out.getvalue().splitlines() == [
        f"dormant_customers\tcustomers.Customer {old.pk}\twould anonymise\tno order in 36 months "
        "(D8; privacy notice 004 (3 years))",
        "1 record(s) due.",
    ]
    old.refresh_from_db()
    assert old.first_name == "Eudora"


def test_d8_the_daily_task_anonymises_dormant_customers_but_not_those_on_hold_or_who_asked_to_keep():
    gone = _registered(dt.datetime(2022, 1, 10, tzinfo=dt.UTC), first_name="Eudora")
    held = _registered(dt.datetime(2022, 1, 10, tzinfo=dt.UTC), first_name="Ignatius")
    kept = _registered(dt.datetime(2022, 1, 10, tzinfo=dt.UTC), first_name="Philippa")
    legal_hold_place(customer_id=held.pk, kind=LegalHold.Kind.LEGAL_HOLD, reason="Litigation", actor=Actor.system())
    legal_hold_place(customer_id=kept.pk, kind=LegalHold.Kind.CUSTOMER_ASKED_TO_KEEP, reason="Asked by letter",
                     actor=Actor.system())
    with time_machine.travel(dt.datetime(2026, 3, 1, 9, tzinfo=dt.UTC), tick=False):
        assert tasks.retention_apply.delay().get() == 1
        assert tasks.retention_apply.delay().get() == 0  # twice changes nothing more
    names = dict(Customer.objects.values_list("pk", "first_name"))
    assert (names[gone.pk], names[held.pk], names[kept.pk]) == ("", "Ignatius", "Philippa")
    assert not Customer.history.filter(id=gone.pk, first_name="Eudora").exists()


def test_d8_a_period_set_below_the_legal_minimum_is_refused_and_nothing_changes(staff_user):
    compliance = api(staff_user("compliance"))
    refused = compliance.put("/api/v1/staff/retention/financial_records/", {"months": 60}, format="json")
    assert (refused.status_code, refused.json()["rule"], refused.json()["code"]) == (
        400, "D8", "retention_below_legal_minimum")
    assert "HMRC" in refused.json()["detail"]
    assert not RetentionPeriod.objects.exists()
    changed = compliance.put("/api/v1/staff/retention/dormant_customers/", {"months": 48}, format="json")
    assert changed.status_code == 200
    schedule = {row["record_type"]: row for row in changed.json()}
    assert (schedule["dormant_customers"]["months"], schedule["financial_records"]["months"]) == (48, 72)
    assert schedule["due_diligence"]["source"].startswith("Money Laundering Regulations 2017")
    assert api(staff_user("customer_service")).put("/api/v1/staff/retention/dormant_customers/", {"months": 1},
                                                   format="json").status_code == 403


def test_d8_settings_below_the_legal_minimum_stop_the_site_starting(settings):
    settings.MINT_RETENTION_MONTHS = {**settings.MINT_RETENTION_MONTHS, "due_diligence": 12}
    assert retention_settings_problems() == [
        "MINT_RETENTION_MONTHS['due_diligence'] = 12 is below the 60 months of Money Laundering Regulations "
        "2017 reg. 40: 5 years"
    ]
