"""What staff see in the admin: orders found however the caller describes them, where each order is,
money in pounds, the customer's orders on their page, no internal fields, and the key page's pickers."""

import pytest

from mint_shop.actors import Actor
from notifications.models import Message
from orders.services import order_despatch, order_lines_allocate
from tests.catalogue.factories import DeliveryOptionFactory, TermsVersionFactory
from tests.customers.factories import DeliveryAddressFactory
from tests.factories import CustomerFactory, ProductFactory
from tests.notifications.factories import MessageFactory
from tests.orders.factories import place_order

pytestmark = pytest.mark.django_db


@pytest.fixture
def order(db):
    TermsVersionFactory()
    DeliveryOptionFactory()
    DeliveryOptionFactory(code="overseas", name="Overseas", region="overseas", charge_pence=1800)
    customer = CustomerFactory(last_name="Lovelace", postcode="SW1A 1AA", phone="+447911123401")
    DeliveryAddressFactory(customer=customer)
    return place_order(customer, (ProductFactory(sku="COMM-PROOF-5", name="£5 silver proof", price_pence=9500), 1),
                       idempotency_key="retry-key-123")


def listed(client, search: str) -> str:
    return client.get("/admin/orders/order/", {"q": search}).content.decode()


@pytest.mark.parametrize("search", ["Lovelace", "07911 123401", "+447911123401", "SW1A1AA", "sw1a 1aa"])
def test_o1_orders_are_found_by_the_customers_name_phone_or_postcode(client, staff_user, order, search):
    client.force_login(staff_user("customer_service"))
    assert f"/admin/orders/order/{order.pk}/change/" in listed(client, search)


def test_o8_an_order_is_found_by_its_number_or_tracking_number_and_says_where_it_is(client, staff_user, order):
    order_lines_allocate(order_id=order.pk, actor=Actor.system())
    order_despatch(order_id=order.pk, line_ids=[order.lines.get().pk], carrier="Royal Mail",
                   tracking_number="RM1GB", actor=Actor.system())
    client.force_login(staff_user("warehouse"))

    assert f"/admin/orders/order/{order.pk}/change/" in listed(client, str(order.pk))
    page = listed(client, "RM1GB")
    assert f"/admin/orders/order/{order.pk}/change/" in page and "despatched" in page
    assert "/change/" not in listed(client, "RM2GB").split("result_list")[-1]


def test_an_order_page_shows_money_in_pounds_and_no_internal_fields(client, staff_user, order):
    client.force_login(staff_user("customer_service"))
    page = client.get(f"/admin/orders/order/{order.pk}/change/").content.decode()
    assert "£95.00" in page and "£3.95" in page
    assert "retry-key-123" not in page and "dempotency" not in page and "fingerprint" not in page


def test_a_customers_page_lists_their_orders(client, staff_user, order):
    client.force_login(staff_user("customer_service"))
    page = client.get(f"/admin/customers/customer/{order.customer_id}/change/").content.decode()
    assert f"/admin/orders/order/{order.pk}/change/" in page


def test_o1_the_key_page_finds_customers_with_their_saved_addresses_and_products_with_price_and_stock(
    client, staff_user, order
):
    client.force_login(staff_user("customer_service"))
    customers = client.get("/admin/orders/order/key/customers/", {"q": "sw1a1aa"}).json()["customers"]
    products = client.get("/admin/orders/order/key/products/", {"q": "silver proof"}).json()["products"]

    assert [c["id"] for c in customers] == [order.customer_id]
    assert customers[0]["addresses"][0]["postcode"] == "CF72 8YT"
    assert [(p["sku"], p["price_pence"]) for p in products] == [("COMM-PROOF-5", 9500)]
    client.force_login(staff_user("warehouse"))
    assert client.get("/admin/orders/order/key/customers/", {"q": "sw1a1aa"}).status_code == 403


def test_n3_the_warehouse_sees_where_messages_went_but_not_what_they_said(client, staff_user, order):
    message = MessageFactory(body="Your order is an offer; we have not accepted it yet.")
    client.force_login(staff_user("warehouse"))
    page = client.get(f"/admin/notifications/message/{message.pk}/change/").content.decode()
    assert message.recipient in page and message.body not in page
    client.force_login(staff_user("customer_service"))
    assert message.body in client.get(f"/admin/notifications/message/{message.pk}/change/").content.decode()


def test_n4_the_warehouse_exports_the_print_queue_without_ticking_rows(client, staff_user, order):
    letter = MessageFactory(channel=Message.Channel.LETTER, status=Message.Status.QUEUED_FOR_PRINT,
                            recipient="1 Mint Street, London SW1A 1AA")
    client.force_login(staff_user("warehouse"))
    assert "1 letter(s) waiting" in client.get("/admin/notifications/message/print-queue/").content.decode()

    response = client.post("/admin/notifications/message/print-queue/")

    assert response["Content-Type"] == "text/csv" and "1 Mint Street" in response.content.decode()
    letter.refresh_from_db()
    assert letter.status != Message.Status.QUEUED_FOR_PRINT
