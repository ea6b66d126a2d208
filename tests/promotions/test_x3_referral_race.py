"""X3 under real concurrency on issue 15's order path: one friend, one invitation, orders sent at once."""

import pytest
from django.db import connection

from mint_shop.actors import Actor
from mint_shop.errors import RuleViolation
from orders.models import Order
from promotions.models import Redemption, Referral
from promotions.services import referral_join
from tests.factories import CustomerFactory
from tests.orders.services.test_order_place_concurrency import _race
from tests.promotions.factories import order_with


@pytest.mark.django_db(transaction=True)
def test_x3_a_friend_sending_the_invitation_in_orders_at_once_gets_the_friend_discount_once(customer, gift):
    if connection.vendor != "postgresql":
        pytest.skip("row locks need PostgreSQL")
    invitation = referral_join(customer=customer, actor=Actor.customer(customer.user))
    friend = CustomerFactory(address_line1="9 Friend Road", postcode="CF72 8BR")
    outcomes = _race(4, lambda n: order_with(friend, (gift, 2), referral=invitation.token))
    placed = [o for o in outcomes if isinstance(o, Order)]
    assert len(placed) == 1, outcomes
    assert all(isinstance(o, RuleViolation) for o in outcomes if not isinstance(o, Order)), outcomes
    assert Referral.objects.filter(friend=friend).count() == 1
    assert Redemption.objects.filter(customer=friend, reward__isnull=False).count() == 1
