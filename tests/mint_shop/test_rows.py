"""`mint_shop.rows.rows_create` writes what `Model.objects.create` writes, history row included (issue 15)."""

from datetime import timedelta

import pytest
from django.db import connection
from django.db.models.signals import post_save, pre_save
from django.utils import timezone
from simple_history.models import HistoricalRecords
from simple_history.signals import post_create_historical_record, pre_create_historical_record
from simple_history.utils import get_history_model_for_model

from mint_shop.rows import row_create, rows_create
from notifications.models import Message
from orders.models import Order, OrderEvent, OrderLine
from payments.models import Authorisation, CardOperation, LedgerEntry, OrderPayment
from tests.factories import CustomerFactory, ProductFactory, UserFactory

pytestmark = pytest.mark.django_db

# Every model written through rows_create. It sends no pre_save/post_save: a receiver added to one
# of these would be skipped silently, so this test says so first.
WRITTEN_BY_ROWS_CREATE = [Order, OrderLine, OrderEvent, Message, OrderPayment, Authorisation, CardOperation]
# Set by the database or the clock, or pointing at the chain of rows each way made.
DIFFERS = {"id", "history_id", "history_date", "placed_at", "created_at", "key", "order_id", "order_payment_id"}
DIFFERS |= {"reference", "dedupe_key"}


@pytest.mark.parametrize("model", WRITTEN_BY_ROWS_CREATE, ids=lambda m: m.__name__)
def test_no_receiver_but_simple_history_listens_to_the_models_rows_create_writes(model):
    assert not pre_save.has_listeners(model)
    sync, asynchronous = post_save._live_receivers(model)
    assert not asynchronous and all(isinstance(getattr(r, "__self__", None), HistoricalRecords) for r in sync)
    if hasattr(model._meta, "simple_history_manager_attribute"):
        history_model = get_history_model_for_model(model)
        assert not pre_create_historical_record.has_listeners(history_model)
        assert not post_create_historical_record.has_listeners(history_model)


def _chain(write, customer, product, user):
    """The rows an order placement writes, each made by `write` (create, or rows_create)."""
    order = write(Order, customer=customer, channel="web", delivery_name="Ada", delivery_country="FR")
    lines = [write(OrderLine, order=order, product=product, quantity=q, unit_price_pence=2500) for q in (1, 2)]
    event = write(OrderEvent, order=order, kind="placed", actor="customer", actor_user=user, data={"channel": "x"})
    message = write(
        Message,
        channel="email",
        kind="acknowledgment",
        recipient="a@example.com",
        body="Thanks",
        customer=customer,
        dedupe_key=f"order:{order.pk}:acknowledgment",
    )
    payment = write(
        OrderPayment, order=order, method="card", reference=f"MINT-{order.pk}", stripe_payment_method_id="pm_1"
    )
    authorisation = write(Authorisation, order_payment=payment, amount_pence=5395)
    operation = write(CardOperation, order_payment=payment, kind="authorise", amount_pence=5395, line_ids=[1, 2])
    return [order, *lines, event, message, payment, authorisation, operation]


def _writer(save, user):
    def write(model, **values):
        obj = model(**values)
        obj._history_user = user  # as HistoryRequestMiddleware's user would be
        return save(obj)

    return write


def _orm_save(obj):
    obj.save(force_insert=True)
    return obj


def _stored(obj):
    row = {k: v for k, v in type(obj).objects.filter(pk=obj.pk).values().get().items() if k not in DIFFERS}
    history = getattr(type(obj), "history", None)
    rows = [] if history is None else list(history.filter(id=obj.pk).values())
    return row, [{k: v for k, v in h.items() if k not in DIFFERS} for h in rows]


def test_rows_create_stores_the_same_rows_and_history_rows_as_create():
    customer, product, user = CustomerFactory(), ProductFactory(), UserFactory()
    by_orm = _chain(_writer(_orm_save, user), customer, product, user)
    by_rows = _chain(_writer(row_create, user), customer, product, user)
    assert [_stored(obj) for obj in by_rows] == [_stored(obj) for obj in by_orm]
    assert all(obj.pk is not None and not obj._state.adding for obj in by_rows)
    assert by_rows[0].placed_at is not None and by_rows[-1].created_at is not None  # auto_now_add, as create sets them
    assert by_rows[-1].key != by_orm[-1].key  # each its own idempotency key (UUID default)


def test_rows_create_gives_history_the_user_and_reason_set_on_the_instance():
    user = UserFactory()
    order = Order(customer=CustomerFactory(), channel="phone")
    order._history_user, order._change_reason = user, "keyed by phone"
    row_create(order)
    (history,) = order.history.all()
    assert (history.history_type, history.history_user, history.history_change_reason) == ("+", user, "keyed by phone")
    assert history.history_date >= order.placed_at


