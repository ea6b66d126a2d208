import pytest
from rest_framework.test import APIClient

from catalogue.models import Product
from mint_shop.actors import Actor
from notifications.models import Message
from orders.models import Order
from orders.services import order_lines_allocate
from tests.factories import CustomerFactory, ProductFactory
from tests.orders.factories import place_order

pytestmark = pytest.mark.django_db


def _body(product, quantity=1, **line):
    return {
        "lines": [{"product_id": product.pk, "quantity": quantity, **line}],
        "delivery": {"option": "uk-standard", "name": "Ada", "address": "1 Mint Street", "postcode": "SW1A 1AA"},
        "payment": {"method": "card"},
    }


@pytest.fixture
def client(customer):
    api = APIClient()
    api.force_authenticate(customer.user)
    return api


def _assert_nothing_written(product, stock=10):
    product.refresh_from_db()
    assert product.stock == stock
    assert not Order.objects.exists() and not Message.objects.exists()


def test_o2_a_customer_places_an_order_online(client, product):
    response = client.post("/api/v1/orders/", _body(product, 2), format="json")
    assert response.status_code == 201, response.json()
    body = response.json()
    assert (body["status"], body["channel"], body["goods_pence"], body["total_pence"]) == ("placed", "web", 5000, 5395)
    assert [(line["quantity"], line["total_pence"]) for line in body["lines"]] == [(2, 5000)]
    whole = client.get(body["url"]).json()
    assert (whole["id"], whole["total_pence"], whole["lines"][0]["under_contract"]) == (body["id"], 5395, False)


def test_o2_the_same_idempotency_key_returns_the_first_order(client, product):
    headers = {"HTTP_IDEMPOTENCY_KEY": "checkout-7f3a9c21"}
    first = client.post("/api/v1/orders/", _body(product), format="json", **headers)
    again = client.post("/api/v1/orders/", _body(product), format="json", **headers)
    assert (first.status_code, again.status_code) == (201, 200)
    assert first.json()["id"] == again.json()["id"]
    product.refresh_from_db()
    assert (Order.objects.count(), product.stock) == (1, 9)


def test_o2_the_same_key_with_a_different_body_is_refused(client, product):
    headers = {"HTTP_IDEMPOTENCY_KEY": "checkout-7f3a9c21"}
    client.post("/api/v1/orders/", _body(product), format="json", **headers)
    response = client.post("/api/v1/orders/", _body(product, 2), format="json", **headers)
    assert response.status_code == 422
    assert response.json()["code"] == "idempotency_key_reused"
    assert Order.objects.count() == 1


@pytest.mark.parametrize(
    "change, status, code, rule",
    [
        ({"quantity": 0}, 400, "quantity_invalid", "P4"),
        ({"quantity": -3}, 400, "quantity_invalid", "P4"),
        ({"quantity": 10**9}, 400, "quantity_invalid", "P4"),
        ({"quantity": 11}, 409, "out_of_stock", "P3"),
        ({"unit_price_pence": 1999}, 409, "price_changed", "P7"),
        ({"product_id": 987654}, 400, "product_unknown", "P3"),
        ({"headers": {"HTTP_IDEMPOTENCY_KEY": "bad key!"}}, 400, "idempotency_key_malformed", "O2"),
        ({"payment": "card"}, 409, "high_value_needs_transfer_or_draft", "O13"),
    ],
)
def test_bad_input_is_a_4xx_naming_the_rule_and_nothing_is_written(client, product, change, status, code, rule):
    headers = change.pop("headers", {})
    body = _body(product)
    if change.pop("payment", None):
        Product.objects.filter(pk=product.pk).update(price_pence=600_000)
        body["lines"][0]["quantity"] = 1
    body["lines"][0].update(change)
    response = client.post("/api/v1/orders/", body, format="json", **headers)
    assert response.status_code == status, response.json()
    assert (response.json()["code"], response.json()["rule"]) == (code, rule)
    _assert_nothing_written(product)


def test_p3_a_withdrawn_product_is_a_409_naming_p3(client, product):
    from django.utils import timezone

    Product.objects.filter(pk=product.pk).update(withdrawn_at=timezone.now())
    response = client.post("/api/v1/orders/", _body(product), format="json")
    assert (response.status_code, response.json()["rule"]) == (409, "P3")
    _assert_nothing_written(product)


