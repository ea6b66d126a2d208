"""Instalments on the interest-free account (M5)."""

import datetime as dt

import pytest
import time_machine

from mint_shop.actors import Actor
from mint_shop.errors import RuleViolation
from notifications.models import Message
from payments import errors
from payments.models import InstalmentPlan, LedgerEntry
from payments.selectors import instalment_arrears_pence
from payments.services.instalments import (
    add_months,
    instalment_pay,
    instalment_plan_decide,
    instalments_mark_missed,
    instalments_remind,
)
from tests.payments.conftest import accepted_by_payment
from tests.payments.factories import order_with_lines

pytestmark = pytest.mark.django_db
FIRST_DUE = dt.date(2027, 1, 31)


@pytest.fixture
def plan(place):
    order = order_with_lines(3333, 3333, 3000, payment_method="instalments", delivery_pence=334)
    order.customer.phone = "+447700900123"
    order.customer.save()
    place(order, number_of_instalments=3, reminder_channel="sms")
    return instalment_plan_decide(
        plan_id=order.instalment_plan.pk,
        approve=True,
        reason="status checked",
        first_due_on=FIRST_DUE,
        actor=Actor.system(),
    )


def test_m5_an_approved_plan_has_a_monthly_schedule_adding_up_to_the_order(plan):
    instalments = list(plan.instalments.all())
    assert [i.due_on for i in instalments] == [FIRST_DUE, dt.date(2027, 2, 28), dt.date(2027, 3, 31)]
    assert [i.amount_pence for i in instalments] == [3334, 3333, 3333]
    assert sum(i.amount_pence for i in instalments) == plan.total_pence == 10000


def test_m5_a_declined_plan_gets_no_schedule_and_cannot_be_decided_again(place):
    order = place(order_with_lines(2500, payment_method="instalments"), number_of_instalments=2)
    declined = instalment_plan_decide(plan_id=order.instalment_plan.pk, approve=False, reason="", actor=Actor.system())
    assert declined.status == InstalmentPlan.Status.DECLINED and not declined.instalments.exists()
    with pytest.raises(RuleViolation) as refused:
        instalment_plan_decide(plan_id=declined.pk, approve=True, reason="", actor=Actor.system())
    assert refused.value.rule == errors.INSTALMENT_PLAN_STATE


def test_m5_a_bad_number_of_instalments_is_refused(db):
    from orders import hooks

    order = order_with_lines(2500, payment_method="instalments")
    with pytest.raises(RuleViolation) as refused:
        hooks.notify(hooks.ORDER_PLACED, order=order, payment={"method": "instalments", "number_of_instalments": 1})
    assert refused.value.rule == errors.INSTALMENTS_INVALID


def test_m5_a_reminder_goes_by_sms_before_the_due_date_once(plan):
    with time_machine.travel(dt.datetime(2027, 1, 25, 9, tzinfo=dt.UTC), tick=False):
        assert instalments_remind(actor=Actor.system()) == 0  # six days before: not yet
    with time_machine.travel(dt.datetime(2027, 1, 26, 9, tzinfo=dt.UTC), tick=False):
        instalments_remind(actor=Actor.system())
        instalments_remind(actor=Actor.system())
    reminders = Message.objects.filter(kind="instalment_reminder")
    assert [(m.channel, m.recipient) for m in reminders] == [("sms", "+447700900123")]


def test_m5_a_missed_instalment_puts_the_plan_in_arrears_until_paid(plan):
    first = plan.instalments.get(number=1)
    with time_machine.travel(dt.datetime(2027, 2, 1, 9, tzinfo=dt.UTC), tick=False):
        assert instalments_mark_missed(actor=Actor.system()) == 1
        plan.refresh_from_db()
        assert plan.status == InstalmentPlan.Status.IN_ARREARS
        assert instalment_arrears_pence(plan=plan) == 3334
        assert Message.objects.filter(kind="instalment_missed").count() == 1
        instalment_pay(instalment_id=first.pk, reference="SO-1", actor=Actor.system())
        plan.refresh_from_db()
        assert plan.status == InstalmentPlan.Status.ACTIVE
        assert instalment_arrears_pence(plan=plan) == 0


def test_m5_the_last_instalment_completes_the_plan_so_title_can_pass(plan, commit):
    with commit():
        for instalment in plan.instalments.order_by("number"):
            instalment_pay(instalment_id=instalment.pk, reference=f"SO-{instalment.number}", actor=Actor.system())
    plan.refresh_from_db()
    assert plan.status == InstalmentPlan.Status.COMPLETED and plan.paid_in_full_at is not None
    assert LedgerEntry.objects.filter(kind="instalment").count() == 3
    lines = plan.order.lines.order_by("pk")
    assert accepted_by_payment(plan.order) == [line.pk for line in lines]  # the first payment made them contracts


def test_m5_months_are_added_keeping_the_day_or_the_months_last(db):
    assert add_months(dt.date(2027, 1, 31), 1) == dt.date(2027, 2, 28)
    assert add_months(dt.date(2027, 11, 15), 3) == dt.date(2028, 2, 15)
