"""`mint_shop.rows.rows_create` writes what `Model.objects.create` writes, history row included (issue 15)."""

import pytest
from django.db.models.signals import post_save, pre_save
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


def test_rows_create_writes_many_rows_in_one_insert_and_their_history_in_another(django_assert_num_queries):
    order = row_create(Order(customer=CustomerFactory(), channel="online"))
    product = ProductFactory()
    with django_assert_num_queries(2):
        lines = rows_create(
            [OrderLine(order=order, product=product, quantity=q, unit_price_pence=100) for q in (1, 2, 3)]
        )
    assert [line.quantity for line in OrderLine.objects.filter(pk__in=[line.pk for line in lines])] == [1, 2, 3]
    assert sorted(OrderLine.history.values_list("id", "quantity")) == [(line.pk, line.quantity) for line in lines]


def test_rows_create_refuses_a_model_with_its_own_save_and_a_row_that_brings_its_key():
    with pytest.raises(TypeError, match="payments.LedgerEntry"):
        row_create(LedgerEntry(order=row_create(Order(customer=CustomerFactory(), channel="web")), kind="discount"))
    with pytest.raises(ValueError, match="the database gives the key"):
        row_create(Order(pk=10**9, customer=CustomerFactory(), channel="web"))
