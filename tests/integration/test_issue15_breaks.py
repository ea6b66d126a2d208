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
from django.apps import apps
from django.core.cache import caches
from django.db import connection
from django.test import Client
from django.utils import timezone
from rest_framework.authtoken.models import Token
from rest_framework.settings import api_settings
from rest_framework.test import APIClient
from rest_framework.throttling import SimpleRateThrottle

from catalogue.models import Product
from customers.models import Customer
from mint_shop.cache import RedisCache
from notifications.models import Message
from orders import hooks
from orders.models import Order, OrderLine
from payments.models import Authorisation, OrderPayment, Refund
from tests.conftest import service_missing
from tests.factories import CustomerFactory, ProductFactory, UserFactory
from tests.integration.conftest import despatch_body, order_body
from tests.orders.services.test_order_place_concurrency import _race
from tests.promotions.factories import PromoCodeFactory

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
    # DRF's throttle reads the rates from a class attribute copied at import. Put back the rates it had
    # before: `settings` restores REST_FRAMEWORK only after this fixture ends, so reading api_settings
    # here would leave 2/hour in place for every later test of the run.
    original = SimpleRateThrottle.THROTTLE_RATES
    SimpleRateThrottle.THROTTLE_RATES = api_settings.DEFAULT_THROTTLE_RATES
    yield
    caches["default"].clear()
    SimpleRateThrottle.THROTTLE_RATES = original


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


# Issue 15, second review: rows_create writes a new row and its history row in one statement on
# PostgreSQL (the history row's fields copied from the row the INSERT returns). What simple-history
# writes on an ordinary save() is the yardstick: the request's user, no reason, dated no earlier
# than the row's own timestamps, every tracked field equal to the row.


def _history_count() -> int:
    """Every history row of every audited model."""
    return sum(model.objects.count() for model in apps.get_models() if model.__name__.startswith("Historical"))


def _placement_rows(order: Order) -> list:
    payments = list(OrderPayment.objects.filter(order=order))
    return [order, *order.lines.all(), *payments, *Authorisation.objects.filter(order_payment__in=payments)]


def _created_as_save_would(row, *, user, before, after) -> None:
    """The row's one history row is what simple-history's post_save writes for `create`."""
    (history,) = row.history.all()
    assert (history.history_type, history.history_user, history.history_change_reason) == ("+", user, None), row
    assert before <= history.history_date <= after, row
    own = [f.attname for f in type(row)._meta.concrete_fields if getattr(f, "auto_now_add", False)]
    assert all(getattr(row, name) <= history.history_date for name in own), (row, own)
    tracked = [field.attname for field in type(history).tracked_fields]
    assert {n: getattr(history, n) for n in tracked} == {n: getattr(row, n) for n in tracked}, row


def _admin_key(staff, customer, products, method) -> None:
    client = Client()
    client.force_login(staff)
    response = client.post(
        "/admin/orders/order/key/",
        {
            "customer": customer.pk,
            "channel": "post",
            "payment_method": method,
            "lines": "\n".join(f"{p.sku} 1" for p in products),
            "delivery_option": "uk-standard",
            "delivery_name": "Ada",
            "delivery_address": "1 Mint St",
            "delivery_postcode": "SW1A 1AA",
            "delivery_country": "GB",
            **({"number_of_instalments": 3} if method == "instalments" else {}),
        },
    )
    assert response.status_code == 302, response.content


