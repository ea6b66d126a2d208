"""Issue 15: what placing an order costs the database, with every app's hooks active.

Counted as the issue counts them: the statements the request sends, the customer signed in
(`force_authenticate`: a token costs the same fixed statements on every request, counted in
the refusal test below). Inside a test the service's transaction is a savepoint pair, so
its BEGIN and COMMIT are counted too.
"""

import pytest
from django.db import connection
from rest_framework.authtoken.models import Token
from rest_framework.test import APIClient

from catalogue.models import Product
from orders.models import Order
from payments.models import Authorisation, CardOperation, OrderPayment
from tests.factories import ProductFactory
from tests.integration.conftest import order_body
from tests.promotions.factories import PromoCodeFactory

pytestmark = [pytest.mark.django_db, pytest.mark.integration]

CARD = {"method": "card", "stripe_payment_method_id": "pm_card_visa"}
# The order, its lines, the order payment and the authorisation are each written with their history
# rows in one statement on PostgreSQL; SQLite has no INSERT inside WITH, so each costs one more there.
HISTORY_APART = 0 if connection.vendor == "postgresql" else 4


def _place(customer, products, *, on_commit, **fields):
    client = APIClient()
    client.force_authenticate(customer.user)
    body = order_body(*[(product, 1) for product in products], payment=CARD, **fields)
    with on_commit() as scheduled:
        response = client.post("/api/v1/orders/", body, format="json", HTTP_IDEMPOTENCY_KEY="checkout-0001")
    assert response.status_code == 201, response.json()
    return response.json()["id"], scheduled


@pytest.mark.parametrize("line_count", [2, 10])
def test_p3_m2_a_card_order_costs_at_most_11_statements_however_many_lines(
    customer, line_count, django_assert_max_num_queries, django_capture_on_commit_callbacks
):
    products = [ProductFactory(price_pence=2500, stock=10) for _ in range(line_count)]
    with django_assert_max_num_queries(11 + HISTORY_APART):
        order_id, scheduled = _place(customer, products, on_commit=django_capture_on_commit_callbacks)
    order = Order.objects.get(pk=order_id)

    # Everything the placement owes is written: lines, stock taken, the hold and its Stripe call
    # recorded for after the commit, the acknowledgment queued (O2, P3, M2, N4).
    assert order.lines.count() == line_count
    stocks = Product.objects.filter(pk__in=[p.pk for p in products]).values_list("stock", flat=True)
    assert list(stocks) == [9] * line_count
    payment = OrderPayment.objects.get(order=order)
    assert (payment.stripe_payment_method_id, payment.history.count()) == ("pm_card_visa", 1)
    authorisation = Authorisation.objects.get(order_payment=payment)
    assert (authorisation.status, authorisation.amount_pence) == ("pending", 2500 * line_count + 395)
    assert CardOperation.objects.filter(order_payment=payment, kind="authorise", status="pending").count() == 1
    assert order.history.count() == 1 and all(line.history.count() == 1 for line in order.lines.all())
    assert len(scheduled) == 2  # the acknowledgment's send and the authorisation's Stripe call


def test_x1_a_promo_code_adds_only_its_own_statements(
    customer, django_assert_max_num_queries, django_capture_on_commit_callbacks
):
    """The code locked and checked (3), its redemption with history and its use counted (3), the
    discount in the ledger (1): 7 more than a plain order, whatever the number of lines."""
    PromoCodeFactory(code="LAUNCH5")
    products = [ProductFactory(price_pence=2500, stock=10) for _ in range(2)]
    with django_assert_max_num_queries(18 + HISTORY_APART):
        order_id, _ = _place(customer, products, on_commit=django_capture_on_commit_callbacks, promo_code="LAUNCH5")
    assert sum(Order.objects.get(pk=order_id).lines.values_list("discount_pence", flat=True)) == 500


def test_p3_a_sold_out_refusal_costs_at_most_4_statements_and_no_transaction(customer):
    """Signed in with a real API token; every statement sent is seen, BEGIN and SAVEPOINT included."""
    products = [ProductFactory(price_pence=2500, stock=0) for _ in range(2)]
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Token {Token.objects.create(user=customer.user).key}")
    sent = []

    def record(execute, sql, params, many, context):
        sent.append(sql)
        return execute(sql, params, many, context)

    with connection.execute_wrapper(record):
        response = client.post(
            "/api/v1/orders/", order_body(*[(p, 1) for p in products], payment=CARD), format="json",
            HTTP_IDEMPOTENCY_KEY="checkout-0002",
        )
    assert (response.status_code, response.json()["code"]) == (409, "out_of_stock")
    assert len(sent) <= 4, sent
    assert not [sql for sql in sent if sql.lstrip().upper().startswith(("BEGIN", "SAVEPOINT", "START"))]
    assert not Order.objects.exists()
