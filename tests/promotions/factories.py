"""Promo codes for tests, and placing orders with them through the real service."""

import datetime as dt

import factory
from django.utils import timezone

from mint_shop.actors import Actor
from orders.services import LineRequest, order_place
from promotions.models import PromoCode
from promotions.services import PromotionRequest
from tests.orders.factories import ADDRESS


class PromoCodeFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = PromoCode

    code = factory.Sequence(lambda n: f"SAVE{n:03d}")
    kind = PromoCode.Kind.FIXED
    amount_pence = 500
    terms = "£5 off; one per customer while stocks last."
    starts_at = factory.LazyFunction(lambda: timezone.now() - dt.timedelta(days=1))
    expires_at = factory.LazyFunction(lambda: timezone.now() + dt.timedelta(days=30))


def order_with(customer, *items, code="", referral="", delivery=ADDRESS, actor=None):
    """Place an online order of (product, quantity) pairs with a promo code and/or a referral."""
    order, _ = order_place(
        customer=customer,
        lines=[LineRequest(product_id=product.pk, quantity=quantity) for product, quantity in items],
        delivery=delivery,
        payment={"method": "bank_transfer"},
        actor=actor or Actor.customer(customer.user),
        promotion=PromotionRequest(code=code, referral=referral),
    )
    return order
