"""Payment jobs in the admin: cheques and transfers received, the reconciliation page with its imports and
CSV exports, and each order payment's sums in pounds. Refusals are messages on the page, never a 500."""

import datetime as dt

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from payments.models import BankReceipt, Cheque, StatementLine
from tests.catalogue.factories import DeliveryOptionFactory, TermsVersionFactory
from tests.factories import CustomerFactory, ProductFactory
from tests.orders.factories import place_order

pytestmark = pytest.mark.django_db


@pytest.fixture
def order(db):
    TermsVersionFactory()
    DeliveryOptionFactory()
    return place_order(CustomerFactory(), (ProductFactory(stock=5, price_pence=2500), 1), method="bank_transfer")


def test_m7_customer_service_records_a_cheque_out_of_the_post_in_pounds(client, staff_user, order):
    client.force_login(staff_user("customer_service"))
    response = client.post("/admin/payments/cheque/add/", {
        "reference": f"MINT-{order.pk}", "amount": "28.95", "drawer": "A Lovelace", "cheque_number": "000123"},
        follow=True)

    assert f"recorded against order {order.pk}" in response.content.decode()
    assert Cheque.objects.get().amount_pence == 2895


def test_m7_a_cheque_quoting_no_order_is_refused_on_the_page(client, staff_user, order):
    client.force_login(staff_user("customer_service"))
    response = client.post("/admin/payments/cheque/add/", {
        "reference": "MINT-999999", "amount": "28.95", "drawer": "A Lovelace", "cheque_number": "000123"})

    assert response.status_code == 200
    assert "Refused (M7)" in response.content.decode()
    assert not Cheque.objects.exists()


def test_m9_finance_imports_a_bank_statement_and_sees_both_sides_unmatched(client, staff_user, order, commit):
    client.force_login(staff_user("finance"))
    with commit():
        client.post("/admin/payments/bankreceipt/add/", {
            "reference": f"MINT-{order.pk}", "amount": "28.95", "received_on": dt.date.today().isoformat(),
            "method": "bank_transfer"})
    statement = SimpleUploadedFile("statement.csv", b"date,amount,reference\n2026-11-02,12.00,UNKNOWN PAYER\n")

    imported = client.post("/admin/payments/statementline/import-bank/", {"statement": statement}, follow=True)
    page = client.get("/admin/payments/statementline/reconciliation/").content.decode()
    ledger_csv = client.get("/admin/payments/statementline/unmatched-ledger.csv")

    assert "Bank statement imported" in imported.content.decode()
    assert BankReceipt.objects.get().amount_pence == 2895
    assert StatementLine.objects.get().amount_pence == 1200
    assert "UNKNOWN PAYER" in page and "£12.00" in page and "£28.95" in page  # both sides, in pounds
    assert ledger_csv["Content-Type"] == "text/csv" and "2895" in ledger_csv.content.decode()


def test_m9_a_bad_statement_is_refused_on_the_page(client, staff_user, order):
    client.force_login(staff_user("finance"))
    statement = SimpleUploadedFile("statement.csv", b"when,how much\n")

    response = client.post("/admin/payments/statementline/import-bank/", {"statement": statement})

    assert response.status_code == 200 and "Refused (M9)" in response.content.decode()


def test_m9_an_order_payment_page_shows_its_sums_in_pounds(client, staff_user, order, commit):
    client.force_login(staff_user("finance"))
    with commit():
        client.post("/admin/payments/bankreceipt/add/", {
            "reference": f"MINT-{order.pk}", "amount": "10.00", "received_on": dt.date.today().isoformat(),
            "method": "bank_transfer"})

    page = client.get(f"/admin/payments/orderpayment/{order.payment.pk}/change/").content.decode()

    for label, pounds in [("Taken", "£10.00"), ("Outstanding", "£18.95"), ("Authorised", "£0.00")]:
        assert label in page and pounds in page


def test_m3_only_warehouse_and_finance_reach_the_charge_for_despatch_page(client, staff_user, order):
    client.force_login(staff_user("customer_service"))
    assert client.get(f"/admin/payments/orderpayment/charge/?order={order.pk}").status_code == 403
    client.force_login(staff_user("warehouse"))
    assert client.get(f"/admin/payments/orderpayment/charge/?order={order.pk}").status_code == 200


def test_m9_finance_imports_stripes_balance_transactions_from_the_reconciliation_page(
    client, staff_user, order, localstripe
):
    client.force_login(staff_user("finance"))
    page = client.get("/admin/payments/statementline/reconciliation/").content.decode()
    assert "/admin/payments/statementline/import-stripe/" in page

    response = client.post("/admin/payments/statementline/import-stripe/", follow=True)

    assert "Stripe balance transactions imported" in response.content.decode()
