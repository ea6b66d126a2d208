"""D6/D7 end to end through the HTTP API, with every app's providers and payments' hooks active.

A delivered order keeps its customer from erasure until the cooling-off period ends (said so,
nothing changed); after it, erasure leaves the person's email and name in no table, history
rows included, while the order and its money stay.
"""

import datetime as dt

import pytest
import time_machine

from consents.erasure import email_was_erased
from consents.models import DataRequest
from consents.selectors import marketing_consent_allows
from customers.models import Customer, DeliveryAddress
from orders.models import Order, OrderLine
from payments.models import LedgerEntry
from tests.consents.rights.helpers import tables_holding
from tests.factories import CustomerFactory, UserFactory
from tests.integration.conftest import despatch_body, order_body

pytestmark = pytest.mark.django_db

EMAIL = "perpetua.quenby@example.com"
FIRST, LAST = "Perpetua", "Quenby"


@pytest.fixture
def perpetua(shop):
    return CustomerFactory(user=UserFactory(username=EMAIL, email=EMAIL, first_name=FIRST, last_name=LAST),
                           first_name=FIRST, last_name=LAST, email=EMAIL, address_line1="7 Quenby Lane",
                           phone="+442079460123")


def _delivered_order(client, staff, coin, customer) -> Order:
    body = order_body((coin, 1), payment={"method": "bank_transfer"})
    body["delivery"].update(name=f"{FIRST} {LAST}", address="7 Quenby Lane, Bath", postcode="BA1 1AA")
    body["confirmation_email"] = EMAIL
    placed = client.post("/api/v1/orders/", body)
    assert placed.status_code == 201, placed.json()
    order_id = placed.json()["id"]
    staff("finance").post("/api/v1/staff/bank-receipts/", {
        "reference": f"MINT-{order_id}", "amount_pence": 2895, "received_on": dt.date.today().isoformat(),
        "method": "bank_transfer"})
    warehouse = staff("warehouse")
    warehouse.post(f"/api/v1/staff/orders/{order_id}/allocate/")
    line_ids = list(OrderLine.objects.filter(order_id=order_id).values_list("pk", flat=True))
    despatched = warehouse.post(f"/api/v1/staff/orders/{order_id}/despatch/", despatch_body(*line_ids))
    assert despatched.status_code == 200, despatched.json()
    shipment_id = Order.objects.get(pk=order_id).shipments.get().pk
    delivered = warehouse.post(f"/api/v1/staff/shipments/{shipment_id}/delivery/",
                               {"evidence": "signature", "reference": f"Signed {LAST}"})
    assert delivered.status_code == 200, delivered.json()
    return Order.objects.get(pk=order_id)


def _erase_request(api, perpetua, staff) -> int:
    client = api(perpetua.user)
    client.post("/api/v1/me/addresses/", {"recipient_name": f"{FIRST} {LAST}", "line1": "9 Quenby Row",
                                          "town": "Bath", "postcode": "BA2 2BB"})
    client.post("/api/v1/me/consents/", {"channel": "email", "granted": True, "wording": f"Yes please, {FIRST}"})
    made = client.post("/api/v1/me/data-requests/", {"kind": "erasure", "details": f"Please forget {FIRST} {LAST}"})
    assert made.status_code == 201, made.json()
    return made.json()["id"]


def test_d7_erasure_waits_for_the_cooling_off_period_then_leaves_no_trace_of_the_person(
    api, staff, coin, perpetua
):
    with time_machine.travel(dt.datetime(2026, 3, 2, 10, tzinfo=dt.UTC), tick=False):
        order = _delivered_order(api(perpetua.user), staff, coin, perpetua)
        request_id = _erase_request(api, perpetua, staff)
        before = tables_holding(EMAIL)
        shared = staff("compliance").get(f"/api/v1/staff/sharing-register/?customer={perpetua.pk}").json()
        assert [(row["recipient_kind"], row["recipient"], row["legal_basis"]) for row in shared] == [
            ("courier", "Royal Mail", "contract")]  # D9: despatch shared the name and address

        refused = staff("compliance").post(f"/api/v1/staff/data-requests/{request_id}/answer/")

        assert (refused.status_code, refused.json()["rule"]) == (409, "D7")
        assert "cooling-off" in refused.json()["detail"] and "until 2026-03-16" in refused.json()["detail"]
        assert tables_holding(EMAIL) == before  # nothing changed
        assert DataRequest.objects.get(pk=request_id).status == DataRequest.Status.IN_HAND

    with time_machine.travel(dt.datetime(2026, 3, 17, 10, tzinfo=dt.UTC), tick=False):
        answered = staff("compliance").post(f"/api/v1/staff/data-requests/{request_id}/answer/")

    assert answered.status_code == 200, answered.json()
    for trace in (EMAIL, FIRST, LAST, "Quenby Lane", "+442079460123"):
        assert tables_holding(trace) == [], trace
    outcome = {note["record"]: note for note in answered.json()["outcome"]}
    kept = outcome[f"orders.Order {order.pk}"]
    assert (kept["action"], kept["kept_until"]) == ("kept", "2032-03-02")
    assert "HMRC" in kept["reason"]
    assert Order.objects.get(pk=order.pk).lines.get().unit_price_pence == 2500
    assert sum(LedgerEntry.objects.filter(order=order).values_list("amount_pence", flat=True)) == 2895
    assert email_was_erased(f" {EMAIL.upper()} ")
    assert not Customer.objects.get(pk=perpetua.pk).user.is_active
    assert DeliveryAddress.objects.filter(customer=perpetua).count() == 1


def test_d7_erasure_refused_for_an_open_order_changes_nothing(api, staff, coin, perpetua):
    placed = api(perpetua.user).post("/api/v1/orders/", order_body((coin, 1), payment={"method": "bank_transfer"}))
    assert placed.status_code == 201
    request_id = _erase_request(api, perpetua, staff)

    refused = staff("compliance").post(f"/api/v1/staff/data-requests/{request_id}/answer/")

    assert (refused.status_code, refused.json()["rule"], refused.json()["code"]) == (409, "D7", "erasure_must_wait")
    assert f"orders.Order {placed.json()['id']}" in refused.json()["detail"]
    perpetua.refresh_from_db()
    assert (perpetua.first_name, perpetua.email) == (FIRST, EMAIL)
    assert not email_was_erased(EMAIL)


def test_d6_a_restriction_stops_marketing_without_deleting_anything(api, staff, perpetua):
    client = api(perpetua.user)
    client.post("/api/v1/me/consents/", {"channel": "email", "granted": True})
    made = client.post("/api/v1/me/data-requests/", {"kind": "restriction"}).json()
    staff("compliance").post(f"/api/v1/staff/data-requests/{made['id']}/answer/")

    perpetua.refresh_from_db()
    assert not marketing_consent_allows(customer=perpetua, channel="email")
    assert (perpetua.first_name, perpetua.email) == (FIRST, EMAIL)
