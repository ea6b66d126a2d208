"""Charge on despatch after release (M3): the order is not despatched unpaid unless staff choose to invoice."""

import datetime as dt

import pytest
import time_machine
from django.test import Client

from notifications.models import Message
from orders.models import OrderLine, Shipment
from payments import gateway
from payments.models import Authorisation, CardOperation, LedgerEntry, OrderPayment
from payments.tasks import authorisations_end_due
from tests.integration.conftest import despatch_body, order_body
from tests.payments.conftest import DECLINED_ON_CHARGE, NEEDS_AUTHENTICATION

pytestmark = [pytest.mark.django_db, pytest.mark.integration]


def _ledger(order_id):
    return [(e.kind, e.amount_pence) for e in LedgerEntry.objects.filter(order_id=order_id).order_by("pk")]


@pytest.fixture
def released_order(as_customer, staff, card, coin, case, django_capture_on_commit_callbacks):
    """A web card order, allocated, whose hold the day-10 sweep released (M3). The hold is an
    extended one, so only our release day ends it (localstripe gives no capture deadline)."""
    placed = as_customer.post(
        "/api/v1/orders/",
        order_body((coin, 1), (case, 1), payment={"method": "card", "stripe_payment_method_id": card()}),
    )
    order_id = placed.json()["id"]
    assert staff("warehouse").post(f"/api/v1/staff/orders/{order_id}/allocate/").status_code == 200
    authorisation = Authorisation.objects.get(order_payment__order_id=order_id)
    authorisation.capture_before = authorisation.authorised_at + dt.timedelta(days=30)
    authorisation.save(update_fields=["capture_before"])
    with time_machine.travel(authorisation.authorised_at + dt.timedelta(days=10), tick=False):
        with django_capture_on_commit_callbacks(execute=True):
            assert authorisations_end_due.delay().get() == {"lapsed": 0, "released": 1}
    assert gateway.payment_intent_retrieve(authorisation.payment_intent_id).status == "canceled"
    return order_id


def _line_ids(order_id):
    return list(OrderLine.objects.filter(order_id=order_id).order_by("pk").values_list("pk", flat=True))


def _despatch(staff, order_id):
    return staff("warehouse").post(f"/api/v1/staff/orders/{order_id}/despatch/", despatch_body(*_line_ids(order_id)))


def _charge(staff, order_id):
    return staff("warehouse").post(
        f"/api/v1/staff/payments/orders/{order_id}/charge-for-despatch/", {"line_ids": _line_ids(order_id)}
    )


def _saved_card_becomes(order_id, card_id):
    """The customer's saved card is now this one (say, replaced after the old one expired)."""
    order_payment = OrderPayment.objects.select_related("order__customer__stripe_account").get(order_id=order_id)
    gateway.payment_method_attach(
        payment_method_id=card_id, customer_id=order_payment.order.customer.stripe_account.stripe_customer_id
    )
    OrderPayment.objects.filter(pk=order_payment.pk).update(stripe_payment_method_id=card_id)


def test_m3_after_release_despatch_is_refused_until_the_card_is_charged(released_order, staff):
    refused = _despatch(staff, released_order)
    assert refused.status_code == 409
    assert (refused.json()["code"], refused.json()["rule"]) == ("charge_before_despatch", "M4")
    assert not Shipment.objects.filter(order_id=released_order).exists()
    assert _ledger(released_order) == [("authorisation", 3895), ("release", 3895)]

    charged = _charge(staff, released_order)
    assert charged.status_code == 200, charged.json()
    operation = CardOperation.objects.get(order_payment__order_id=released_order, kind=CardOperation.Kind.CHARGE)
    intent = gateway.payment_intent_retrieve(operation.payment_intent_id)
    saved_card = OrderPayment.objects.get(order_id=released_order).stripe_payment_method_id
    assert (intent.status, intent.amount, intent.payment_method) == ("succeeded", 3895, saved_card)
    assert intent.capture_method != "manual"  # a charge, not a new hold
    assert not OrderLine.objects.filter(order_id=released_order, paid_at__isnull=True).exists()

    assert _despatch(staff, released_order).status_code == 200
    assert _ledger(released_order) == [("authorisation", 3895), ("release", 3895), ("charge", 3895)]


