"""Each role's main jobs, walked end to end in headless Chromium against a live server, one screenshot
per step (var/e2e-screenshots/). Everything the staff do goes through the admin's pages; the world
they start from is made through the services."""

import datetime as dt

import pytest

from cancellations.models import Cancellation
from cancellations.services import cancellation_request
from customers.models import Customer, Representative
from mint_shop.actors import Actor, Channel
from orders.models import Order, Shipment
from payments.models import OrderPayment, Refund
from payments.selectors import order_money
from payments.services.receipts import bank_receipt_record
from tests.catalogue.factories import DeliveryOptionFactory, TermsVersionFactory
from tests.customers.factories import DeliveryAddressFactory
from tests.customers.helpers import PDF
from tests.factories import CustomerFactory, ProductFactory
from tests.orders.factories import place_order

pytestmark = [pytest.mark.integration, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def shop(db):
    TermsVersionFactory()
    DeliveryOptionFactory()  # UK standard, £3.95
    DeliveryOptionFactory(code="overseas", name="Overseas tracked", region="overseas", charge_pence=1800)
    customer = CustomerFactory(first_name="Ada", last_name="Lovelace", postcode="SW1A 1AA", phone="+447911123401")
    DeliveryAddressFactory(customer=customer, recipient_name="Ada Lovelace", line1="1 Mint Street",
                           town="London", postcode="SW1A 1AA")
    coin = ProductFactory(sku="COMM-PROOF-5", name="£5 silver proof", stock=10, price_pence=9500)
    return customer, coin


def paid_order(customer, coin) -> Order:
    order = place_order(customer, (coin, 1))
    bank_receipt_record(reference=f"MINT-{order.pk}", amount_pence=order_money(order_id=order.pk)["outstanding_pence"],
                        received_on=dt.date.today(), method="bank_transfer", actor=Actor.system())
    return order


def run_action(page, action: str, **boxes) -> None:
    """Tick every row of the change list, choose the action, fill the boxes beside it, and go."""
    page.check("#action-toggle")
    page.select_option("select[name=action]", action)
    for name, value in boxes.items():
        box = page.locator(f"[name={name}]")
        if box.evaluate("e => e.tagName") == "SELECT":
            box.select_option(value)
        else:
            box.fill(value)
    with page.expect_navigation():
        page.click("button[name=index]")


def test_customer_service_keys_a_card_order_in_stripes_field_and_records_a_cancellation_notice(
    browser_page, live_server, staff_login, walk, shop, localstripe
):
    customer, coin = shop
    page = browser_page
    agent = staff_login(page, "customer_service")
    walk(page, "signed-in")

    page.goto(f"{live_server.url}/admin/orders/order/key/")
    page.fill("#customer-search", "sw1a1aa")
    page.click("#customers-found button")
    walk(page, "customer-found-by-postcode")
    page.fill("#product-search", "proof")
    page.click("#products-found button")
    page.fill("input[name=quantity-0]", "2")
    page.wait_for_function("document.getElementById('running-total').textContent === '£193.95'")
    walk(page, "products-and-running-total")
    page.select_option("#id_payment_method", "card")
    page.fill("#card-element input[placeholder=number]", "4242424242424242")
    page.fill("#card-element input[placeholder=exp_month]", "12")
    page.fill("#card-element input[placeholder=exp_year]", "34")
    page.fill("#card-element input[placeholder=cvc]", "123")
    page.fill("#card-element input[placeholder=postal_code]", "SW1A")
    walk(page, "card-in-stripes-field")
    page.click("#place-order")
    page.wait_for_url("**/admin/orders/order/*/change/")
    walk(page, "order-placed")

    order = Order.objects.get()
    assert "placed." in page.content()
    assert (order.customer, order.channel, order.keyed_by, order.payment_method) == (customer, "phone", agent, "card")
    assert order.delivery_postcode == "SW1A 1AA"
    assert OrderPayment.objects.get(order=order).stripe_payment_method_id.startswith("pm_")
    assert order_money(order_id=order.pk)["held_pence"] == 19395

    page.click("text=Record a cancellation notice")
    page.select_option("#id_channel", Channel.PHONE)
    page.check("input[name=lines]")
    walk(page, "notice-lines-ticked")
    page.click("#service-form input[type=submit]")
    page.wait_for_url(f"**/admin/orders/order/{order.pk}/change/")
    walk(page, "notice-recorded")
    assert "withdrawn from the offer" in page.content()
    assert order.lines.get().withdrawn_at is not None


def test_warehouse_allocates_despatches_and_records_delivery(browser_page, live_server, staff_login, walk, shop):
    order = paid_order(*shop)
    page = browser_page
    staff_login(page, "warehouse")

    page.goto(f"{live_server.url}/admin/orders/order/")
    walk(page, "orders")
    run_action(page, "allocate")
    assert "1 order(s) done." in page.content()
    walk(page, "allocated")
    run_action(page, "despatch", carrier="Royal Mail", tracking_number="RM123456789GB")
    assert "1 order(s) done." in page.content()
    walk(page, "despatched")

    page.goto(f"{live_server.url}/admin/orders/shipment/")
    # Delivered on the day it went (empty: now); a day before its despatch is refused (O9, issue 14).
    run_action(page, "record_delivery", evidence="signature", reference="A. Lovelace")
    walk(page, "delivered")
    shipment = Shipment.objects.get(order=order)
    assert "delivery recorded" in page.content()
    assert (shipment.tracking_number, shipment.delivery_evidence) == ("RM123456789GB", "signature")
    assert shipment.delivered_at >= shipment.despatched_at

    page.goto(f"{live_server.url}/admin/orders/order/?q=RM123456789GB")
    walk(page, "found-by-tracking-number")
    assert page.locator("#result_list tbody tr").count() == 1
    assert "delivered" in page.locator("#result_list tbody tr").inner_text()


def test_finance_works_a_refund_from_the_queue_to_paid_and_exports_the_queue(
    browser_page, live_server, staff_login, walk, shop
):
    order = paid_order(*shop)
    cancellation_request(order_id=order.pk, line_ids=[order.lines.get().pk], actor=Actor.system(),
                         notice_channel=Channel.PHONE)
    page = browser_page
    staff_login(page, "finance")

    page.goto(f"{live_server.url}/admin/cancellations/cancellation/")
    walk(page, "refund-queue")
    assert "£98.95" in page.content()  # goods and delivery, the whole order cancelled
    with page.expect_download() as download:
        page.click("text=Refund queue as CSV")
    assert f"{order.pk}" in open(download.value.path()).read()
    run_action(page, "grant_refunds")
    walk(page, "refund-granted")

    page.goto(f"{live_server.url}/admin/payments/refund/")
    page.click("text=Payouts to make")
    walk(page, "payouts-to-make")
    run_action(page, "mark_paid", bank_reference="FPS-0001")
    walk(page, "payout-paid")
    refund = Refund.objects.get(order=order)
    assert "marked paid" in page.content()
    assert (refund.status, refund.amount_pence) == (Refund.Status.PAID, 9895)
    assert Cancellation.objects.get().refund == refund


def test_compliance_restricts_a_customer_and_verifies_a_representative(
    browser_page, live_server, staff_login, walk, shop
):
    """Customer service registers the representative with their evidence; compliance verifies them (C6)."""
    customer, _ = shop
    page = browser_page
    agent = staff_login(page, "customer_service")
    page.goto(f"{live_server.url}/admin/customers/customer/{customer.pk}/change/")
    page.click("text=Register a representative")
    page.select_option("#id_kind", "attorney")
    page.fill("#id_first_name", "Jo")
    page.fill("#id_last_name", "Attorney")
    page.set_input_files("#id_evidence", files=[
        {"name": "lpa.pdf", "mimeType": "application/pdf", "buffer": PDF}])
    walk(page, "customer-service-registers-a-representative")
    page.click("#service-form input[type=submit]")
    page.wait_for_url(f"**/admin/customers/customer/{customer.pk}/change/")
    assert "registered; compliance will verify" in page.content()
    assert Representative.objects.get().registered_by == agent
    page.context.clear_cookies()  # customer service signs out; compliance signs in
    staff_login(page, "compliance")

    page.goto(f"{live_server.url}/admin/customers/customer/?q=07911123401")
    walk(page, "customer-found-by-phone")
    run_action(page, "restrict", reason="Sanctions list match")
    walk(page, "restricted")
    assert "Done for 1 row(s)." in page.content()
    assert Customer.objects.get(pk=customer.pk).restricted_at is not None

    page.goto(f"{live_server.url}/admin/customers/representative/")
    run_action(page, "verify")
    walk(page, "representative-verified")
    assert Representative.objects.get().status == Representative.Status.VERIFIED
