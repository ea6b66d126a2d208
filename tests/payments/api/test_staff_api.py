"""Finance's and customer service's API: refusals name the rule; roles reach their own work."""

import datetime as dt

import pytest
import time_machine
from rest_framework.test import APIClient

from mint_shop.actors import Actor
from payments.models import Cheque, LedgerEntry, Refund
from payments.services.receipts import bank_receipt_record
from payments.services.reimbursements import reimbursement_grant
from tests.payments.factories import order_with_lines
from tests.payments.services.test_webhooks import charge_expired, signed

pytestmark = pytest.mark.django_db


def _client(user=None) -> APIClient:
    client = APIClient()
    if user:
        client.force_authenticate(user)
    return client


@pytest.fixture
def finance(staff_user):
    return _client(staff_user("finance"))


@pytest.fixture
def transfer_order(place):
    order = place(order_with_lines(2500, payment_method="bank_transfer"))
    bank_receipt_record(
        reference=order.payment.reference,
        amount_pence=3000,
        received_on=dt.date(2026, 11, 20),
        method="bank_transfer",
        actor=Actor.system(),
    )
    return order


def test_m8_a_refund_above_what_is_refundable_is_a_409_naming_m8(finance, transfer_order):
    response = finance.post(
        "/api/v1/staff/refunds/",
        {"order_id": transfer_order.pk, "amount_pence": 3001, "request_id": "api-1"},
        format="json",
    )
    assert response.status_code == 409
    assert response.json()["code"] == "refund_above_refundable" and response.json()["rule"] == "M8"
    assert not Refund.objects.exists()


def test_m8_the_same_refund_request_posted_twice_refunds_once(finance, transfer_order):
    body = {"order_id": transfer_order.pk, "amount_pence": 1000, "request_id": "api-2"}
    first = finance.post("/api/v1/staff/refunds/", body, format="json")
    again = finance.post("/api/v1/staff/refunds/", body, format="json")
    assert first.status_code == again.status_code == 201
    assert first.json()["id"] == again.json()["id"]
    due = finance.get("/api/v1/staff/refunds/due/").json()["results"]
    assert [r["payout_reference"] for r in due] == [first.json()["payout_reference"]]


def test_m8_finance_pays_a_reimbursement_from_the_payouts_due_beyond_a_full_refund(finance, transfer_order):
    body = {"order_id": transfer_order.pk, "amount_pence": 3000, "request_id": "api-all"}
    assert finance.post("/api/v1/staff/refunds/", body, format="json").status_code == 201
    reimbursement_grant(
        order_id=transfer_order.pk, amount_pence=320, request_id="api-postage", reason="postage", actor=Actor.system()
    )
    due = finance.get("/api/v1/staff/refunds/due/").json()["results"]
    assert [(r["purpose"], r["amount_pence"]) for r in due] == [("refund", 3000), ("reimbursement", 320)]
    for payout in due:
        paid = finance.post(f"/api/v1/staff/refunds/{payout['id']}/paid/", {"bank_reference": "BACS"}, format="json")
        assert paid.status_code == 200 and paid.json()["status"] == "paid"
    assert finance.get("/api/v1/staff/refunds/due/").json()["results"] == []
    money = finance.get(f"/api/v1/staff/payments/orders/{transfer_order.pk}/").json()
    assert (money["refunded_pence"], money["reimbursed_pence"], money["refundable_pence"]) == (3000, 320, 0)


def test_m8_customer_service_cannot_grant_refunds(staff_user, transfer_order):
    response = _client(staff_user("customer_service")).post(
        "/api/v1/staff/refunds/", {"order_id": transfer_order.pk, "amount_pence": 100, "request_id": "x"}, format="json"
    )
    assert response.status_code == 403


def test_m7_customer_service_records_a_cheque_but_finance_banks_it(staff_user, place):
    order = place(order_with_lines(2500, payment_method="cheque"))
    desk = _client(staff_user("customer_service"))
    body = {"reference": order.payment.reference, "amount_pence": 3000, "drawer": "A Customer", "cheque_number": "1"}
    created = desk.post("/api/v1/staff/cheques/", body, format="json")
    assert created.status_code == 201
    assert desk.post(f"/api/v1/staff/cheques/{created.json()['id']}/bank/").status_code == 403
    banked = _client(staff_user("finance")).post(f"/api/v1/staff/cheques/{created.json()['id']}/bank/")
    assert banked.status_code == 200 and Cheque.objects.get().status == "banked"


