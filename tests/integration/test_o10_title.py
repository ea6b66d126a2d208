"""O10 (T&C 6.2) end to end through the HTTP API with every app's hooks active: title passes only
when every penny is paid in cleared funds and the customer's AML identity check has passed, and
for a pre-sale product not before despatch; it passes by itself when the last of these happens,
and the order and each line show it.
"""

import datetime as dt

import pytest

from tests.factories import ProductFactory
from tests.integration.conftest import despatch_body, order_body

pytestmark = pytest.mark.django_db


@pytest.fixture
def aml_check(staff, customer):
    """Record an AML identity check of the customer as compliance does (C4); returns the check's id."""

    def record(status: str) -> int:
        checks = f"/api/v1/staff/customers/{customer.pk}/checks/"
        made = staff("compliance").post(checks, {"kind": "aml", "status": status})
        assert made.status_code == 201, made.json()
        return made.json()["id"]

    return record


def title(as_customer, order_id: int) -> tuple[bool, list[bool]]:
    detail = as_customer.get(f"/api/v1/orders/{order_id}/").json()
    return detail["title_passed"], [line["title_passed_at"] is not None for line in detail["lines"]]


def place(as_customer, *items, **payment) -> int:
    placed = as_customer.post("/api/v1/orders/", order_body(*items, payment=payment))
    assert placed.status_code == 201, placed.json()
    return placed.json()["id"]


def transfer(staff, order_id: int, amount_pence: int):
    received = staff("finance").post(
        "/api/v1/staff/bank-receipts/",
        {"reference": f"MINT-{order_id}", "amount_pence": amount_pence, "received_on": "2026-12-01",
         "method": "bank_transfer"},
    )
    assert received.status_code == 201, received.json()


def test_o10_after_one_of_three_instalments_no_title_after_three_of_three_title(as_customer, staff, aml_check, coin):
    aml_check("passed")
    order_id = place(as_customer, (coin, 1), method="instalments", number_of_instalments=3)
    finance = staff("finance")
    plan = next(p for p in finance.get("/api/v1/staff/instalment-plans/").json()["results"] if p["order"] == order_id)
    plan = finance.post(f"/api/v1/staff/instalment-plans/{plan['id']}/decision/", {"approve": True}).json()
    first, second, last = plan["instalments"]

    finance.post(f"/api/v1/staff/instalments/{first['id']}/paid/", {"reference": "SO-1"})
    assert title(as_customer, order_id) == (False, [False])
    finance.post(f"/api/v1/staff/instalments/{second['id']}/paid/", {"reference": "SO-2"})
    assert title(as_customer, order_id) == (False, [False])
    finance.post(f"/api/v1/staff/instalments/{last['id']}/paid/", {"reference": "SO-3"})
    assert title(as_customer, order_id) == (True, [True])


def test_o10_a_cheque_banked_passes_no_title_until_it_clears(as_customer, staff, aml_check, coin):
    aml_check("passed")
    order_id = place(as_customer, (coin, 1), method="cheque")
    cheque = staff("customer_service").post(
        "/api/v1/staff/cheques/",
        {"reference": f"MINT-{order_id}", "amount_pence": 2895, "drawer": "A Lovelace", "cheque_number": "000123"},
    ).json()

    assert staff("finance").post(f"/api/v1/staff/cheques/{cheque['id']}/bank/").status_code == 200
    line = as_customer.get(f"/api/v1/orders/{order_id}/").json()["lines"][0]
    assert (line["under_contract"], line["funds_cleared_at"]) == (True, None)  # cashed on receipt: accepted (O3)
    assert title(as_customer, order_id) == (False, [False])

    assert staff("finance").post(f"/api/v1/staff/cheques/{cheque['id']}/clear/").status_code == 200
    assert title(as_customer, order_id) == (True, [True])


def test_o10_a_transfer_received_in_full_passes_title_and_part_of_it_does_not(as_customer, staff, aml_check, coin):
    aml_check("passed")
    order_id = place(as_customer, (coin, 1), method="bank_transfer")

    transfer(staff, order_id, 1000)
    assert title(as_customer, order_id) == (False, [False])
    transfer(staff, order_id, 1895)
    assert title(as_customer, order_id) == (True, [True])


def test_o10_with_the_aml_check_pending_no_title_until_it_passes(as_customer, staff, aml_check, coin):
    check_id = aml_check("pending")
    order_id = place(as_customer, (coin, 1), method="bank_transfer")
    transfer(staff, order_id, 2895)
    assert title(as_customer, order_id) == (False, [False])

    passed = staff("compliance").patch(f"/api/v1/staff/customers/checks/{check_id}/", {"status": "passed"})

    assert passed.status_code == 200, passed.json()
    assert title(as_customer, order_id) == (True, [True])


def test_o10_a_pre_sale_product_paid_in_full_takes_title_at_despatch(as_customer, staff, aml_check, shop):
    presale = ProductFactory(price_pence=2500, stock=5, launch_date=dt.date(2099, 1, 1),
                             presale_opens_on=dt.date(2026, 1, 1))
    aml_check("passed")
    order_id = place(as_customer, (presale, 1), method="bank_transfer")
    transfer(staff, order_id, 2895)
    assert title(as_customer, order_id) == (False, [False])

    warehouse = staff("warehouse")
    warehouse.post(f"/api/v1/staff/orders/{order_id}/allocate/")
    line_id = as_customer.get(f"/api/v1/orders/{order_id}/").json()["lines"][0]["id"]
    assert warehouse.post(f"/api/v1/staff/orders/{order_id}/despatch/", despatch_body(line_id)).status_code == 200

    assert title(as_customer, order_id) == (True, [True])


def test_o10_a_card_line_takes_title_when_its_capture_is_taken(as_customer, staff, aml_check, card, coin):
    aml_check("passed")
    order_id = place(as_customer, (coin, 1), method="card", stripe_payment_method_id=card())
    assert title(as_customer, order_id) == (False, [False])  # held, not taken

    warehouse = staff("warehouse")
    warehouse.post(f"/api/v1/staff/orders/{order_id}/allocate/")
    line_id = as_customer.get(f"/api/v1/orders/{order_id}/").json()["lines"][0]["id"]
    assert warehouse.post(f"/api/v1/staff/orders/{order_id}/despatch/", despatch_body(line_id)).status_code == 200

    assert title(as_customer, order_id) == (True, [True])
