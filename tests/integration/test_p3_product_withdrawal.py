"""P3 (T&C 5.1): a product withdrawn from sale stops its open lines before despatch: they are
neither allocated nor despatched, staff see them in a queue, the customer is told, and their
hold is released or their money refunded. Through the HTTP API with payments' hooks active."""

import pytest
from django.contrib.auth import get_user_model
from django.test import Client

from notifications.models import Message
from orders.models import Order, OrderLine
from payments import gateway
from payments.models import Authorisation, LedgerEntry, Refund
from tests.integration.conftest import despatch_body, order_body

pytestmark = pytest.mark.django_db


def _ledger(order_id):
    return [(e.kind, e.amount_pence) for e in LedgerEntry.objects.filter(order_id=order_id).order_by("pk")]


def _withdraw(staff, product):
    response = staff("warehouse").post(f"/api/v1/staff/products/{product.pk}/withdraw/")
    assert response.status_code == 200, response.json()
    return response


def _card_order(as_customer, card, *items):
    placed = as_customer.post(
        "/api/v1/orders/", order_body(*items, payment={"method": "card", "stripe_payment_method_id": card()})
    )
    assert placed.status_code == 201, placed.json()
    order_id = placed.json()["id"]
    return order_id, list(OrderLine.objects.filter(order_id=order_id).order_by("pk"))


def test_p3_lines_of_a_withdrawn_product_are_neither_allocated_nor_despatched(as_customer, staff, card, coin, case):
    order_id, (coin_line, case_line) = _card_order(as_customer, card, (coin, 1), (case, 1))

    _withdraw(staff, case)

    warehouse = staff("warehouse")
    allocated = warehouse.post(f"/api/v1/staff/orders/{order_id}/allocate/", {"line_ids": [case_line.pk]})
    assert (allocated.status_code, allocated.json()["rule"]) == (409, "P3")
    despatched = warehouse.post(f"/api/v1/staff/orders/{order_id}/despatch/", despatch_body(case_line.pk))
    assert (despatched.status_code, despatched.json()["rule"]) == (409, "P3")
    case_line.refresh_from_db()
    assert (case_line.withdrawn_because, case_line.allocated_at) == (OrderLine.WithdrawnBecause.PRODUCT_WITHDRAWN, None)
    # The kept line goes on its own, and only it and the delivery are captured: nothing is charged for the case.
    assert warehouse.post(f"/api/v1/staff/orders/{order_id}/allocate/").status_code == 200
    assert warehouse.post(f"/api/v1/staff/orders/{order_id}/despatch/", despatch_body(coin_line.pk)).status_code == 200
    assert _ledger(order_id) == [("authorisation", 3895), ("capture", 2895), ("release", 1000)]


def test_p3_staff_see_the_stopped_lines_in_a_queue_and_the_customer_is_told(
    as_customer, staff, card, coin, case
):
    order_id, (_, case_line) = _card_order(as_customer, card, (coin, 1), (case, 2))

    _withdraw(staff, case)

    queue = staff("customer_service").get("/api/v1/staff/orders/withdrawn-product-lines/")
    assert queue.status_code == 200
    assert [(row["id"], row["order"], row["quantity"]) for row in queue.json()["results"]] == [
        (case_line.pk, order_id, 2)
    ]
    assert as_customer.get("/api/v1/staff/orders/withdrawn-product-lines/").status_code == 403
    admin = Client()
    admin.force_login(get_user_model().objects.get(username="customer_service-user"))
    listed = admin.get("/admin/orders/order/", {"product_withdrawn": "yes"})
    assert listed.status_code == 200 and list(listed.context["cl"].result_list) == [Order.objects.get(pk=order_id)]
    told = Message.objects.get(kind="product_withdrawn")
    assert "no longer available" in told.subject and case.name in told.body
    assert told.customer_id == Order.objects.get(pk=order_id).customer_id


def test_p3_withdrawing_the_product_of_the_only_line_releases_the_card_hold(as_customer, staff, card, coin):
    order_id, _ = _card_order(as_customer, card, (coin, 2))
    authorisation = Authorisation.objects.get(order_payment__order_id=order_id)

    _withdraw(staff, coin)

    authorisation.refresh_from_db()
    assert authorisation.status == Authorisation.Status.RELEASED
    assert gateway.payment_intent_retrieve(authorisation.payment_intent_id).status == "canceled"
    assert Order.objects.get(pk=order_id).status == Order.Status.CANCELLED
    assert _ledger(order_id) == [("authorisation", 5395), ("release", 5395)]


def test_p3_paid_lines_of_a_withdrawn_product_are_refunded_with_the_delivery(customer, staff, card, coin):
    keyed = staff("customer_service").post(
        "/api/v1/staff/orders/",
        {
            **order_body((coin, 2), payment={"method": "card", "stripe_payment_method_id": card()}),
            "customer_id": customer.pk,
            "channel": "phone",
        },
    )
    order_id = keyed.json()["id"]
    assert staff("warehouse").post(f"/api/v1/staff/orders/{order_id}/allocate/").status_code == 200  # M4: captured

    _withdraw(staff, coin)

    refund = Refund.objects.get(order_id=order_id)
    assert (refund.amount_pence, refund.status, refund.means) == (5395, Refund.Status.PAID, Refund.Means.CARD)
    assert _ledger(order_id) == [("authorisation", 5395), ("capture", 5395), ("refund", 5395)]
    money = staff("finance").get(f"/api/v1/staff/payments/orders/{order_id}/").json()
    assert (money["refundable_pence"], money["outstanding_pence"]) == (0, 0)


def test_p3_only_the_warehouse_withdraws_a_product_and_withdrawing_twice_changes_nothing_more(
    as_customer, staff, card, coin
):
    _card_order(as_customer, card, (coin, 1))
    refused = staff("customer_service").post(f"/api/v1/staff/products/{coin.pk}/withdraw/")
    assert refused.status_code == 403

    _withdraw(staff, coin)
    _withdraw(staff, coin)

    assert Message.objects.filter(kind="product_withdrawn").count() == 1
    assert LedgerEntry.objects.filter(kind=LedgerEntry.Kind.RELEASE).count() == 1
    ordered = as_customer.post(
        "/api/v1/orders/", order_body((coin, 1), payment={"method": "card", "stripe_payment_method_id": "pm_x"})
    )
    assert (ordered.status_code, ordered.json()["rule"]) == (409, "P3")


def test_p3_withdrawing_from_the_admin_stops_the_open_lines_too(as_customer, staff_user, card, coin, case):
    order_id, (_, case_line) = _card_order(as_customer, card, (coin, 1), (case, 1))
    admin = Client()
    admin.force_login(staff_user("warehouse"))

    response = admin.post("/admin/catalogue/product/", {"action": "withdraw", "_selected_action": [case.pk]})

    assert response.status_code == 302
    case_line.refresh_from_db()
    assert case_line.withdrawn_because == OrderLine.WithdrawnBecause.PRODUCT_WITHDRAWN
    assert Message.objects.filter(kind="product_withdrawn").count() == 1
    assert Order.objects.get(pk=order_id).status == Order.Status.PLACED
