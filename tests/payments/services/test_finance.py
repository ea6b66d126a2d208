"""Third-party finance (M6)."""

import pytest

from mint_shop.actors import Actor
from mint_shop.errors import RuleViolation
from payments import errors
from payments.models import FinanceApplication, LedgerEntry
from payments.selectors import finance_sharing_records
from payments.services.finance import (
    finance_application_decide,
    finance_application_submit,
    finance_settlement_record,
)
from tests.payments.conftest import accepted_by_payment
from tests.payments.factories import order_with_lines

pytestmark = pytest.mark.django_db


def test_m6_an_application_records_what_went_to_the_lender_and_when(place):
    order = place(order_with_lines(2500, payment_method="finance"))
    application = finance_application_submit(order_id=order.pk, lender="Lendwell Ltd", actor=Actor.system())

    [record] = finance_sharing_records(customer=order.customer)
    assert record["to_whom"] == "Lendwell Ltd"
    assert record["what"] == ["name", "address", "contact details", "order details"]
    assert record["when"] == application.shared_at
    assert record["recipient_role"] == "independent controller"


def test_m6_the_lenders_decision_and_settlement_are_recorded(place, commit):
    order = place(order_with_lines(2500, payment_method="finance"))
    application = finance_application_submit(order_id=order.pk, lender="Lendwell Ltd", actor=Actor.system())
    finance_application_decide(
        application_id=application.pk, approved=True, lender_reference="LW-9", actor=Actor.system()
    )
    with commit():
        finance_settlement_record(application_id=application.pk, amount_pence=3000, actor=Actor.system())

    assert FinanceApplication.objects.get().status == FinanceApplication.Status.SETTLED
    entry = LedgerEntry.objects.get(order=order)
    assert (entry.kind, entry.amount_pence, entry.external_id) == ("finance_settlement", 3000, "LW-9")
    assert accepted_by_payment(order) == [order.lines.get().pk]


def test_m6_a_declined_application_cannot_be_settled(place):
    order = place(order_with_lines(2500, payment_method="finance"))
    application = finance_application_submit(order_id=order.pk, lender="Lendwell Ltd", actor=Actor.system())
    finance_application_decide(
        application_id=application.pk, approved=False, lender_reference="LW-10", actor=Actor.system()
    )
    with pytest.raises(RuleViolation) as refused:
        finance_settlement_record(application_id=application.pk, amount_pence=3000, actor=Actor.system())
    assert refused.value.rule == errors.FINANCE_APPLICATION_STATE
