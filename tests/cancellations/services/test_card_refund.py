import datetime as dt

import pytest

from cancellations.models import Cancellation
from cancellations.services import cancellation_request, goods_return_record
from mint_shop.actors import Actor
from orders.services import LineRequest, order_place
from payments import gateway
from payments.models import LedgerEntry, Refund
from tests.cancellations.factories import deliver
from tests.orders.factories import ADDRESS

pytestmark = [pytest.mark.django_db, pytest.mark.integration]


@pytest.fixture
def card_order(localstripe, commit, customer, coin, medal):
    """Two coins paid by card online: authorised at placing, captured at despatch (M2, M4), delivered."""
    payment_method = gateway.stripe_client().v1.payment_methods.create(
        params={"type": "card", "card": {"number": "4242424242424242", "exp_month": 12, "exp_year": 2030, "cvc": "123"}}
    )
    with commit():
        order, _ = order_place(
            customer=customer,
            lines=[LineRequest(product_id=coin.pk, quantity=1), LineRequest(product_id=medal.pk, quantity=1)],
            delivery=ADDRESS,
            payment={"method": "card", "stripe_payment_method_id": payment_method.id},
            actor=Actor.customer(customer.user),
        )
    deliver(commit, order)
    return order


def test_r1_a_card_order_cancelled_in_the_period_is_refunded_through_stripe(card_order, commit):
    coin_line = card_order.lines.order_by("pk").first()
    with commit():
        cancellation = cancellation_request(
            order_id=card_order.pk, line_ids=[coin_line.pk], customer=card_order.customer, actor=Actor.system()
        ).cancellation
        goods_return_record(
            cancellation_id=cancellation.pk,
            line_ids=[coin_line.pk],
            received_on=dt.date.today(),
            condition="as_sent",
            actor=Actor.system(),
        )
    cancellation = Cancellation.objects.get(pk=cancellation.pk)
    assert cancellation.refund.means == Refund.Means.CARD
    assert cancellation.refund.status == Refund.Status.PAID
    entry = LedgerEntry.objects.get(order=card_order, kind="refund")
    assert entry.amount_pence == 2500
    assert gateway.stripe_client().v1.refunds.retrieve(entry.external_id).amount == 2500
