"""Issue 15 reviewed from outside: the placement's hand-written reads and INSERTs against the rules,
through the API with real credentials and through the admin, every app's hooks active.

What `test_order_place_rows.py` pins through the staff and customer API (signed in by
`force_authenticate`) is checked here where it did not reach: an order keyed on the admin's page,
and orders placed with a real `Authorization: Token` (the token check is SQL written by hand, and
the user it builds is who the history rows name). The answer built from the rows just written
must be the answer a retry reads back from the database (O2).
"""

import uuid

import pytest
from django.core.cache import caches
from django.test import Client
from django.utils import timezone
from rest_framework.authtoken.models import Token
from rest_framework.settings import api_settings
from rest_framework.test import APIClient
from rest_framework.throttling import SimpleRateThrottle

from mint_shop.cache import RedisCache
from orders.models import Order
from payments.models import Authorisation, OrderPayment
from tests.conftest import service_missing
from tests.factories import UserFactory
from tests.integration.conftest import order_body

pytestmark = [pytest.mark.django_db, pytest.mark.integration]

CARD = {"method": "card", "stripe_payment_method_id": "pm_card_visa"}


def _token_client(user) -> APIClient:
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Token {Token.objects.create(user=user).key}")
    return client


def _every_row_created_by(order: Order, user, before, after) -> None:
    """Audit: the order, its lines, its payment and the hold each have one "+" history row, by `user`,
    no change reason, dated during the request."""
    payment = OrderPayment.objects.get(order=order)
    rows = [order, *order.lines.all(), payment, *Authorisation.objects.filter(order_payment=payment)]
    assert len(rows) >= 4
    for row in rows:
        (history,) = row.history.all()
        assert (history.history_type, history.history_user, history.history_change_reason) == ("+", user, None), row
        assert before <= history.history_date <= after, row


def test_audit_o1_an_order_keyed_in_the_admin_is_recorded_as_the_staff_members(staff_user, customer, coin):
    staff = staff_user("customer_service")
    client = Client()
    client.force_login(staff)
    before = timezone.now()
    response = client.post(
        "/admin/orders/order/key/",
        {
            "customer": customer.pk, "channel": "post", "lines": f"{coin.sku} 2", "payment_method": "card",
            "stripe_payment_method_id": "pm_card_visa", "delivery_option": "uk-standard",
            "delivery_name": "Ada", "delivery_address": "1 Mint St", "delivery_postcode": "SW1A 1AA",
            "delivery_country": "GB",
        },
    )
    assert response.status_code == 302, response.content
    order = Order.objects.get()
    assert (order.channel, order.keyed_by, order.payment_method) == ("post", staff, "card")
    _every_row_created_by(order, staff, before, timezone.now())


def test_audit_m2_an_order_placed_with_a_real_api_token_is_recorded_as_the_customers(customer, coin):
    before = timezone.now()
    response = _token_client(customer.user).post(
        "/api/v1/orders/", order_body((coin, 1), payment=CARD), format="json", HTTP_IDEMPOTENCY_KEY="checkout-tok1"
    )
    assert response.status_code == 201, response.json()
    order = Order.objects.get(pk=response.json()["id"])
    assert (order.customer, order.channel, order.keyed_by) == (customer, "web", None)
    _every_row_created_by(order, customer.user, before, timezone.now())


def test_audit_o1_a_staff_api_token_keys_an_order_recorded_as_the_staff_members(staff_user, customer, coin):
    staff = staff_user("customer_service")
    before = timezone.now()
    body = order_body((coin, 1), payment=CARD, customer_id=customer.pk, channel="phone")
    response = _token_client(staff).post("/api/v1/staff/orders/", body, format="json")
    assert response.status_code == 201, response.json()
    order = Order.objects.get(pk=response.json()["id"])
    assert (order.customer, order.channel, order.keyed_by) == (customer, "phone", staff)
    _every_row_created_by(order, staff, before, timezone.now())


