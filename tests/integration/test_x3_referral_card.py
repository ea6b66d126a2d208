"""X3 end to end with card payments: a friend paying with the referrer's card earns the referrer nothing."""

import datetime as dt

import time_machine

from mint_shop import clock
from mint_shop.actors import Actor
from payments.models import Authorisation
from promotions import tasks
from promotions.models import Referral, Reward
from promotions.services import referral_join
from tests.factories import CustomerFactory, ProductFactory, RangeFactory
from tests.integration.conftest import order_body

START = dt.datetime(2026, 3, 2, 10, 0, tzinfo=clock.LONDON)
OTHER_CARD = "5555555555554444"


def test_x3_a_friend_paying_with_the_referrers_card_is_the_referrer_and_earns_nothing(api, customer, card, shop):
    gift = ProductFactory(range=RangeFactory(code="gifts", name="Gifts"), price_pence=2500, stock=20)
    with time_machine.travel(START, tick=False):
        invitation = referral_join(customer=customer, actor=Actor.customer(customer.user))
        paid = api(customer.user).post(
            "/api/v1/orders/", order_body((gift, 1), payment={"method": "card", "stripe_payment_method_id": card()})
        )
        assert paid.status_code == 201, paid.json()
        friends = [CustomerFactory(address_line1=f"{n} Other Road") for n in range(2)]
        for friend, number in zip(friends, (None, OTHER_CARD), strict=True):
            payment = {"method": "card", "stripe_payment_method_id": card(number) if number else card()}
            placed = api(friend.user).post(
                "/api/v1/orders/", order_body((gift, 2), payment=payment, referral=invitation.token)
            )
            assert placed.status_code == 201, placed.json()
    fingerprints = list(Authorisation.objects.order_by("pk").values_list("card_fingerprint", flat=True))
    assert fingerprints[0] == fingerprints[1] != fingerprints[2] and all(fingerprints)
    with time_machine.travel(START + dt.timedelta(days=10), tick=False):
        tasks.referral_rewards_earn_due.delay()
    same_card, other_card = (Referral.objects.get(friend=friend) for friend in friends)
    assert (same_card.status, same_card.refused_reason) == ("refused", "The friend pays with the referrer's card.")
    assert other_card.status == "earned"
    assert Reward.objects.filter(customer=customer, kind="referrer").count() == 1
