"""O8: the despatch confirmation states what is really due; O12: the return postage for items
sent in error is paid as a reimbursement. Through the HTTP API with payments' hooks active."""

import datetime as dt

import pytest

from notifications.models import Message
from orders.models import OrderLine
from payments.models import LedgerEntry, Refund
from tests.integration.conftest import despatch_body, order_body

pytestmark = pytest.mark.django_db


def _despatched(as_customer, staff, *items, payment, **fields):
    placed = as_customer.post("/api/v1/orders/", order_body(*items, payment=payment, **fields))
    assert placed.status_code == 201, placed.json()
    order_id = placed.json()["id"]
    line_ids = list(OrderLine.objects.filter(order_id=order_id).order_by("pk").values_list("pk", flat=True))
    warehouse = staff("warehouse")
    assert warehouse.post(f"/api/v1/staff/orders/{order_id}/allocate/").status_code == 200
    response = warehouse.post(f"/api/v1/staff/orders/{order_id}/despatch/", despatch_body(*line_ids))
    assert response.status_code == 200, response.json()
    return order_id, response.json()["shipments"][0]["id"]


def _confirmation(order_id):
    return Message.objects.get(kind="despatch_confirmation", subject__endswith=f"order {order_id}").body


def test_o8_a_captured_card_order_is_told_nothing_is_due(as_customer, staff, card, coin):
    order_id, _ = _despatched(
        as_customer, staff, (coin, 1), payment={"method": "card", "stripe_payment_method_id": card()}
    )

    body = _confirmation(order_id)
    assert "Nothing is due" in body
    assert "Invoice" not in body and "Amount due" not in body
    assert staff("finance").get(f"/api/v1/staff/payments/orders/{order_id}/").json()["outstanding_pence"] == 0


def test_o8_an_unpaid_order_is_invoiced_for_its_lines_and_the_delivery(as_customer, staff, coin, case):
    order_id, _ = _despatched(as_customer, staff, (coin, 1), (case, 1), payment={"method": "bank_transfer"})

    body = _confirmation(order_id)
    assert "Invoice:" in body
    assert "Amount due, delivery included: £38.95" in body  # 25.00 + 10.00 + 3.95 delivery


def test_o8_a_part_paid_order_is_invoiced_for_what_is_still_outstanding(as_customer, staff, coin):
    placed = as_customer.post("/api/v1/orders/", order_body((coin, 2), payment={"method": "bank_transfer"}))
    order_id = placed.json()["id"]
    staff("finance").post(
        "/api/v1/staff/bank-receipts/",
        {
            "reference": f"MINT-{order_id}",
            "amount_pence": 2000,
            "received_on": dt.date.today().isoformat(),
            "method": "bank_transfer",
        },
    )
    line = OrderLine.objects.get(order_id=order_id)
    staff("warehouse").post(f"/api/v1/staff/orders/{order_id}/allocate/")
    despatched = staff("warehouse").post(f"/api/v1/staff/orders/{order_id}/despatch/", despatch_body(line.pk))
    assert despatched.status_code == 200, despatched.json()

    assert "Amount due, delivery included: £33.95" in _confirmation(order_id)  # 50.00 + 3.95 - 20.00 paid


def test_o12_the_return_postage_for_items_sent_in_error_is_reimbursed(as_customer, staff, coin):
    order_id, shipment_id = _despatched(as_customer, staff, (coin, 1), payment={"method": "bank_transfer"})
    body = {"description": "a second Britannia", "remedy": "reimburse_return", "return_cost_pence": 850}

    recorded = staff("warehouse").post(f"/api/v1/staff/shipments/{shipment_id}/sent-in-error/", body)

    assert recorded.status_code == 201, recorded.json()
    reimbursement = Refund.objects.get(order_id=order_id)
    assert (reimbursement.purpose, reimbursement.amount_pence, reimbursement.means) == (
        Refund.Purpose.REIMBURSEMENT,
        850,
        Refund.Means.PAYOUT,
    )
    assert reimbursement.request_id == f"sent-in-error-{recorded.json()['id']}"
    queue = staff("finance").get("/api/v1/staff/refunds/due/")
    assert queue.status_code == 200 and [row["id"] for row in queue.json()["results"]] == [reimbursement.pk]
    paid = staff("finance").post(f"/api/v1/staff/refunds/{reimbursement.pk}/paid/", {"bank_reference": "BACS-1"})
    assert paid.status_code == 200, paid.json()
    money = staff("finance").get(f"/api/v1/staff/payments/orders/{order_id}/").json()
    assert (money["reimbursed_pence"], money["refundable_pence"]) == (850, 0)
    assert LedgerEntry.objects.filter(order_id=order_id, kind=LedgerEntry.Kind.REIMBURSEMENT).count() == 1


def test_o12_a_collection_owes_no_reimbursement(as_customer, staff, coin):
    order_id, shipment_id = _despatched(as_customer, staff, (coin, 1), payment={"method": "bank_transfer"})
    body = {"description": "a second Britannia", "remedy": "collection", "collection_date": "2030-01-07"}

    recorded = staff("warehouse").post(f"/api/v1/staff/shipments/{shipment_id}/sent-in-error/", body)

    assert recorded.status_code == 201, recorded.json()
    assert not Refund.objects.filter(order_id=order_id).exists()


def test_o12_recording_the_same_items_sent_in_error_again_reimburses_the_postage_once(as_customer, staff, coin):
    order_id, shipment_id = _despatched(as_customer, staff, (coin, 1), payment={"method": "bank_transfer"})
    url = f"/api/v1/staff/shipments/{shipment_id}/sent-in-error/"
    body = {"description": "a second Britannia", "remedy": "reimburse_return", "return_cost_pence": 500}

    first = staff("warehouse").post(url, body)
    again = staff("warehouse").post(url, body)
    other = staff("warehouse").post(url, body | {"return_cost_pence": 900})

    assert (first.status_code, again.status_code) == (201, 201), again.json()
    assert again.json()["id"] == first.json()["id"]
    assert (other.status_code, other.json()["rule"]) == (409, "O12")
    assert [(r.amount_pence, r.purpose) for r in Refund.objects.filter(order_id=order_id)] == [(500, "reimbursement")]
    assert Message.objects.filter(kind="sent_in_error").count() == 1
