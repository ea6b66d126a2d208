"""D7 meets X3: staff notes about a referral are notes about a person, and go with their erasure."""

import datetime as dt

import pytest
import time_machine

from mint_shop import clock
from mint_shop.actors import Actor
from orders.models import Order
from orders.services import order_decline
from promotions import tasks
from promotions.models import Referral
from promotions.services import referral_join
from promotions.services.referrals import referral_clawback_resolve
from tests.consents.rights.helpers import tables_holding
from tests.customers.helpers import api
from tests.factories import CustomerFactory
from tests.promotions.factories import order_with

pytestmark = pytest.mark.django_db

START = dt.datetime(2026, 3, 2, 10, 0, tzinfo=clock.LONDON)


def test_d7_erasing_a_referred_friend_erases_the_clawback_note_that_names_them(commit, customer, gift, staff_user):
    invitation = referral_join(customer=customer, actor=Actor.customer(customer.user))
    with time_machine.travel(START, tick=False):
        friend = CustomerFactory(first_name="Hortensia", last_name="Pellingham", address_line1="4 Friend Road")
        commit(lambda: order_with(friend, (gift, 2), referral=invitation.token))
    clerk = Actor.staff(staff_user("customer_service"))
    for day in range(1, 13):  # the referrer's reward is earned on day 10; the friend's order is declined on day 11
        with time_machine.travel(START + dt.timedelta(days=day), tick=False):
            if day == 11:
                commit(lambda: order_decline(order_id=Order.objects.get(customer=friend).pk, reason="Declined",
                                             actor=clerk))
            commit(lambda: tasks.referral_rewards_earn_due.delay())
            tasks.referral_clawbacks_flag.delay()
    referral = Referral.objects.get(friend=friend)
    referral_clawback_resolve(referral_id=referral.pk, note="Spoke to Hortensia Pellingham; reward left to stand",
                              actor=clerk)

    made = api(friend.user).post("/api/v1/me/data-requests/", {"kind": "erasure"}, format="json").json()
    answered = api(staff_user("compliance")).post(f"/api/v1/staff/data-requests/{made['id']}/answer/")

    assert answered.status_code == 200, answered.json()
    assert tables_holding("Pellingham") == []
    assert Referral.objects.get(pk=referral.pk).clawback_resolved_at is not None  # the record of it stays