def test_m7_a_cheque_for_an_unknown_order_is_a_404_naming_m7(finance):
    response = finance.post(
        "/api/v1/staff/cheques/",
        {"reference": "MINT-424242", "amount_pence": 3000, "drawer": "X", "cheque_number": "2"},
        format="json",
    )
    assert response.status_code == 404 and response.json()["rule"] == "M7"


@pytest.mark.integration
def test_m4_capturing_a_released_authorisation_is_a_409_naming_m4(card, place, commit, staff_user):
    from orders import hooks

    order = place(order_with_lines(2500), stripe_payment_method_id=card())
    with commit():
        hooks.notify(hooks.LINES_WITHDRAWN, order=order, lines=list(order.lines.all()))
    response = _client(staff_user("finance")).post(
        f"/api/v1/staff/payments/orders/{order.pk}/capture/", {"line_ids": [order.lines.get().pk]}, format="json"
    )
    assert response.status_code == 409
    assert response.json()["code"] == "authorisation_not_capturable" and response.json()["rule"] == "M4"


def test_m9_the_ledger_list_costs_the_same_for_one_entry_or_many(finance, place, django_assert_max_num_queries):
    for _ in range(5):
        order = place(order_with_lines(2500, payment_method="bank_transfer"))
        bank_receipt_record(
            reference=order.payment.reference,
            amount_pence=3000,
            received_on=dt.date(2026, 11, 20),
            method="bank_transfer",
            actor=Actor.system(),
        )
    with django_assert_max_num_queries(8):
        response = finance.get("/api/v1/staff/ledger/")
    assert response.json()["count"] == LedgerEntry.objects.count() == 5


def test_m9_finance_sees_per_order_money_and_exports_unmatched_as_csv(finance, transfer_order):
    money = finance.get(f"/api/v1/staff/payments/orders/{transfer_order.pk}/").json()
    assert (money["taken_pence"], money["outstanding_pence"]) == (3000, 0)
    imported = finance.post(
        "/api/v1/staff/reconciliation/bank-import/",
        {"csv": "date,amount,reference\n2026-11-20,9.99,NOBODY\n"},
        format="json",
    )
    assert imported.json() == {"matched": 0}
    unmatched = finance.get("/api/v1/staff/reconciliation/unmatched/").json()
    assert [line["amount_pence"] for line in unmatched["statement_lines"]] == [999]
    assert [entry["order"] for entry in unmatched["ledger_entries"]] == [transfer_order.pk]
    export = finance.get("/api/v1/staff/reconciliation/unmatched/statement.csv")
    assert export["Content-Type"] == "text/csv" and "NOBODY" in export.content.decode()


def test_m9_reconciliation_is_finance_only(staff_user):
    assert _client(staff_user("warehouse")).get("/api/v1/staff/reconciliation/unmatched/").status_code == 403


def test_m10_a_webhook_with_a_bad_signature_is_a_400_and_nothing_stored(db):
    payload, header = signed(charge_expired("evt_api", "pi_x"), secret="whsec_wrong")
    response = _client().post(
        "/webhooks/stripe/", data=payload, content_type="application/json", HTTP_STRIPE_SIGNATURE=header
    )
    assert response.status_code == 400 and response.json()["rule"] == "M10"


def test_m10_a_signed_webhook_is_accepted(db):
    payload, header = signed({"id": "evt_ok", "type": "customer.created", "data": {"object": {}}})
    response = _client().post(
        "/webhooks/stripe/", data=payload, content_type="application/json", HTTP_STRIPE_SIGNATURE=header
    )
    assert response.status_code == 200


@pytest.mark.parametrize("amount", [1e3, 1000.0, 12.5, "1e3", True])
def test_m8_pence_with_a_fraction_or_exponent_is_refused_and_nothing_refunded(finance, transfer_order, amount):
    response = finance.post(
        "/api/v1/staff/refunds/",
        {"order_id": transfer_order.pk, "amount_pence": amount, "request_id": "api-frac"},
        format="json",
    )
    assert response.status_code == 400
    assert (response.json()["code"], list(response.json()["detail"])) == ("invalid_input", ["amount_pence"])
    assert not Refund.objects.exists()


