"""O3 / M9: a withdrawn line leaves every total of the order, and paying what is really due
accepts the kept lines; a card hold goes with the order's last live line, however many
steps took the lines off. Through the HTTP API with payments' hooks active."""

import datetime as dt

import pytest

from orders.models import OrderLine
from payments import gateway
from payments.models import Authorisation, CardOperation, LedgerEntry
from tests.integration.conftest import despatch_body, order_body

pytestmark = pytest.mark.django_db


def _money(staff, order_id):
    return staff("finance").get(f"/api/v1/staff/payments/orders/{order_id}/").json()


def _ledger(order_id):
    return [(e.kind, e.amount_pence) for e in LedgerEntry.objects.filter(order_id=order_id).order_by("pk")]


def _place(as_customer, *items, payment):
    placed = as_customer.post("/api/v1/orders/", order_body(*items, payment=payment))
    assert placed.status_code == 201, placed.json()
    order_id = placed.json()["id"]
    return order_id, list(OrderLine.objects.filter(order_id=order_id).order_by("pk"))


def _withdraw(as_customer, order_id, *lines):
    response = as_customer.post(f"/api/v1/orders/{order_id}/cancel-lines/", {"line_ids": [line.pk for line in lines]})
    assert response.status_code == 200, response.json()


def test_o3_m9_a_withdrawn_line_leaves_the_total_and_what_is_outstanding(as_customer, staff, coin, case):
    order_id, (coin_line, case_line) = _place(as_customer, (coin, 1), (case, 1), payment={"method": "bank_transfer"})

    _withdraw(as_customer, order_id, case_line)

    money = _money(staff, order_id)
    assert (money["total_pence"], money["outstanding_pence"], money["taken_pence"]) == (2895, 2895, 0)
    assert as_customer.get(f"/api/v1/orders/{order_id}/").json()["total_pence"] == 2895


def test_o3_m9_a_transfer_for_the_kept_lines_and_delivery_accepts_the_kept_lines(as_customer, staff, coin, case):
    order_id, (coin_line, case_line) = _place(as_customer, (coin, 1), (case, 1), payment={"method": "bank_transfer"})
    _withdraw(as_customer, order_id, case_line)

    received = staff("finance").post(
        "/api/v1/staff/bank-receipts/",
        {
            "reference": f"MINT-{order_id}",
            "amount_pence": 2895,
            "received_on": dt.date.today().isoformat(),
            "method": "bank_transfer",
        },
    )

    assert received.status_code == 201, received.json()
    coin_line.refresh_from_db()
    case_line.refresh_from_db()
    assert (coin_line.accepted_via, coin_line.paid_at is not None) == (OrderLine.AcceptedVia.PAYMENT, True)
    assert (case_line.accepted_at, case_line.paid_at) == (None, None)
    money = _money(staff, order_id)
    assert (money["total_pence"], money["taken_pence"], money["outstanding_pence"]) == (2895, 2895, 0)
    assert money["refundable_pence"] == 2895


def test_o3_m9_a_card_order_with_a_withdrawn_line_captures_and_owes_only_the_kept_line(
    as_customer, staff, card, coin, case
):
    order_id, (coin_line, case_line) = _place(
        as_customer, (coin, 1), (case, 1), payment={"method": "card", "stripe_payment_method_id": card()}
    )
    _withdraw(as_customer, order_id, case_line)
    assert _money(staff, order_id)["outstanding_pence"] == 2895

    warehouse = staff("warehouse")
    assert warehouse.post(f"/api/v1/staff/orders/{order_id}/allocate/").status_code == 200
    despatched = warehouse.post(f"/api/v1/staff/orders/{order_id}/despatch/", despatch_body(coin_line.pk))

    assert despatched.status_code == 200, despatched.json()
    assert _ledger(order_id) == [("authorisation", 3895), ("capture", 2895), ("release", 1000)]
    money = _money(staff, order_id)
    assert (money["total_pence"], money["taken_pence"], money["held_pence"]) == (2895, 2895, 0)
    assert (money["outstanding_pence"], money["refundable_pence"]) == (0, 2895)


