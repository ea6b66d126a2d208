import datetime as dt

import pytest

from cancellations.models import Cancellation
from cancellations.services import source_of_funds_orders_cancel
from customers.models import SourceOfFundsRequest
from mint_shop import clock
from mint_shop.actors import Actor
from orders.models import Order
from tests.cancellations.factories import paid_order

pytestmark = pytest.mark.django_db


def _request(order, django_user_model, **kwargs):
    staff = django_user_model.objects.create_user(username="compliance", is_staff=True)
    return SourceOfFundsRequest.objects.create(
        customer=order.customer,
        order=order,
        requested_at=clock.now(),
        requested_by=staff,
        due_on=kwargs.pop("due_on", clock.today()),
        **kwargs,
    )


def test_c5_a_refused_request_cancels_the_order_and_refunds_everything_taken(commit, customer, coin, django_user_model):
    order = paid_order(commit, customer, (coin, 2))
    request = _request(order, django_user_model, outcome=SourceOfFundsRequest.Outcome.REFUSED)
    with commit():
        assert source_of_funds_orders_cancel(actor=Actor.system()) == [request.pk]
    cancellation = Cancellation.objects.get()
    assert cancellation.right == Cancellation.Right.SOURCE_OF_FUNDS
    assert (cancellation.goods_pence, cancellation.delivery_pence, cancellation.refund_pence) == (5000, 395, 5395)
    assert cancellation.refund.amount_pence == 5395
    assert Order.objects.get(pk=order.pk).status == Order.Status.CANCELLED
    request.refresh_from_db()
    assert request.order_cancelled_at is not None
    # Safe to run twice: the request is off the list, nothing more is cancelled.
    assert source_of_funds_orders_cancel(actor=Actor.system()) == []
    assert Cancellation.objects.count() == 1


def test_c5_an_unpaid_overdue_request_withdraws_the_offer_and_refunds_nothing(
    commit, customer, coin, django_user_model
):
    order = paid_order(commit, customer, (coin, 1), paid=False)
    _request(order, django_user_model, due_on=clock.today() - dt.timedelta(days=1))
    with commit():
        source_of_funds_orders_cancel(actor=Actor.system())
    cancellation = Cancellation.objects.get()
    assert (cancellation.not_paid_pence, cancellation.refund_pence, cancellation.refund) == (2895, 0, None)
    assert Order.objects.get(pk=order.pk).status == Order.Status.CANCELLED