def test_rows_create_writes_many_rows_and_their_history_in_one_statement_on_postgresql(django_assert_num_queries):
    """Issue 15: on PostgreSQL the rows and their history rows are one INSERT inside WITH; elsewhere two."""
    order = row_create(Order(customer=CustomerFactory(), channel="online"))
    product = ProductFactory()
    with django_assert_num_queries(1 if connection.vendor == "postgresql" else 2):
        lines = rows_create(
            [OrderLine(order=order, product=product, quantity=q, unit_price_pence=100) for q in (1, 2, 3)]
        )
    assert [line.quantity for line in OrderLine.objects.filter(pk__in=[line.pk for line in lines])] == [1, 2, 3]
    assert sorted(OrderLine.history.values_list("id", "quantity")) == [(line.pk, line.quantity) for line in lines]


def _lines(order, count):
    """New lines, each of its own product, quantity and price, so a key given to the wrong one shows."""
    return [
        OrderLine(order=order, product=ProductFactory(), quantity=n, unit_price_pence=100 * n)
        for n in range(1, count + 1)
    ]


def _as_stored(line):
    return (line.order_id, line.product_id, line.quantity, line.unit_price_pence)


def test_rows_create_gives_each_of_many_objects_its_own_key_and_history_row_as_create_does():
    """Several rows in one call: each object gets the key of its own row, in the order given, and one
    history row like simple-history's, by the same user and at one time."""
    user = UserFactory()
    order = row_create(Order(customer=CustomerFactory(), channel="web"))
    lines = _lines(order, 12)
    for line in lines:
        line._history_user = user
    before = timezone.now()
    rows_create(lines)
    stored = {line.pk: line for line in OrderLine.objects.filter(order=order)}
    assert [_as_stored(stored[line.pk]) for line in lines] == [_as_stored(line) for line in lines]
    assert all(line.pk is not None and not line._state.adding and line._state.db == "default" for line in lines)
    history = {h.id: h for h in OrderLine.history.filter(id__in=stored)}
    assert OrderLine.history.filter(id__in=stored).count() == len(history) == 12  # one each
    for line in lines:
        h = history[line.pk]
        assert (h.history_type, h.history_user, h.history_change_reason) == ("+", user, None)
        assert _as_stored(h) == _as_stored(line)
        assert before <= h.history_date <= timezone.now()
    assert len({h.history_date for h in history.values()}) == 1  # one call, one time, as before


def test_rows_create_writes_no_history_row_for_an_object_that_skips_history():
    """simple-history's `skip_history_when_saving`: no history row for that object, the others keep theirs."""
    order = row_create(Order(customer=CustomerFactory(), channel="web"))
    lines = _lines(order, 3)
    lines[1].skip_history_when_saving = True
    rows_create(lines)
    assert sorted(OrderLine.history.values_list("id", "quantity")) == sorted(
        (line.pk, line.quantity) for line in (lines[0], lines[2])
    )
    assert [_as_stored(OrderLine.objects.get(pk=line.pk)) for line in lines] == [_as_stored(line) for line in lines]

    skipped = _lines(order, 2)
    for line in skipped:
        line.skip_history_when_saving = True
    rows_create(skipped)
    assert all(line.pk is not None for line in skipped)
    assert not OrderLine.history.filter(id__in=[line.pk for line in skipped]).exists()


def test_rows_create_gives_each_history_row_its_own_objects_reason_user_and_date():
    """Per-object change reason, user and `_history_date` are honoured when they differ within a call."""
    users = [UserFactory(), UserFactory(), None]
    reasons = ["keyed by phone", None, "from the post"]
    dates = [timezone.now() - timedelta(days=d) for d in (3, 2, 1)]
    order = row_create(Order(customer=CustomerFactory(), channel="phone"))
    lines = _lines(order, 3)
    for line, user, reason, date in zip(lines, users, reasons, dates, strict=True):
        line._history_user, line._change_reason, line._history_date = user, reason, date
    rows_create(lines)
    written = {
        h.id: (h.history_user, h.history_change_reason, h.history_date, h.quantity)
        for h in OrderLine.history.filter(id__in=[line.pk for line in lines])
    }
    assert written == {
        line.pk: (user, reason, date, line.quantity)
        for line, user, reason, date in zip(lines, users, reasons, dates, strict=True)
    }


def test_rows_create_gives_every_history_row_the_reason_and_date_they_share():
    when = timezone.now() - timedelta(hours=1)
    order = row_create(Order(customer=CustomerFactory(), channel="post"))
    lines = _lines(order, 2)
    for line in lines:
        line._change_reason, line._history_date = "keyed from a letter", when
    rows_create(lines)
    assert sorted(OrderLine.history.values_list("id", "history_change_reason", "history_date")) == [
        (line.pk, "keyed from a letter", when) for line in lines
    ]


def test_rows_create_writes_no_history_when_simple_history_is_off(settings):
    settings.SIMPLE_HISTORY_ENABLED = False
    order = row_create(Order(customer=CustomerFactory(), channel="web"))
    assert order.pk is not None and not order.history.exists()


def test_rows_create_refuses_a_model_with_its_own_save_and_a_row_that_brings_its_key():
    with pytest.raises(TypeError, match="payments.LedgerEntry"):
        row_create(LedgerEntry(order=row_create(Order(customer=CustomerFactory(), channel="web")), kind="discount"))
    with pytest.raises(ValueError, match="the database gives the key"):
        row_create(Order(pk=10**9, customer=CustomerFactory(), channel="web"))
