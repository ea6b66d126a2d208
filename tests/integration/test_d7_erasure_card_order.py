"""D7 end to end: a customer who paid by card and reported a fault is erased without trace.

The card order is placed by the customer themself, so every "who acted" string written as it
goes through payments (the ledger included) names their login, which is their email.
"""

import datetime as dt

import pytest
import time_machine

from orders.models import Order, OrderLine
from payments.models import LedgerEntry
from tests.consents.rights.helpers import tables_holding
from tests.factories import CustomerFactory, UserFactory
from tests.integration.conftest import despatch_body, order_body

pytestmark = [pytest.mark.django_db, pytest.mark.integration]

EMAIL = "ottoline.vandersteen@example.com"
FIRST, LAST = "Ottoline", "Vandersteen"
PHONE = "+442079460777"


@pytest.fixture
def ottoline(shop):
    return CustomerFactory(user=UserFactory(username=EMAIL, email=EMAIL, first_name=FIRST, last_name=LAST),
                           first_name=FIRST, last_name=LAST, email=EMAIL, address_line1="3 Vandersteen Mews",
                           phone=PHONE)


def _card_order_delivered(client, staff, card, coin) -> int:
    body = order_body((coin, 1), payment={"method": "card", "stripe_payment_method_id": card()})
    body["delivery"].update(name=f"{FIRST} {LAST}", address="3 Vandersteen Mews, York", postcode="YO1 7HH")
    placed = client.post("/api/v1/orders/", body)
    assert placed.status_code == 201, placed.json()
    order_id = placed.json()["id"]
    warehouse = staff("warehouse")
    assert warehouse.post(f"/api/v1/staff/orders/{order_id}/allocate/").status_code == 200
    line_ids = list(OrderLine.objects.filter(order_id=order_id).values_list("pk", flat=True))
    despatched = warehouse.post(f"/api/v1/staff/orders/{order_id}/despatch/", despatch_body(*line_ids))
    assert despatched.status_code == 200, despatched.json()
    shipment_id = Order.objects.get(pk=order_id).shipments.get().pk
    delivered = warehouse.post(f"/api/v1/staff/shipments/{shipment_id}/delivery/",
                               {"evidence": "signature", "reference": f"Signed {LAST}"})
    assert delivered.status_code == 200, delivered.json()
    return order_id


def test_d7_erasure_of_a_card_customer_leaves_their_email_in_no_table(api, staff, card, coin, ottoline):
    client = api(ottoline.user)
    with time_machine.travel(dt.datetime(2026, 3, 2, 10, tzinfo=dt.UTC), tick=False):
        order_id = _card_order_delivered(client, staff, card, coin)
        made = client.post("/api/v1/me/data-requests/", {"kind": "erasure", "details": f"Forget {FIRST}"})
        assert made.status_code == 201, made.json()
    taken = sum(LedgerEntry.objects.filter(order_id=order_id, direction=LedgerEntry.Direction.IN)
                .values_list("amount_pence", flat=True))

    with time_machine.travel(dt.datetime(2026, 3, 20, 10, tzinfo=dt.UTC), tick=False):
        answered = staff("compliance").post(f"/api/v1/staff/data-requests/{made.json()['id']}/answer/")

    assert answered.status_code == 200, answered.json()
    for trace in (EMAIL, FIRST, LAST, "Vandersteen Mews", PHONE, "YO1 7HH"):
        assert tables_holding(trace) == [], trace
    assert sum(LedgerEntry.objects.filter(order_id=order_id, direction=LedgerEntry.Direction.IN)
               .values_list("amount_pence", flat=True)) == taken