@pytest.mark.parametrize(
    "way",
    [
        "web_promo_code_ten_lines_card",
        "web_bank_transfer",
        "web_instalments",
        "staff_api_post_instalments",
        "staff_api_phone_promo_code_transfer",
        "admin_keyed_transfer_several_products",
        "admin_keyed_instalments",
    ],
)
def test_audit_o1_every_way_of_placing_writes_history_rows_equal_to_the_rows(staff_user, customer, way):
    products = [ProductFactory(price_pence=1000 + 100 * n, stock=10) for n in range(10 if "ten" in way else 3)]
    PromoCodeFactory(code="LAUNCH5")
    staff = staff_user("customer_service")
    method = "card" if "card" in way else "instalments" if "instalments" in way else "bank_transfer"
    payment = {"card": CARD, "instalments": {"method": "instalments", "number_of_instalments": 6}}.get(
        method, {"method": method}
    )
    promo = {"promo_code": "LAUNCH5"} if "promo" in way else {}
    before = timezone.now()
    if way.startswith("admin"):
        _admin_key(staff, customer, products, method)
        user = staff
    elif way.startswith("staff"):
        channel = "post" if "post" in way else "phone"
        body = order_body(
            *[(p, 1) for p in products], payment=payment, customer_id=customer.pk, channel=channel, **promo
        )
        response = _token_client(staff).post("/api/v1/staff/orders/", body, format="json")
        assert response.status_code == 201, response.json()
        user = staff
    else:
        body = order_body(*[(p, 1) for p in products], payment=payment, **promo)
        response = _token_client(customer.user).post(
            "/api/v1/orders/", body, format="json", HTTP_IDEMPOTENCY_KEY=f"checkout-{way}"
        )
        assert response.status_code == 201, response.json()
        user = customer.user
    after = timezone.now()
    order = Order.objects.get()
    assert (order.payment_method, order.lines.count()) == (method, len(products))
    if promo:
        assert sum(order.lines.values_list("discount_pence", flat=True)) == 500
    for row in _placement_rows(order):
        _created_as_save_would(row, user=user, before=before, after=after)


def test_audit_o4_m7_m8_changes_after_the_placement_append_history_after_its_created_row(customer, coin, case, staff):
    """The placement's "+" rows come first; a cancellation, payment, allocation, despatch and a refund each
    append, later in date, and the newest history row equals the row as it is now."""
    third = ProductFactory(price_pence=700, stock=10)
    client = _token_client(customer.user)
    placed = client.post(
        "/api/v1/orders/",
        order_body((coin, 1), (case, 1), (third, 1), payment={"method": "bank_transfer"}),
        format="json",
        HTTP_IDEMPOTENCY_KEY="checkout-later",
    )
    assert placed.status_code == 201, placed.json()
    order = Order.objects.get()
    lines = list(order.lines.order_by("pk"))
    cancelled = client.post(f"/api/v1/orders/{order.pk}/cancel-lines/", {"line_ids": [lines[2].pk]}, format="json")
    assert cancelled.status_code in (200, 201), cancelled.json()
    outstanding = staff("finance").get(f"/api/v1/staff/payments/orders/{order.pk}/").json()["outstanding_pence"]
    received = staff("finance").post(
        "/api/v1/staff/bank-receipts/",
        {
            "reference": f"MINT-{order.pk}",
            "amount_pence": outstanding,
            "received_on": timezone.localdate().isoformat(),
            "method": "bank_transfer",
        },
    )
    assert received.status_code == 201, received.json()
    warehouse = staff("warehouse")
    warehouse.post(f"/api/v1/staff/orders/{order.pk}/allocate/")
    despatched = warehouse.post(f"/api/v1/staff/orders/{order.pk}/despatch/", despatch_body(lines[0].pk, lines[1].pk))
    assert despatched.status_code == 200, despatched.json()
    refunded = staff("finance").post(
        "/api/v1/staff/refunds/",
        {"order_id": order.pk, "amount_pence": 500, "request_id": "goodwill-later", "reason": "late"},
    )
    assert refunded.status_code == 201, refunded.json()
    refund_history = Refund.objects.get(order=order).history.earliest()
    assert refund_history.history_type == "+"
    assert refund_history.history_user.groups.filter(name="finance").exists()

    order.refresh_from_db()
    for row in [order, *OrderLine.objects.filter(order=order)]:
        history = list(row.history.order_by("history_date", "history_id"))
        assert history[0].history_type == "+", row
        assert len(history) > 1 or row is order, row  # every line changed after; the order row may not have
        assert all(h.history_type == "~" for h in history[1:]), row
        assert [h.history_date for h in history] == sorted(h.history_date for h in history), row
        tracked = [field.attname for field in type(history[-1]).tracked_fields]
        assert {n: getattr(history[-1], n) for n in tracked} == {n: getattr(row, n) for n in tracked}, row
        assert row.history.latest().history_id == history[-1].history_id  # simple-history's "as it is now"


def test_o2_a_retry_with_the_same_idempotency_key_writes_no_row_and_no_history_row(customer, coin, case):
    # Three placements by one customer: the placement throttle counts in this process's memory cache
    # across tests, and on SQLite (keys start again in every test) other tests' customers share its key.
    caches["default"].clear()
    client = _token_client(customer.user)
    body = order_body((coin, 1), (case, 1), payment=CARD)
    first = client.post("/api/v1/orders/", body, format="json", HTTP_IDEMPOTENCY_KEY="checkout-twice")
    assert first.status_code == 201, first.json()
    written = _history_count()
    for _ in range(2):
        again = client.post("/api/v1/orders/", body, format="json", HTTP_IDEMPOTENCY_KEY="checkout-twice")
        assert (again.status_code, again.json()) == (200, first.json())
    assert (_history_count(), Order.objects.count(), OrderLine.objects.count()) == (written, 1, 2)


