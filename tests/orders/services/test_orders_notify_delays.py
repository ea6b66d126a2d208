import datetime as dt

import pytest
import time_machine

from mint_shop.actors import Actor
from notifications.models import Message
from orders.models import OrderLine
from orders.services import order_despatch, order_lines_allocate, orders_notify_delays
from orders.tasks import orders_notify_delays as orders_notify_delays_task
from tests.factories import ProductFactory, UserFactory
from tests.orders.factories import place_order

pytestmark = pytest.mark.django_db
PLACED = dt.datetime(2026, 11, 2, 10, tzinfo=dt.UTC)  # promised by 23 November


def test_o6_a_line_two_days_from_its_promise_gets_one_written_delay_notice(customer, product):
    with time_machine.travel(PLACED):
        order = place_order(customer, (product, 1))
    with time_machine.travel(dt.datetime(2026, 11, 20, 7, tzinfo=dt.UTC)):
        assert orders_notify_delays(actor=Actor.system()) == []
    with time_machine.travel(dt.datetime(2026, 11, 21, 7, tzinfo=dt.UTC)):
        assert orders_notify_delays(actor=Actor.system()) == [order.pk]
        assert orders_notify_delays_task.delay().get() == 0  # the daily run is safe to repeat
    assert order.lines.get().delay_notified_at is not None  # R8 opens for this line
    notice = Message.objects.get(kind="delay_notice")
    assert "cancel them now for a full refund" in notice.body


def test_o6_a_despatched_line_not_delivered_by_its_promise_gets_the_delay_notice(customer, product):
    warehouse = Actor.staff(UserFactory(username="w", is_staff=True))
    with time_machine.travel(PLACED):
        order = place_order(customer, (product, 1))
    with time_machine.travel(dt.datetime(2026, 11, 18, 9, tzinfo=dt.UTC)):
        assert orders_notify_delays(actor=Actor.system()) == []
    with time_machine.travel(dt.datetime(2026, 11, 22, 9, tzinfo=dt.UTC)):  # day 20: despatched
        order_lines_allocate(order_id=order.pk, actor=warehouse)
        order_despatch(order_id=order.pk, line_ids=[order.lines.get().pk], carrier="DPD", tracking_number="1",
                       actor=warehouse)
    with time_machine.travel(dt.datetime(2026, 11, 24, 9, tzinfo=dt.UTC)):  # day 22: still on its way
        assert orders_notify_delays(actor=Actor.system()) == [order.pk]
    assert order.lines.get().delay_notified_at is not None


def test_o6_the_promise_is_per_line_so_a_pre_sale_line_does_not_hide_a_late_one(customer, product):
    presale = ProductFactory(stock=5, launch_date=dt.date(2026, 12, 20), presale_opens_on=dt.date(2026, 11, 1))
    with time_machine.travel(PLACED):
        order = place_order(customer, (product, 1), (presale, 1))
    in_stock, pre_sale = order.lines.order_by("pk")
    assert (in_stock.promised_by, pre_sale.promised_by) == (dt.date(2026, 11, 23), dt.date(2027, 1, 10))
    with time_machine.travel(dt.datetime(2026, 11, 24, 9, tzinfo=dt.UTC)):
        assert orders_notify_delays(actor=Actor.system()) == [order.pk]
    told = set(OrderLine.objects.filter(delay_notified_at__isnull=False).values_list("pk", flat=True))
    assert told == {in_stock.pk}
    assert "promised by 23 November 2026" in Message.objects.get(kind="delay_notice").body
