import datetime as dt

import pytest
import time_machine

from mint_shop.actors import Actor
from notifications.models import Message
from orders.services import order_despatch, order_lines_allocate, orders_notify_delays
from orders.tasks import orders_notify_delays as orders_notify_delays_task
from tests.factories import UserFactory
from tests.orders.factories import place_order

pytestmark = pytest.mark.django_db
PLACED = dt.datetime(2026, 11, 2, 10, tzinfo=dt.UTC)  # promised by 23 November


def test_o6_an_order_two_days_from_its_promise_gets_one_written_delay_notice(customer, product):
    with time_machine.travel(PLACED):
        order = place_order(customer, (product, 1))
    with time_machine.travel(dt.datetime(2026, 11, 20, 7, tzinfo=dt.UTC)):
        assert orders_notify_delays(actor=Actor.system()) == []
    with time_machine.travel(dt.datetime(2026, 11, 21, 7, tzinfo=dt.UTC)):
        assert orders_notify_delays(actor=Actor.system()) == [order.pk]
        assert orders_notify_delays_task.delay().get() == 0  # the daily run is safe to repeat
    order.refresh_from_db()
    assert order.delay_notified_at is not None
    assert order.delay_cancellable_from == order.delay_notified_at  # R8 opens
    notice = Message.objects.get(kind="delay_notice")
    assert "cancel it now for a full refund" in notice.body


def test_o6_a_despatched_order_gets_no_delay_notice(customer, product):
    warehouse = Actor.staff(UserFactory(username="w", is_staff=True))
    with time_machine.travel(PLACED):
        order = place_order(customer, (product, 1))
        order_lines_allocate(order_id=order.pk, actor=warehouse)
        order_despatch(order_id=order.pk, line_ids=[order.lines.get().pk], carrier="DPD", tracking_number="1",
                       actor=warehouse)
    with time_machine.travel(dt.datetime(2026, 12, 1, tzinfo=dt.UTC)):
        assert orders_notify_delays(actor=Actor.system()) == []
