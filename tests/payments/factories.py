"""Orders built directly (orders' own services come with issue 4), and payments' rows."""

import factory

from orders.models import Order, OrderLine
from payments.models import OrderPayment
from tests.factories import CustomerFactory, ProductFactory


class OrderFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Order

    customer = factory.SubFactory(CustomerFactory)
    channel = "web"
    status = Order.Status.PLACED
    payment_method = "card"
    delivery_pence = 500


class OrderLineFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = OrderLine

    order = factory.SubFactory(OrderFactory)
    product = factory.SubFactory(ProductFactory)
    quantity = 1
    unit_price_pence = 2500


def order_with_lines(*prices: int, **order_fields) -> Order:
    """An order with one line per price (quantity 1) and £5 delivery unless told otherwise."""
    order = OrderFactory(**order_fields)
    for price in prices:
        OrderLineFactory(order=order, unit_price_pence=price)
    return order


class OrderPaymentFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = OrderPayment

    order = factory.SubFactory(OrderFactory)
    method = factory.LazyAttribute(lambda op: op.order.payment_method)
    reference = factory.LazyAttribute(lambda op: f"MINT-{op.order.pk}")
