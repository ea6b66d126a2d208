"""The admin: customer service keys phone orders, the warehouse acts on them, each through the services."""

import pytest
from django.test import Client

from customers.services import customer_mark_deceased
from mint_shop.actors import Actor
from orders.models import Order
from tests.factories import CustomerFactory
from tests.orders.factories import place_order

pytestmark = pytest.mark.django_db


def _login(staff_user, role) -> Client:
    client = Client()
    client.force_login(staff_user(role))
    return client


def test_o1_customer_service_keys_a_phone_order_in_the_admin(staff_user, customer, product):
    client = _login(staff_user, "customer_service")
    assert client.get("/admin/orders/order/add/").status_code == 302
    response = client.post(
        "/admin/orders/order/key/",
        {
            "customer": customer.pk, "channel": "phone", "lines": f"{product.sku} 2", "payment_method": "card",
            "delivery_option": "uk-standard", "delivery_name": "Ada", "delivery_address": "1 Mint St",
            "delivery_postcode": "SW1A 1AA", "delivery_country": "GB",
        },
    )
    assert response.status_code == 302, response.content
    order = Order.objects.get()
    assert (order.channel, order.keyed_by.username, order.lines.get().quantity) == ("phone", "customer_service-user", 2)


def test_o1_a_refused_keyed_order_shows_the_rule_and_writes_nothing(staff_user, customer, product):
    client = _login(staff_user, "customer_service")
    response = client.post(
        "/admin/orders/order/key/",
        {
            "customer": customer.pk, "channel": "phone", "lines": f"{product.sku} 11", "payment_method": "card",
            "delivery_option": "uk-standard", "delivery_name": "Ada", "delivery_address": "1 Mint St",
            "delivery_country": "GB",
        },
    )
    assert response.status_code == 200 and b"(P3)" in response.content
    assert not Order.objects.exists()


def test_o5_o8_the_warehouse_allocates_and_despatches_with_admin_actions(staff_user, customer, product):
    order = place_order(customer, (product, 1))
    client = _login(staff_user, "warehouse")
    changelist = "/admin/orders/order/"
    client.post(changelist, {"action": "allocate", "_selected_action": [order.pk]})
    client.post(changelist, {"action": "despatch", "_selected_action": [order.pk], "carrier": "DPD",
                             "tracking_number": "15501"})
    assert order.shipments.get().tracking_number == "15501"
    page = client.get(f"/admin/orders/order/{order.pk}/change/")
    assert page.status_code == 200 and b"15501" in page.content


def test_o4_the_warehouse_is_not_offered_the_decline_action(staff_user, customer, product):
    order = place_order(customer, (product, 1))
    client = _login(staff_user, "warehouse")
    assert b'value="decline"' not in client.get("/admin/orders/order/").content
    client.post("/admin/orders/order/", {"action": "decline", "_selected_action": [order.pk], "reason": "x"})
    order.refresh_from_db()
    assert order.status == Order.Status.PLACED


def test_c7_customer_service_filters_the_orders_awaiting_review_and_completes_it(staff_user, customer, product):
    awaiting = place_order(customer, (product, 1))
    other = place_order(CustomerFactory(), (product, 1))
    customer_mark_deceased(customer_id=customer.pk, actor=Actor.system())
    client = _login(staff_user, "customer_service")

    page = client.get("/admin/orders/order/?awaiting_review=yes")
    assert page.status_code == 200
    assert list(page.context["cl"].result_list) == [awaiting]
    assert other not in page.context["cl"].result_list

    client.post("/admin/orders/order/", {"action": "complete_review", "_selected_action": [awaiting.pk]})
    customer.refresh_from_db()
    assert customer.open_orders_review_required is False


@pytest.mark.parametrize("bad", [
    {"lines": "{sku} 0"},
    {"lines": "{sku} -2"},
    {"lines": "{sku} 99999999999"},
    {"delivery_name": "A" * 1000},
    {"delivery_postcode": "SW1A 1AA" * 40},
    {"promo_code": "NOSUCHCODE"},
    {"address_id": "99999999"},
])
def test_o1_bad_input_on_the_key_an_order_page_is_refused_on_the_page(staff_user, customer, product, bad):
    client = _login(staff_user, "customer_service")
    data = {
        "customer": customer.pk, "channel": "phone", "lines": f"{product.sku} 1", "payment_method": "bank_transfer",
        "delivery_option": "uk-standard", "delivery_name": "Ada", "delivery_address": "1 Mint St",
        "delivery_postcode": "SW1A 1AA", "delivery_country": "GB",
    }
    data.update({key: value.format(sku=product.sku) for key, value in bad.items()})

    response = client.post("/admin/orders/order/key/", data)

    assert response.status_code == 200
    assert not Order.objects.exists()
