"""A product withdrawn from sale (P3) while staff act on one of its open orders: every path
takes its locks in one order, and a deadlock or serialisation failure that still comes is run
again, never answered 5xx. Real threads on PostgreSQL, through the HTTP API."""

import threading

import pytest

from orders.models import Order, OrderLine
from orders.services import _common, withdrawal
from tests.integration.conftest import order_body
from tests.integration.test_payments_concurrency import _client_for, _race, postgresql  # noqa: F401

pytestmark = [pytest.mark.integration, pytest.mark.django_db(transaction=True)]


@pytest.mark.parametrize("attempt", range(3))
def test_p3_withdrawing_a_product_while_its_order_is_declined_never_answers_5xx(
    attempt, as_customer, staff, coin, monkeypatch
):
    placed = as_customer.client.post(
        "/api/v1/orders/", order_body((coin, 1), payment={"method": "bank_transfer"}), format="json"
    )
    order_id = placed.json()["id"]
    meet = threading.Barrier(2, timeout=1)

    def meeting(then):
        def run(*args, **kwargs):
            try:
                meet.wait()
            except threading.BrokenBarrierError:
                pass
            return then(*args, **kwargs)

        return run

    monkeypatch.setattr(_common, "stock_lock", meeting(_common.stock_lock))  # the decline, holding the order
    monkeypatch.setattr(withdrawal, "lock_order", meeting(withdrawal.lock_order))  # the withdrawal, holding the product
    warehouse, customer_service = _client_for(staff("warehouse")), _client_for(staff("customer_service"))

    withdrawn, declined = _race(
        lambda: warehouse.post(f"/api/v1/staff/products/{coin.pk}/withdraw/"),
        lambda: customer_service.post(
            f"/api/v1/staff/orders/{order_id}/decline/", {"reason": "Out of engraving capacity."}, format="json"
        ),
    )

    assert getattr(withdrawn, "status_code", withdrawn) == 200, getattr(withdrawn, "content", withdrawn)
    assert getattr(declined, "status_code", declined) in (200, 409), getattr(declined, "content", declined)
    line = OrderLine.objects.get(order_id=order_id)
    assert line.withdrawn_at is not None
    assert Order.objects.get(pk=order_id).status in (Order.Status.DECLINED, Order.Status.CANCELLED)
    coin.refresh_from_db()
    assert coin.stock == 10  # the one unit came back once
