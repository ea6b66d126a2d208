"""An order paid by bank transfer, matched by its reference (M7), through the HTTP API."""

import datetime as dt

import pytest

from orders.models import OrderLine
from payments.models import LedgerEntry
from tests.integration.conftest import despatch_body, order_body

pytestmark = pytest.mark.django_db


def test_m7_o3_a_transfer_quoting_the_reference_makes_every_line_a_contract(as_customer, staff, coin, case):
    placed = as_customer.post("/api/v1/orders/", order_body((coin, 1), (case, 1), payment={"method": "bank_transfer"}))
    assert placed.status_code == 201, placed.json()
    order_id = placed.json()["id"]
    reference = staff("finance").get(f"/api/v1/staff/payments/orders/{order_id}/").json()
    assert reference["outstanding_pence"] == 3895

    received = staff("finance").post(
        "/api/v1/staff/bank-receipts/",
        {
            "reference": f" mint-{order_id} ",
            "amount_pence": 3895,
            "received_on": dt.date.today().isoformat(),
            "method": "bank_transfer",
        },
    )

    assert received.status_code == 201, received.json()
    lines = OrderLine.objects.filter(order_id=order_id)
    assert {(line.accepted_via, line.paid_at is not None) for line in lines} == {(OrderLine.AcceptedVia.PAYMENT, True)}
    assert [(e.kind, e.amount_pence) for e in LedgerEntry.objects.filter(order_id=order_id)] == [("transfer", 3895)]
    assert staff("finance").get(f"/api/v1/staff/payments/orders/{order_id}/").json()["outstanding_pence"] == 0

    warehouse = staff("warehouse")
    warehouse.post(f"/api/v1/staff/orders/{order_id}/allocate/")
    despatched = warehouse.post(
        f"/api/v1/staff/orders/{order_id}/despatch/", despatch_body(*[line.pk for line in lines])
    )
    assert despatched.status_code == 200, despatched.json()


def test_m7_a_transfer_with_an_unknown_reference_is_refused_and_nothing_written(staff, shop):
    response = staff("finance").post(
        "/api/v1/staff/bank-receipts/",
        {"reference": "MINT-999999", "amount_pence": 100, "received_on": "2026-01-05", "method": "bank_transfer"},
    )
    assert (response.status_code, response.json()["rule"]) == (404, "M7")
    assert not LedgerEntry.objects.exists()