@pytest.mark.parametrize(
    ("meanwhile", "rule"),
    [
        ("sold_out", "P3"),
        ("repriced", "P7"),
        ("restricted", "C3"),
    ],
)
def test_p3_p7_c3_a_placement_refused_after_its_rows_were_written_leaves_no_row_and_no_history_row(
    monkeypatch, customer, coin, case, meanwhile, rule
):
    """Another request commits between the placement's reads and its stock UPDATE, the last statement of
    its transaction: by then the order, lines, payment and hold (and their history rows) were written in
    one statement each; the refusal must take every one of them back."""
    PromoCodeFactory(code="LAUNCH5")

    def meanwhile_elsewhere(**kwargs):
        if meanwhile == "sold_out":
            Product.objects.filter(pk=coin.pk).update(stock=0)
        elif meanwhile == "repriced":
            Product.objects.filter(pk=coin.pk).update(price_pence=coin.price_pence + 100)
        else:
            Customer.objects.filter(pk=customer.pk).update(restricted_at=timezone.now(), restriction_reason="C3")

    monkeypatch.setitem(
        hooks._handlers, hooks.ORDER_PLACED, [*hooks._handlers[hooks.ORDER_PLACED], meanwhile_elsewhere]
    )
    written = _history_count()
    response = _token_client(customer.user).post(
        "/api/v1/orders/",
        order_body((coin, 1), (case, 1), payment=CARD, promo_code="LAUNCH5"),
        format="json",
        HTTP_IDEMPOTENCY_KEY="checkout-refused",
    )
    assert response.status_code in (403, 409, 422), response.json()
    assert response.json()["rule"] == rule, response.json()
    assert (Order.objects.count(), OrderLine.objects.count(), OrderPayment.objects.count()) == (0, 0, 0)
    assert not Authorisation.objects.exists() and not Message.objects.exists()
    assert _history_count() == written


@pytest.mark.django_db(transaction=True)
def test_audit_p3_placements_at_once_each_write_history_by_their_own_customer_and_the_losers_none(shop):
    """Four customers, each with a real token, race for the last two coins: two orders, each order's
    history rows naming its own customer and equal to its rows; the two refusals leave no row and no
    history row. The history user comes from each request's own thread, the rows from its own connection."""
    if connection.vendor != "postgresql":
        pytest.skip("row locks need PostgreSQL")
    coin = ProductFactory(price_pence=2500, stock=2)
    case = ProductFactory(price_pence=1000, stock=10)
    customers = [CustomerFactory() for _ in range(4)]
    clients = [_token_client(c.user) for c in customers]
    written = _history_count()
    before = timezone.now()
    answers = _race(
        4,
        lambda n: clients[n].post(
            "/api/v1/orders/",
            order_body((coin, 1), (case, 1), payment={"method": "bank_transfer"}),
            format="json",
            HTTP_IDEMPOTENCY_KEY=f"checkout-race-{n}",
        ),
    )
    after = timezone.now()
    codes = [getattr(answer, "status_code", answer) for answer in answers]
    assert codes.count(201) == 2, codes
    assert all(answer.json()["rule"] == "P3" for answer in answers if answer.status_code != 201), codes
    placed = [customers[n] for n, answer in enumerate(answers) if answer.status_code == 201]
    assert len(placed) == 2 and Order.objects.count() == 2
    rows = 0
    for order in Order.objects.all():
        assert order.customer in placed
        for row in _placement_rows(order):
            _created_as_save_would(row, user=order.customer.user, before=before, after=after)
            rows += 1
    assert _history_count() - written == rows  # the placed orders' own, and nothing of the refused ones
    assert not Order.objects.exclude(customer__in=placed).exists()
    assert not OrderLine.objects.exclude(order__customer__in=placed).exists()
    coin.refresh_from_db()
    assert coin.stock == 0