@pytest.mark.parametrize("who", ["staff", "no_customer", "inactive"])
def test_tokens_a_login_that_may_not_order_for_itself_is_refused_in_the_error_shape_and_nothing_written(
    staff_user, customer, coin, who
):
    user = {
        "staff": lambda: staff_user("customer_service"),
        "no_customer": lambda: UserFactory(),
        "inactive": lambda: customer.user,
    }[who]()
    client = _token_client(user)
    if who == "inactive":
        user.is_active = False
        user.save(update_fields=["is_active"])
    response = client.post("/api/v1/orders/", order_body((coin, 1), payment=CARD), format="json")
    assert response.status_code in (401, 403), response.content
    assert set(response.json()) == {"code", "rule", "detail"}
    assert not Order.objects.exists() and not OrderPayment.objects.exists()
    coin.refresh_from_db()
    assert coin.stock == 10


def test_o2_the_placements_answer_is_what_a_retry_reads_back_from_the_database(customer, coin, case):
    client = _token_client(customer.user)
    body = order_body((coin, 2), (case, 1), payment=CARD)
    body["lines"][1]["engraving_text"] = ""
    first = client.post("/api/v1/orders/", body, format="json", HTTP_IDEMPOTENCY_KEY="checkout-same")
    again = client.post("/api/v1/orders/", body, format="json", HTTP_IDEMPOTENCY_KEY="checkout-same")
    assert (first.status_code, again.status_code) == (201, 200)
    assert first.json() == again.json()
    assert Order.objects.count() == 1


@pytest.fixture
def throttles_in_redis(settings):
    """The throttles counting in Redis through mint_shop.cache.RedisCache (CACHE_URL=redis://), at 2
    placements an hour, under a prefix of this test's own."""
    if not settings.REDIS_URL:
        service_missing("REDIS_URL is not set")
    settings.CACHES = {"default": {"BACKEND": "mint_shop.cache.RedisCache", "LOCATION": settings.REDIS_URL,
                                   "KEY_PREFIX": f"issue15-{uuid.uuid4()}"}}
    rates = {**settings.REST_FRAMEWORK["DEFAULT_THROTTLE_RATES"], "order_placement": "2/hour"}
    settings.REST_FRAMEWORK = {**settings.REST_FRAMEWORK, "DEFAULT_THROTTLE_RATES": rates}
    SimpleRateThrottle.THROTTLE_RATES = api_settings.DEFAULT_THROTTLE_RATES
    yield
    caches["default"].clear()
    SimpleRateThrottle.THROTTLE_RATES = api_settings.DEFAULT_THROTTLE_RATES


def test_throttles_placements_are_counted_in_redis_shared_by_every_process(throttles_in_redis, customer, coin):
    client = _token_client(customer.user)
    answers = []
    for number in range(3):
        body = order_body((coin, 1), payment=CARD)
        key = f"checkout-{number:04}"
        answers.append(client.post("/api/v1/orders/", body, format="json", HTTP_IDEMPOTENCY_KEY=key))
        assert isinstance(caches["default"], RedisCache)
        del caches["default"]  # the next request served by another process: its own cache object and clients
    assert [answer.status_code for answer in answers] == [201, 201, 429]
    assert (answers[-1].json()["code"], answers[-1].json()["rule"]) == ("throttled", "access")
    assert "Retry-After" in answers[-1]
    assert Order.objects.count() == 2
    coin.refresh_from_db()
    assert coin.stock == 8


@pytest.mark.parametrize("header", ["HTTP_AUTHORIZATION", "HTTP_X_SESSION_TOKEN"])
def test_tokens_a_nul_in_the_credentials_is_refused_in_the_error_shape(header):
    value = "Token abc\x00def" if header == "HTTP_AUTHORIZATION" else "abcdefgh\x00ijkl"
    response = Client(raise_request_exception=False).get("/api/v1/me/", **{header: value})
    assert response.status_code == 401 and set(response.json()) == {"code", "rule", "detail"}
