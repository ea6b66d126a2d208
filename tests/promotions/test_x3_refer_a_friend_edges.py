"""X3 edges found by review: a refused referral stays refused, the friend's reward is for their first
gifts order only, and two claims racing for one friend give one referral (real threads on PostgreSQL)."""

import datetime as dt
import threading

import pytest
import time_machine
from django.db import connections
from rest_framework.test import APIClient

from mint_shop import clock
from mint_shop.actors import Actor
from orders.models import Order
from promotions import errors, tasks
from promotions.models import Referral, ReferralInvitation, Reward
from promotions.services import referral_join, referral_refuse
from tests.factories import CustomerFactory

START = dt.datetime(2026, 3, 2, 10, 0, tzinfo=clock.LONDON)


def _api(customer):
    client = APIClient()
    client.force_authenticate(customer.user)
    return client


def _friend():
    return CustomerFactory(address_line1="7 Friend Road", postcode="CF72 8BR")


def _order_body(*items, **extra):
    return {
        "lines": [{"product_id": product.pk, "quantity": quantity} for product, quantity in items],
        "delivery": {"option": "uk-standard", "name": "A Friend", "address": "7 Friend Road", "postcode": "CF72 8BR"},
        "payment": {"method": "bank_transfer"},
        **extra,
    }


@pytest.fixture
def invitation(customer):
    return referral_join(customer=customer, actor=Actor.customer(customer.user))


def test_x3_a_referral_staff_refused_stays_refused_when_the_friend_then_buys(
    commit, customer, invitation, gift, staff_user
):
    friend = _friend()
    with time_machine.travel(START, tick=False):
        claimed = _api(friend).post("/api/v1/me/referral/claim/", {"invitation": invitation.token}, format="json")
        assert claimed.status_code == 201
        referral = Referral.objects.get(friend=friend)
        referral_refuse(
            referral_id=referral.pk, reason="Referrer farming sign-ups", actor=Actor.staff(staff_user("marketing"))
        )
        # T&C 18.6 refuses the referrer's reward; the friend keeps and uses their own.
        response = commit(lambda: _api(friend).post(
            "/api/v1/orders/", _order_body((gift, 2), referral=claimed.json()["code"]), format="json"
        ))
    assert response.status_code == 201, response.json()
    with time_machine.travel(START + dt.timedelta(days=10), tick=False):
        commit(lambda: tasks.referral_rewards_earn_due.delay())
    referral.refresh_from_db()
    assert referral.status == Referral.Status.REFUSED
    assert "Referrer farming sign-ups" in referral.refused_reason
    assert not Reward.objects.filter(customer=customer, kind=Reward.Kind.REFERRER).exists()


def test_x3_the_friends_reward_is_refused_on_a_gifts_order_after_their_first(commit, customer, invitation, gift):
    friend = _friend()
    claimed = _api(friend).post("/api/v1/me/referral/claim/", {"invitation": invitation.token}, format="json")
    assert claimed.status_code == 201
    first = commit(lambda: _api(friend).post("/api/v1/orders/", _order_body((gift, 2)), format="json"))
    assert first.status_code == 201
    for referral in (claimed.json()["code"], invitation.token):
        body = _order_body((gift, 2), referral=referral)
        response = commit(lambda: _api(friend).post("/api/v1/orders/", body, format="json"))  # noqa: B023
        assert response.status_code == 409, response.json()
        assert (response.json()["code"], response.json()["rule"]) == (errors.FRIEND_NOT_NEW.code, "X3")
    assert Order.objects.filter(customer=friend).count() == 1
    assert Reward.objects.get(customer=friend).status == Reward.Status.AVAILABLE
    assert Referral.objects.get(friend=friend).status == Referral.Status.CLAIMED


def _race(customer, url: str, body: dict) -> list:
    """The same customer posts twice at once (real threads on PostgreSQL); the status codes, or the faults."""
    barrier = threading.Barrier(2)
    statuses = []

    def post():
        try:
            barrier.wait()
            statuses.append(_api(customer).post(url, body, format="json").status_code)
        except Exception as exc:  # an IntegrityError surfacing as a 500 fails the caller's assertion
            statuses.append(repr(exc))
        finally:
            connections.close_all()

    threads = [threading.Thread(target=post) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(60)
    return sorted(statuses, key=str)


@pytest.mark.django_db(transaction=True)
def test_x3_two_claims_racing_for_one_friend_give_one_referral_and_a_4xx(shop, customer):
    invitation = referral_join(customer=customer, actor=Actor.customer(customer.user))
    friend = _friend()
    assert _race(friend, "/api/v1/me/referral/claim/", {"invitation": invitation.token}) == [201, 409]
    assert (Referral.objects.filter(friend=friend).count(), Reward.objects.filter(customer=friend).count()) == (1, 1)


@pytest.mark.django_db(transaction=True)
def test_x3_two_joins_racing_give_the_referrer_one_invitation(shop, customer):
    assert _race(customer, "/api/v1/me/referral/join/", {}) == [201, 201]
    assert ReferralInvitation.objects.filter(referrer=customer).count() == 1