def test_p3_after_a_sell_out_a_retry_of_a_placed_order_still_returns_it(client, product):
    headers = {"HTTP_IDEMPOTENCY_KEY": "checkout-7f3a9c21"}
    first = client.post("/api/v1/orders/", _body(product, 10), format="json", **headers)
    again = client.post("/api/v1/orders/", _body(product, 10), format="json", **headers)
    other = client.post("/api/v1/orders/", _body(product, 10), format="json", HTTP_IDEMPOTENCY_KEY="checkout-other-1")
    assert (first.status_code, again.status_code, again.json()["id"]) == (201, 200, first.json()["id"])
    assert (other.status_code, other.json()["code"]) == (409, "out_of_stock")
    assert Order.objects.count() == 1


def test_p3_a_sold_out_product_refuses_a_restricted_customer_as_restricted(client, customer, product):
    from django.utils import timezone

    Product.objects.filter(pk=product.pk).update(stock=0)
    type(customer).objects.filter(pk=customer.pk).update(restricted_at=timezone.now())
    response = client.post("/api/v1/orders/", _body(product), format="json")
    assert response.json()["rule"] == "C3"
    _assert_nothing_written(product, stock=0)


def test_p4_a_limit_exceeded_is_a_409_naming_p4(client, product):
    Product.objects.filter(pk=product.pk).update(max_per_order=1)
    response = client.post("/api/v1/orders/", _body(product, 2), format="json")
    assert (response.status_code, response.json()["code"]) == (409, "limit_per_order_exceeded")
    _assert_nothing_written(product)


def test_customers_see_only_their_own_orders(client, customer, product):
    mine = place_order(customer, (product, 1))
    theirs = place_order(CustomerFactory(), (product, 1))
    listed = client.get("/api/v1/orders/").json()["results"]
    assert [order["id"] for order in listed] == [mine.pk]
    assert client.get(f"/api/v1/orders/{theirs.pk}/").status_code == 404
    assert client.post(f"/api/v1/orders/{theirs.pk}/part-despatch/").status_code == 404
    assert client.get(f"/api/v1/orders/{mine.pk}/").json()["title_passed"] is False


def test_o7_a_customer_asks_for_part_despatch(client, customer, product):
    order = place_order(customer, (product, 1), (ProductFactory(), 1))
    response = client.post(f"/api/v1/orders/{order.pk}/part-despatch/")
    assert response.status_code == 200
    assert response.json()["part_despatch_charge_pence"] == 395


def test_p7_a_customer_answers_a_price_question(client, customer, product):
    from catalogue.services import product_price_change
    from orders.services import order_price_change_propose

    order = place_order(customer, (product, 1))
    product_price_change(product_id=product.pk, price_pence=2600, actor=Actor.system())
    order_price_change_propose(order_id=order.pk, actor=Actor.system())
    response = client.post(f"/api/v1/orders/{order.pk}/price-answer/", {"agree": True}, format="json")
    assert response.status_code == 200
    assert response.json()["lines"][0]["unit_price_pence"] == 2600


def test_o11_a_customer_reports_non_receipt_of_their_own_shipment(client, customer, product):
    from orders.services import order_despatch

    order = place_order(customer, (product, 1))
    staff = Actor.system()
    order_lines_allocate(order_id=order.pk, actor=staff)
    shipment = order_despatch(order_id=order.pk, line_ids=[order.lines.get().pk], carrier="DPD", tracking_number="1",
                              actor=staff)
    response = client.post(f"/api/v1/orders/{order.pk}/shipments/{shipment.pk}/non-receipt/", {"details": "no"},
                           format="json")
    assert response.status_code == 201
    assert response.json()["late"] is False
    stranger = APIClient()
    stranger.force_authenticate(CustomerFactory().user)
    url = f"/api/v1/orders/{order.pk}/shipments/{shipment.pk}/non-receipt/"
    assert stranger.post(url, {"details": "not mine"}, format="json").status_code == 404


def test_order_list_costs_the_same_queries_for_one_order_as_for_fifty(client, customer, product,
                                                                      django_assert_max_num_queries):
    Product.objects.filter(pk=product.pk).update(stock=500)
    place_order(customer, (product, 1), (ProductFactory(), 1))
    with django_assert_max_num_queries(8) as one:
        client.get("/api/v1/orders/")
    for _ in range(49):
        place_order(customer, (product, 1), (ProductFactory(), 1))
    with django_assert_max_num_queries(len(one.captured_queries)):
        assert len(client.get("/api/v1/orders/").json()["results"]) == 50


def test_products_and_delivery_options_are_browsable_with_the_r6_notice(product):
    Product.objects.filter(pk=product.pk).update(bullion_priced=True)
    products = APIClient().get("/api/v1/products/").json()["results"]
    assert "bullion market" in products[0]["not_cancellable_reason"]
    options = APIClient().get("/api/v1/delivery-options/").json()
    assert {o["code"]: o["duties_payable_by_customer"] for o in options} == {
        "uk-standard": False, "uk-premium": False, "overseas": True
    }
