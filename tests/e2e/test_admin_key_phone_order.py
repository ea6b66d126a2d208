"""O1 in a real browser: customer service keys a phone order through the admin (headless Chromium)."""

import os
import shutil

import pytest

from catalogue.models import Product
from orders.models import Order
from tests.catalogue.factories import DeliveryOptionFactory, TermsVersionFactory
from tests.conftest import service_missing
from tests.factories import CustomerFactory, ProductFactory

pytestmark = [pytest.mark.integration, pytest.mark.django_db(transaction=True)]

CHROMIUM = shutil.which("chromium") or "/usr/bin/chromium"


@pytest.fixture
def browser_page():
    try:
        from playwright.sync_api import sync_playwright
    except ImportError:
        service_missing("playwright is not installed")
    if not os.path.exists(CHROMIUM):
        service_missing("chromium is not installed (apt-get install chromium)")
    # Playwright's sync API runs an event loop in this thread; the test's own ORM calls are safe.
    os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path=CHROMIUM,
            args=["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update",
                  "--disable-sync", "--no-first-run", "--disable-quic"],
        )
        yield browser.new_page()
        browser.close()
    del os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"]


def test_o1_customer_service_keys_a_phone_order_in_the_admin(browser_page, live_server, staff_user):
    TermsVersionFactory()
    DeliveryOptionFactory()
    customer = CustomerFactory(first_name="Ada", last_name="Lovelace")
    coin = ProductFactory(sku="COMM-PROOF-5", stock=10, price_pence=9500)
    agent = staff_user("customer_service")
    agent.set_password("key-orders-by-phone")
    agent.save()

    page = browser_page
    page.goto(f"{live_server.url}/admin/login/")
    page.fill("#id_username", agent.username)
    page.fill("#id_password", "key-orders-by-phone")
    page.click("input[type=submit]")
    page.goto(f"{live_server.url}/admin/orders/order/key/")
    page.select_option("#id_customer", str(customer.pk))
    page.select_option("#id_channel", "phone")
    page.fill("#id_lines", "COMM-PROOF-5 2")
    page.select_option("#id_payment_method", "bank_transfer")
    page.fill("#id_delivery_name", "Ada Lovelace")
    page.fill("#id_delivery_address", "1 Mint Street, Llantrisant")
    page.fill("#id_delivery_postcode", "CF72 8YT")
    page.click("input[type=submit]")

    page.wait_for_url("**/admin/orders/order/*/change/")
    order = Order.objects.get()
    assert f"Order {order.pk} placed." in page.content()
    assert (order.customer, order.channel, order.keyed_by) == (customer, "phone", agent)
    assert [(line.product.sku, line.quantity) for line in order.lines.all()] == [("COMM-PROOF-5", 2)]
    assert Product.objects.get(pk=coin.pk).stock == 8