def test_a_card_hold_is_released_when_the_last_live_line_goes_in_a_second_step(as_customer, staff, card, coin, case):
    order_id, (coin_line, case_line) = _place(
        as_customer, (coin, 1), (case, 1), payment={"method": "card", "stripe_payment_method_id": card()}
    )
    authorisation = Authorisation.objects.get(order_payment__order_id=order_id)

    _withdraw(as_customer, order_id, coin_line)
    assert gateway.payment_intent_retrieve(authorisation.payment_intent_id).status == "requires_capture"
    _withdraw(as_customer, order_id, case_line)

    authorisation.refresh_from_db()
    assert authorisation.status == Authorisation.Status.RELEASED
    assert gateway.payment_intent_retrieve(authorisation.payment_intent_id).status == "canceled"
    assert _ledger(order_id) == [("authorisation", 3895), ("release", 3895)]
    money = _money(staff, order_id)
    assert (money["held_pence"], money["total_pence"], money["outstanding_pence"]) == (0, 0, 0)


def test_a_card_hold_is_released_when_a_refused_price_takes_the_last_line_after_a_withdrawal(
    as_customer, staff, card, coin, case
):
    order_id, (coin_line, case_line) = _place(
        as_customer, (coin, 1), (case, 1), payment={"method": "card", "stripe_payment_method_id": card()}
    )
    _withdraw(as_customer, order_id, coin_line)
    case.price_pence = 1200
    case.save(update_fields=["price_pence"])
    assert staff("customer_service").post(f"/api/v1/staff/orders/{order_id}/price-change/").status_code == 200

    answered = as_customer.post(f"/api/v1/orders/{order_id}/price-answer/", {"agree": False})

    assert answered.status_code == 200, answered.json()
    authorisation = Authorisation.objects.get(order_payment__order_id=order_id)
    assert authorisation.status == Authorisation.Status.RELEASED
    assert CardOperation.objects.filter(
        order_payment__order_id=order_id, kind=CardOperation.Kind.CANCEL, status=CardOperation.Status.SUCCEEDED
    ).count() == 1
    assert _ledger(order_id) == [("authorisation", 3895), ("release", 3895)]


def _transfer(staff, order_id, amount_pence):
    received = staff("finance").post(
        "/api/v1/staff/bank-receipts/",
        {"reference": f"MINT-{order_id}", "amount_pence": amount_pence, "received_on": dt.date.today().isoformat(),
         "method": "bank_transfer"},
    )
    assert received.status_code == 201, received.json()


def test_o3_a_transfer_already_received_accepts_the_kept_lines_when_a_withdrawal_makes_it_enough(
    as_customer, staff, coin, case
):
    order_id, (coin_line, case_line) = _place(as_customer, (coin, 1), (case, 1), payment={"method": "bank_transfer"})
    _transfer(staff, order_id, 2895)  # short of 3895: nothing is accepted yet
    coin_line.refresh_from_db()
    assert coin_line.accepted_at is None

    _withdraw(as_customer, order_id, case_line)

    coin_line.refresh_from_db()
    assert (coin_line.accepted_via, coin_line.funds_cleared_at is not None) == (OrderLine.AcceptedVia.PAYMENT, True)
    assert _money(staff, order_id)["outstanding_pence"] == 0


def test_o4_m8_money_received_on_a_declined_order_is_refunded(as_customer, staff, coin):
    order_id, _ = _place(as_customer, (coin, 2), payment={"method": "bank_transfer"})
    _transfer(staff, order_id, 2000)  # part of 5395: no line is under contract, so it can be declined

    declined = staff("customer_service").post(f"/api/v1/staff/orders/{order_id}/decline/", {"reason": "not for us"})

    assert declined.status_code == 200, declined.json()
    due = staff("finance").get("/api/v1/staff/refunds/due/").json()["results"]
    assert [(refund["order"], refund["amount_pence"]) for refund in due] == [(order_id, 2000)]
    assert _money(staff, order_id)["refundable_pence"] == 0


def test_o3_m8_money_received_for_lines_the_customer_all_withdrew_is_refunded_once(as_customer, staff, coin, case):
    order_id, lines = _place(as_customer, (coin, 1), (case, 1), payment={"method": "bank_transfer"})
    _transfer(staff, order_id, 1000)  # short even of the case and the delivery (1395) left after the coin goes

    _withdraw(as_customer, order_id, lines[0])
    _withdraw(as_customer, order_id, lines[1])

    due = staff("finance").get("/api/v1/staff/refunds/due/").json()["results"]
    assert [(refund["order"], refund["amount_pence"]) for refund in due] == [(order_id, 1000)]