@pytest.mark.parametrize("amount", ["21474836.48", "-99999999999999999999", "Infinity", "NaN"])
def test_m9_a_bank_statement_amount_beyond_the_pence_column_is_a_400_and_nothing_imported(finance, amount):
    from payments.models import StatementLine

    response = finance.post(
        "/api/v1/staff/reconciliation/bank-import/",
        {"csv": f"date,amount,reference\n2026-11-20,9.99,FINE\n2026-11-20,{amount},HUGE\n"},
        format="json",
    )
    assert response.status_code == 400 and response.json()["rule"] == "M9"
    assert not StatementLine.objects.exists()


@pytest.mark.parametrize("order", ["abc", "1.5", "-1", "9" * 30])
def test_m9_a_ledger_filter_that_is_not_an_order_id_is_a_400_in_the_error_shape(finance, order):
    response = finance.get("/api/v1/staff/ledger/", {"order": order})
    assert response.status_code == 400
    assert (response.json()["code"], list(response.json()["detail"])) == ("invalid_input", ["order"])


def test_m10_a_webhook_dated_beyond_the_tolerance_ahead_is_refused_and_nothing_stored(db):
    from payments.models import StripeEvent

    with time_machine.travel(dt.datetime.now(dt.UTC) + dt.timedelta(minutes=6), tick=False):
        payload, header = signed({"id": "evt_future", "type": "customer.created", "data": {"object": {}}})
    response = _client().post(
        "/webhooks/stripe/", data=payload, content_type="application/json", HTTP_STRIPE_SIGNATURE=header
    )
    assert response.status_code == 400 and response.json()["rule"] == "M10"
    assert not StripeEvent.objects.exists()


def test_m10_a_webhook_dated_just_within_the_tolerance_ahead_is_accepted(db):
    with time_machine.travel(dt.datetime.now(dt.UTC) + dt.timedelta(minutes=4), tick=False):
        payload, header = signed({"id": "evt_soon", "type": "customer.created", "data": {"object": {}}})
    response = _client().post(
        "/webhooks/stripe/", data=payload, content_type="application/json", HTTP_STRIPE_SIGNATURE=header
    )
    assert response.status_code == 200


@pytest.mark.integration
def test_m9_stripe_import_while_stripe_is_unreachable_is_a_503_in_the_error_shape_and_nothing_imported(
    finance, localstripe
):
    from payments.models import StatementLine

    localstripe.stop()
    try:
        response = finance.post("/api/v1/staff/reconciliation/stripe-import/")
    finally:
        localstripe.start()
    assert response.status_code == 503
    assert response.json()["code"] == "stripe_unavailable" and response.json()["rule"] == "M9"
    assert not StatementLine.objects.exists()


@pytest.mark.parametrize("order", ["\u00b2", "\u0661", "\u2460"])
def test_m9_a_ledger_filter_in_digits_that_are_not_ascii_is_a_400_in_the_error_shape(finance, order):
    """str.isdigit() holds for "²", "١" and "①"; they are still no order id."""
    response = finance.get("/api/v1/staff/ledger/", {"order": order})
    assert response.status_code == 400
    assert (response.json()["code"], list(response.json()["detail"])) == ("invalid_input", ["order"])


def test_m4_capturing_an_order_paid_by_transfer_with_no_card_hold_is_a_409_naming_m4(finance, transfer_order):
    before = LedgerEntry.objects.count()
    response = finance.post(f"/api/v1/staff/payments/orders/{transfer_order.pk}/capture/",
                            {"line_ids": [line.pk for line in transfer_order.lines.all()]}, format="json")
    assert response.status_code == 409, response.content
    assert (response.json()["code"], response.json()["rule"]) == ("authorisation_not_capturable", "M4")
    assert LedgerEntry.objects.count() == before


@pytest.mark.parametrize("amount", ["sNaN", "-sNaN", "sNaN123"])
def test_m9_a_bank_statement_amount_that_is_a_signalling_nan_is_a_400_and_nothing_imported(finance, amount):
    """Decimal reads "sNaN", and raises InvalidOperation at the first sum made with it."""
    from payments.models import StatementLine

    response = finance.post(
        "/api/v1/staff/reconciliation/bank-import/",
        {"csv": f"date,amount,reference\n2026-11-20,9.99,FINE\n2026-11-20,{amount},ODD\n"},
        format="json",
    )
    assert response.status_code == 400 and response.json()["rule"] == "M9"
    assert not StatementLine.objects.exists()