def test_m3_charging_twice_for_the_same_lines_charges_once(released_order, staff):
    assert _charge(staff, released_order).status_code == 200
    again = _charge(staff, released_order)
    assert (again.status_code, again.json()["code"]) == (409, "nothing_to_charge")
    assert CardOperation.objects.filter(order_payment__order_id=released_order, kind="charge").count() == 1


@pytest.mark.parametrize("number, reason", [(DECLINED_ON_CHARGE, "declined"), (NEEDS_AUTHENTICATION, "authenticate")])
def test_m3_a_refused_charge_holds_the_order_and_despatch_stays_refused_until_staff_choose_to_invoice(
    released_order, staff, card, number, reason
):
    _saved_card_becomes(released_order, card(number))

    refused_charge = _charge(staff, released_order)

    assert (refused_charge.status_code, refused_charge.json()["rule"]) == (409, "M3")
    assert reason in refused_charge.json()["detail"]
    held = staff("finance").get("/api/v1/staff/payments/held/").json()
    assert [row["order_id"] for row in held["results"]] == [released_order]
    assert Message.objects.filter(kind="payment_failed", customer__orders=released_order).count() == 1
    refused = _despatch(staff, released_order)
    assert (refused.status_code, refused.json()["code"]) == (409, "payment_held")
    assert not OrderLine.objects.filter(order_id=released_order, paid_at__isnull=False).exists()

    resolved = staff("finance").post(f"/api/v1/staff/payments/orders/{released_order}/resolve-hold/", {"invoice": True})
    assert resolved.status_code == 200, resolved.json()

    assert _despatch(staff, released_order).status_code == 200
    # On invoice: the card is not tried again, and the despatch confirmation is the invoice (T&C 4.2).
    assert _ledger(released_order) == [("authorisation", 3895), ("release", 3895)]
    confirmation = Message.objects.get(kind="despatch_confirmation", customer__orders=released_order)
    assert "Amount due" in confirmation.body


def test_m3_the_warehouse_may_charge_but_customer_service_may_not(released_order, staff):
    assert _charge(staff, released_order).status_code == 200
    other = staff("customer_service").post(
        f"/api/v1/staff/payments/orders/{released_order}/charge-for-despatch/", {"line_ids": [1]}
    )
    assert other.status_code == 403


def test_m4_a_live_hold_needs_no_charge_before_despatch(as_customer, staff, card, coin):
    placed = as_customer.post(
        "/api/v1/orders/", order_body((coin, 1), payment={"method": "card", "stripe_payment_method_id": card()})
    )
    order_id = placed.json()["id"]
    staff("warehouse").post(f"/api/v1/staff/orders/{order_id}/allocate/")
    response = _charge(staff, order_id)
    assert (response.status_code, response.json()["code"], response.json()["rule"]) == (409, "nothing_to_charge", "M4")
    assert _despatch(staff, order_id).status_code == 200
    assert _ledger(order_id) == [("authorisation", 2895), ("capture", 2895)]


def test_m3_finance_charges_for_despatch_from_the_order_payment_admin(
    released_order, staff, staff_user, django_capture_on_commit_callbacks
):
    client = Client()
    client.force_login(staff_user("finance"))
    order_payment = OrderPayment.objects.get(order_id=released_order)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            "/admin/payments/orderpayment/", {"action": "charge_for_despatch", "_selected_action": [order_payment.pk]}
        )
    assert response.status_code == 302
    assert not OrderLine.objects.filter(order_id=released_order, paid_at__isnull=True).exists()
    assert _despatch(staff, released_order).status_code == 200
