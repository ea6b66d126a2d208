"""The ledger and reconciliation (M9)."""

import datetime as dt

import pytest
from django.db import DatabaseError, connection, transaction

from mint_shop.actors import Actor
from mint_shop.errors import RuleViolation
from payments import errors
from payments.models import LedgerEntry, StatementLine
from payments.selectors import ledger_entries_unmatched, order_money, reconciliation_csv, statement_lines_unmatched
from payments.services.receipts import bank_receipt_record
from payments.services.reconciliation import statement_import_bank_csv, statement_import_stripe
from payments.services.refunds import refund_grant
from tests.payments.factories import order_with_lines

pytestmark = pytest.mark.django_db


def _transfer_order(place, amount=3000):
    order = place(order_with_lines(amount - 500, payment_method="bank_transfer"))
    bank_receipt_record(
        reference=order.payment.reference,
        amount_pence=amount,
        received_on=dt.date(2026, 11, 20),
        method="bank_transfer",
        actor=Actor.system(),
    )
    return order


def test_m9_a_ledger_entry_cannot_be_changed_or_deleted(place):
    entry = LedgerEntry.objects.get(order=_transfer_order(place))
    with pytest.raises(ValueError):
        entry.save()
    with pytest.raises(ValueError):
        entry.delete()


@pytest.mark.skipif(connection.vendor != "postgresql", reason="the trigger is PostgreSQL's")
def test_m9_the_database_refuses_updates_and_deletes_of_the_ledger(place):
    order = _transfer_order(place)
    for change in (
        lambda: LedgerEntry.objects.filter(order=order).update(amount_pence=1),
        lambda: LedgerEntry.objects.filter(order=order).delete(),
    ):
        with pytest.raises(DatabaseError, match="immutable"), transaction.atomic():
            change()
    assert LedgerEntry.objects.get(order=order).amount_pence == 3000


@pytest.mark.integration
def test_m9_per_order_sums_always_agree_with_the_ledger(card, place, despatch, charge, commit):
    order = place(order_with_lines(2500, 1000), stripe_payment_method_id=card())
    first, second = order.lines.order_by("pk")
    despatch(order, [first])
    charge(order, [second])
    despatch(order, [second])
    with commit():
        refund_grant(order_id=order.pk, amount_pence=600, request_id="m9", actor=Actor.system())

    money = order_money(order_id=order.pk)
    entries = LedgerEntry.objects.filter(order=order)
    assert money["taken_pence"] == sum(e.amount_pence for e in entries if e.direction == "in") == 4000
    assert money["refunded_pence"] == sum(e.amount_pence for e in entries if e.direction == "out") == 600
    assert money["authorised_pence"] == 4000 and money["held_pence"] == 0
    assert money["outstanding_pence"] == 0 and money["refundable_pence"] == 3400


@pytest.mark.integration
def test_m9_stripe_balance_transactions_are_matched_to_the_ledger(card, place, despatch, commit):
    order = place(order_with_lines(2500), stripe_payment_method_id=card())
    despatch(order, list(order.lines.all()))
    with commit():
        refund_grant(order_id=order.pk, amount_pence=1000, request_id="m9-stripe", actor=Actor.system())

    statement_import_stripe(actor=Actor.system())
    statement_import_stripe(actor=Actor.system())  # a second import adds nothing

    capture = LedgerEntry.objects.get(order=order, kind="capture")
    refund = LedgerEntry.objects.get(order=order, kind="refund")
    assert capture.statement_line.amount_pence == 3000
    assert refund.statement_line.amount_pence == -1000
    assert StatementLine.objects.filter(external_id=capture.statement_line.external_id).count() == 1
    assert not ledger_entries_unmatched().filter(order=order).exists()


@pytest.mark.integration
def test_m9_a_stripe_import_asks_only_from_the_day_before_the_last_line_it_holds(
    card, place, despatch, commit, stripe_requests
):
    """Issue 14: listing every balance transaction on each import grows without bound with the account."""
    first = place(order_with_lines(2500), stripe_payment_method_id=card())
    despatch(first, list(first.lines.all()))
    stripe_requests.clear()
    statement_import_stripe(actor=Actor.system())
    assert [query for method, path, query in stripe_requests if path == "balance_transactions"] == ["limit=100"]
    last_day = StatementLine.objects.filter(source="stripe").latest("occurred_on").occurred_on

    second = place(order_with_lines(4000), stripe_payment_method_id=card())
    despatch(second, list(second.lines.all()))
    stripe_requests.clear()
    statement_import_stripe(actor=Actor.system())

    since = int(dt.datetime.combine(last_day - dt.timedelta(days=1), dt.time(), tzinfo=dt.UTC).timestamp())
    listed = [query for method, path, query in stripe_requests if path == "balance_transactions"]
    assert listed == [f"limit=100&created[gte]={since}"]
    capture = LedgerEntry.objects.get(order=second, kind="capture")
    assert capture.statement_line.amount_pence == capture.amount_pence  # the new line still found and matched


def test_m9_a_bank_statement_csv_is_matched_and_the_rest_listed_and_exported(place):
    order = _transfer_order(place)
    unpaid = _transfer_order(place, amount=4500)
    statement = (
        "date,amount,reference,description\n"
        f"2026-11-20,30.00,MINT-{order.pk},FASTER PAYMENT\n"
        "2026-11-21,12.34,UNKNOWN PAYER,FASTER PAYMENT\n"
    )
    assert statement_import_bank_csv(csv_text=statement, actor=Actor.system()) == 1
    statement_import_bank_csv(csv_text=statement, actor=Actor.system())

    assert LedgerEntry.objects.get(order=order).statement_line.reference == f"MINT-{order.pk}"
    assert [line.amount_pence for line in statement_lines_unmatched(source="bank")] == [1234]
    assert list(ledger_entries_unmatched()) == [LedgerEntry.objects.get(order=unpaid)]
    assert "UNKNOWN PAYER" in reconciliation_csv(side="statement")
    ledger_csv = reconciliation_csv(side="ledger").splitlines()
    assert len(ledger_csv) == 2 and f",{unpaid.pk},transfer,in,4500," in ledger_csv[1]


def test_m9_a_bad_bank_statement_is_refused_naming_the_row_and_nothing_is_stored(db):
    with pytest.raises(RuleViolation) as refused:
        statement_import_bank_csv(
            csv_text="date,amount,reference\n2026-11-20,30.00,A\n2026-11-21,12.345,B\n", actor=Actor.system()
        )
    assert refused.value.rule == errors.STATEMENT_INVALID and "Row 3" in refused.value.detail
    assert not StatementLine.objects.exists()