def test_o2_x2_a_ten_line_orders_answer_gives_each_line_its_own_key_as_a_retry_reads_back(customer):
    """The keys come back from the statement that also wrote the history rows: read in the order the
    rows were written, each line object must get its own row's key, or the answer (built from the
    objects), the discounts' shares and the redemption would name the wrong lines."""
    caches["default"].clear()  # see the retry test above
    PromoCodeFactory(code="TENPC", kind="percentage", amount_pence=0, percent=10)
    products = [ProductFactory(price_pence=1000 + 37 * n, stock=50) for n in range(10)]
    client = _token_client(customer.user)
    body = order_body(*[(p, n + 1) for n, p in enumerate(products)], payment=CARD, promo_code="TENPC")
    first = client.post("/api/v1/orders/", body, format="json", HTTP_IDEMPOTENCY_KEY="checkout-ten")
    again = client.post("/api/v1/orders/", body, format="json", HTTP_IDEMPOTENCY_KEY="checkout-ten")
    assert (first.status_code, again.status_code) == (201, 200), first.json()
    assert first.json() == again.json()
    stored = {line.pk: (line.product_id, line.quantity) for line in OrderLine.objects.all()}
    answered = {line["id"]: (line["product"], line["quantity"]) for line in first.json()["lines"]}
    assert answered == stored == {line.pk: (line.product_id, line.quantity) for line in OrderLine.objects.all()}
    assert sorted(stored.values()) == sorted((p.pk, n + 1) for n, p in enumerate(products))


def test_audit_o1_the_admins_history_page_shows_the_placement_by_who_placed_it(staff_user, customer, coin, case):
    staff = staff_user("customer_service")
    _admin_key(staff, customer, [coin, case], "bank_transfer")
    order = Order.objects.get()
    client = Client()
    client.force_login(staff)
    page = client.get(f"/admin/orders/order/{order.pk}/history/")
    assert page.status_code == 200
    entries = page.context["page_obj"].object_list
    assert [(h.history_type, h.history_user) for h in entries] == [("+", staff)]


@pytest.mark.django_db(transaction=True)
def test_o2_the_same_key_sent_at_once_writes_one_orders_rows_and_history_and_the_losers_none(customer, coin, case):
    """The unique Idempotency-Key decides inside the statement writing the order and its history row: the
    losers' statements fail whole, and answer the winner's order; no history row of theirs is left."""
    if connection.vendor != "postgresql":
        pytest.skip("row locks need PostgreSQL")
    token = Token.objects.create(user=customer.user).key
    clients = [APIClient() for _ in range(4)]  # one per thread, the same customer's token
    for client in clients:
        client.credentials(HTTP_AUTHORIZATION=f"Token {token}")
    written = _history_count()
    body = order_body((coin, 1), (case, 2), payment={"method": "bank_transfer"})
    answers = _race(
        4, lambda n: clients[n].post("/api/v1/orders/", body, format="json", HTTP_IDEMPOTENCY_KEY="checkout-same-race")
    )
    codes = [getattr(answer, "status_code", answer) for answer in answers]
    assert sorted(codes) == [200, 200, 200, 201], codes
    assert len({answer.json()["id"] for answer in answers}) == 1
    order = Order.objects.get()
    rows = _placement_rows(order)
    for row in rows:
        assert row.history.count() == 1, row
    assert _history_count() - written == len(rows)
    coin.refresh_from_db()
    case.refresh_from_db()
    assert (coin.stock, case.stock) == (9, 8)


def test_audit_m2_an_order_placed_with_an_app_session_token_is_recorded_as_the_customers(customer, coin, case):
    """Signed in as the app signs in (allauth headless, X-Session-Token), not forced: the history rows
    written with the rows in one statement name the customer the session token stands for."""
    customer.user.set_password("a long launch-day password")
    customer.user.save(update_fields=["password"])
    signed_in = Client().post(
        "/_allauth/app/v1/auth/login",
        {"email": customer.user.email, "password": "a long launch-day password"},
        content_type="application/json",
    )
    assert signed_in.status_code == 200, signed_in.content
    client = APIClient()
    client.credentials(HTTP_X_SESSION_TOKEN=signed_in.json()["meta"]["session_token"])
    before = timezone.now()
    response = client.post(
        "/api/v1/orders/",
        order_body((coin, 1), (case, 1), payment=CARD),
        format="json",
        HTTP_IDEMPOTENCY_KEY="checkout-app",
    )
    assert response.status_code == 201, response.json()
    order = Order.objects.get()
    for row in _placement_rows(order):
        _created_as_save_would(row, user=customer.user, before=before, after=timezone.now())
