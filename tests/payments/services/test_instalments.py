"""Instalments on the interest-free account (M5): payments' own logic. The flows through the API
(placing, deciding, reminders, arrears, despatch and title) are in tests/integration.
"""

import datetime as dt

import pytest
import time_machine

from mint_shop.actors import Actor
from mint_shop.errors import RuleViolation
from notifications.models import Message
from payments import errors
from payments.models import InstalmentPlan
from payments.selectors import instalment_arrears_pence
from payments.services.instalments import (
    add_months,
    instalment_pay,
    instalment_plan_decide,
    instalments_mark_missed,
)
from tests.payments.factories import order_with_lines

pytestmark = pytest.mark.django_db
FIRST_DUE = dt.date(2027, 1, 31)


@pytest.fixture
def plan(place):
    order = order_with_lines(3333, 3333, 3000, payment_method="instalments", delivery_pence=334)
    place(order, number_of_instalments=3)
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
    declined = instalment_plan_decide(
        plan_id=order.instalment_plan.pk, approve=False, reason="credit check failed", actor=Actor.system()
    )
    assert declined.status == InstalmentPlan.Status.DECLINED and not declined.instalments.exists()
    with pytest.raises(RuleViolation) as refused:
        instalment_plan_decide(plan_id=declined.pk, approve=True, reason="", actor=Actor.system())
    assert refused.value.rule == errors.INSTALMENT_PLAN_STATE


def test_m5_the_first_instalment_cannot_fall_due_before_today(place):
    order = place(order_with_lines(2500, payment_method="instalments"), number_of_instalments=2)
    with time_machine.travel(dt.datetime(2027, 1, 31, 0, 30, tzinfo=dt.UTC), tick=False):
        with pytest.raises(RuleViolation) as refused:
            instalment_plan_decide(
                plan_id=order.instalment_plan.pk, approve=True, reason="", first_due_on=dt.date(2027, 1, 30),
                actor=Actor.system(),
            )
        assert refused.value.rule == errors.INSTALMENTS_INVALID
        approved = instalment_plan_decide(
            plan_id=order.instalment_plan.pk, approve=True, reason="", first_due_on=dt.date(2027, 1, 31),
            actor=Actor.system(),
        )
    assert [i.due_on for i in approved.instalments.all()] == [dt.date(2027, 1, 31), dt.date(2027, 2, 28)]


def test_m5_a_bad_number_of_instalments_is_refused(db):
    from orders import hooks

    order = order_with_lines(2500, payment_method="instalments")
    with pytest.raises(RuleViolation) as refused:
        hooks.notify(hooks.ORDER_PLACED, order=order, payment={"method": "instalments", "number_of_instalments": 1})
    assert refused.value.rule == errors.INSTALMENTS_INVALID


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


def test_m5_months_are_added_keeping_the_day_or_the_months_last(db):
    assert add_months(dt.date(2027, 1, 31), 1) == dt.date(2027, 2, 28)
    assert add_months(dt.date(2027, 11, 15), 3) == dt.date(2028, 2, 15)
