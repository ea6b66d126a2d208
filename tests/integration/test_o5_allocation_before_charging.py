"""O5: a card is not captured or charged for a line before stock is allocated to it, whoever asks."""

import datetime as dt

import pytest
import time_machine

from orders.models import OrderLine
from payments.models import Authorisation, CardOperation, LedgerEntry
from payments.tasks import authorisations_end_due
from tests.integration.conftest import order_body

pytestmark = [pytest.mark.django_db, pytest.mark.integration]


@pytest.fixture
def web_order(as_customer, card, coin):
    placed = as_customer.post(
        "/api/v1/orders/", order_body((coin, 1), payment={"method": "card", "stripe_payment_method_id": card()})
    )
    assert placed.status_code == 201, placed.json()
    return placed.json()["id"]


def test_o5_staff_capture_of_a_line_not_yet_allocated_is_refused(web_order, staff):
    line_id = OrderLine.objects.get(order_id=web_order).pk

    refused = staff("finance").post(f"/api/v1/staff/payments/orders/{web_order}/capture/", {"line_ids": [line_id]})

    assert (refused.status_code, refused.json()["rule"], refused.json()["code"]) == (409, "O5", "lines_not_allocated")
    assert not CardOperation.objects.filter(kind=CardOperation.Kind.CAPTURE).exists()

    staff("warehouse").post(f"/api/v1/staff/orders/{web_order}/allocate/")
    captured = staff("finance").post(f"/api/v1/staff/payments/orders/{web_order}/capture/", {"line_ids": [line_id]})
    assert captured.status_code == 202, captured.json()
    assert [e.kind for e in LedgerEntry.objects.filter(order_id=web_order)][-1] == "capture"


def test_o5_charge_for_despatch_of_a_line_not_yet_allocated_is_refused(
    web_order, staff, django_capture_on_commit_callbacks
):
    authorisation = Authorisation.objects.get(order_payment__order_id=web_order)
    authorisation.capture_before = authorisation.authorised_at + dt.timedelta(days=30)  # an extended hold
    authorisation.save(update_fields=["capture_before"])
    with time_machine.travel(authorisation.authorised_at + dt.timedelta(days=10), tick=False):
        with django_capture_on_commit_callbacks(execute=True):
            assert authorisations_end_due.delay().get() == {"lapsed": 0, "released": 1}  # M3: charge on despatch
    line_id = OrderLine.objects.get(order_id=web_order).pk

    refused = staff("warehouse").post(
        f"/api/v1/staff/payments/orders/{web_order}/charge-for-despatch/", {"line_ids": [line_id]}
    )

    assert (refused.status_code, refused.json()["rule"]) == (409, "O5")
    assert not CardOperation.objects.filter(kind=CardOperation.Kind.CHARGE).exists()
    assert staff("warehouse").post(f"/api/v1/staff/orders/{web_order}/allocate/").status_code == 200
    charged = staff("warehouse").post(
        f"/api/v1/staff/payments/orders/{web_order}/charge-for-despatch/", {"line_ids": [line_id]}
    )
    assert charged.status_code == 200, charged.json()
