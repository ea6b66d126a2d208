"""The orders→payments contract (orders/hooks.py): what is called, with which lines, and refusals roll back."""

import pytest

from catalogue.models import Product
from mint_shop.actors import Actor
from mint_shop.errors import Rule, RuleViolation
from orders import hooks
from orders.models import Order
from orders.services import PaymentRequest
from tests.factories import ProductFactory, UserFactory
from tests.orders.factories import place_order

pytestmark = pytest.mark.django_db
CARD_REFUSED = Rule("card_refused", "M2", 402)


def test_order_placed_is_called_inside_the_transaction_with_the_order_and_payment(customer, product, hook_calls):
    seen = []
    def handler(*, order, payment, lines, redemptions):
        seen.append((order.lines.count(), [line.pk for line in lines], payment, redemptions))

    hooks.register(hooks.ORDER_PLACED, handler)
    order = place_order(customer, (product, 1), (ProductFactory(), 2), method="card")
    # The lines just written come with the event, so a handler need not read them again.
    line_ids = list(order.lines.order_by("pk").values_list("pk", flat=True))
    assert seen == [(2, line_ids, PaymentRequest(method="card"), [])]
    assert [kwargs["order"] for event, kwargs in hook_calls if event == hooks.ORDER_PLACED] == [order]


def test_a_handler_refusing_order_placed_rolls_the_whole_order_back(customer, product, hook_calls):
    def refuse(**kwargs):
        raise RuleViolation(CARD_REFUSED, "The card was declined.")

    hooks.register(hooks.ORDER_PLACED, refuse)
    with pytest.raises(RuleViolation):
        place_order(customer, (product, 3), method="card")
    product.refresh_from_db()
    assert (Order.objects.count(), product.stock) == (0, 10)


def test_a_handler_refusing_lines_withdrawn_keeps_the_offer_and_its_stock(customer, product, hook_calls):
    from orders.services import order_decline

    order = place_order(customer, (product, 2))

    def refuse(**kwargs):
        raise RuleViolation(CARD_REFUSED, "Could not release the hold.")

    hooks.register(hooks.LINES_WITHDRAWN, refuse)
    with pytest.raises(RuleViolation):
        order_decline(order_id=order.pk, reason="x", actor=Actor.staff(UserFactory(username="s", is_staff=True)))
    order.refresh_from_db()
    assert order.status == Order.Status.PLACED
    assert Product.objects.get(pk=product.pk).stock == 8


def test_unknown_events_cannot_be_registered():
    with pytest.raises(ValueError):
        hooks.register("order_exploded", lambda **kwargs: None)
