"""A card order from the web shop to paid in full, through the HTTP API with payments' hooks active."""

import pytest

from orders.models import Order, OrderLine
from payments import gateway
from payments.models import Authorisation, CardOperation, LedgerEntry
from tests.integration.conftest import despatch_body, order_body

pytestmark = [pytest.mark.django_db, pytest.mark.integration]


def _taken_at_stripe(payment_intent_id) -> tuple[str, int]:
    """The intent's status and what its charge kept (localstripe reports no amount_received)."""
    intent = gateway.payment_intent_retrieve(payment_intent_id)
    charge = intent.to_dict()["charges"]["data"][0]
    return intent.status, charge["amount"] - charge["amount_refunded"]


def _ledger(order_id):
    return [(e.kind, e.amount_pence) for e in LedgerEntry.objects.filter(order_id=order_id).order_by("pk")]


def _money(staff, order_id):
    return staff("finance").get(f"/api/v1/staff/payments/orders/{order_id}/").json()


def _assert_ledger_agrees(staff, order_id):
    """M9: the per-order summary is the ledger summed."""
    entries = LedgerEntry.objects.filter(order_id=order_id)
    money = _money(staff, order_id)
    assert money["taken_pence"] == sum(e.amount_pence for e in entries if e.direction == LedgerEntry.Direction.IN)
    assert money["refunded_pence"] == sum(e.amount_pence for e in entries if e.direction == LedgerEntry.Direction.OUT)
    assert money["outstanding_pence"] == money["total_pence"] - money["taken_pence"]
    return money


def test_m4_o3_o7_m9_a_web_card_order_is_captured_line_by_line_as_each_part_is_despatched(
    as_customer, staff, card, coin, case
):
    placed = as_customer.post(
        "/api/v1/orders/",
        order_body((coin, 1), (case, 1), payment={"method": "card", "stripe_payment_method_id": card()}),
    )
    assert placed.status_code == 201, placed.json()
    order_id = placed.json()["id"]
    coin_line, case_line = OrderLine.objects.filter(order_id=order_id).order_by("pk")

    # M2: the full amount (2500 + 1000 + 395 delivery) is held at Stripe.
    authorisation = Authorisation.objects.get(order_payment__order_id=order_id)
    intent = gateway.payment_intent_retrieve(authorisation.payment_intent_id)
    assert (intent.status, intent.amount, intent.capture_method) == ("requires_capture", 3895, "manual")

    # O7: the customer asks for the coin to go first; only its line is allocated and despatched.
    assert as_customer.post(f"/api/v1/orders/{order_id}/part-despatch/").status_code == 200
    warehouse = staff("warehouse")
    assert warehouse.post(f"/api/v1/staff/orders/{order_id}/allocate/", {"line_ids": [coin_line.pk]}).status_code == 200
    response = warehouse.post(f"/api/v1/staff/orders/{order_id}/despatch/", despatch_body(coin_line.pk))
    assert response.status_code == 200, response.json()

    # M4: only the despatched line is captured, with the delivery charges (the second one added by
    # the part despatch, O7); Stripe releases the rest of the hold.
    assert _taken_at_stripe(authorisation.payment_intent_id) == ("succeeded", 3290)
    # O3: the line is under contract and paid; the case is not.
    coin_line.refresh_from_db()
    case_line.refresh_from_db()
    assert coin_line.accepted_at and coin_line.paid_at
    assert case_line.accepted_at is None and case_line.paid_at is None
    assert _ledger(order_id) == [("authorisation", 3895), ("capture", 3290), ("release", 605)]
    money = _assert_ledger_agrees(staff, order_id)
    assert (money["taken_pence"], money["held_pence"], money["outstanding_pence"]) == (3290, 0, 1000)

    # The hold went with its one capture: the case leaves only once the saved card is charged (M3, M4).
    warehouse.post(f"/api/v1/staff/orders/{order_id}/allocate/", {"line_ids": [case_line.pk]})
    refused = warehouse.post(f"/api/v1/staff/orders/{order_id}/despatch/", despatch_body(case_line.pk))
    assert (refused.status_code, refused.json()["rule"]) == (409, "M4")
    charged = warehouse.post(
        f"/api/v1/staff/payments/orders/{order_id}/charge-for-despatch/", {"line_ids": [case_line.pk]}
    )
    assert charged.status_code == 200, charged.json()
    assert [(op["kind"], op["status"], op["amount_pence"]) for op in charged.json()] == [("charge", "succeeded", 1000)]
    charge = CardOperation.objects.get(order_payment__order_id=order_id, kind=CardOperation.Kind.CHARGE)
    stripe_charge = gateway.payment_intent_retrieve(charge.payment_intent_id)
    assert (stripe_charge.status, stripe_charge.amount, stripe_charge.payment_method) == (
        "succeeded",
        1000,
        Order.objects.get(pk=order_id).payment.stripe_payment_method_id,
    )
    assert warehouse.post(f"/api/v1/staff/orders/{order_id}/despatch/", despatch_body(case_line.pk)).status_code == 200

    # Paid in full: every line paid, nothing outstanding, and the ledger still agrees.
    assert not OrderLine.objects.filter(order_id=order_id, paid_at__isnull=True).exists()
    money = _assert_ledger_agrees(staff, order_id)
    assert (money["total_pence"], money["taken_pence"], money["outstanding_pence"]) == (4290, 4290, 0)
    assert money["total_pence"] == as_customer.get(f"/api/v1/orders/{order_id}/").json()["total_pence"]
    assert _ledger(order_id)[-1] == ("charge", 1000)


def test_o1_o5_m4_a_phone_order_keyed_by_customer_service_is_captured_when_stock_is_allocated(
    customer, staff, card, coin
):
    placed = staff("customer_service").post(
        "/api/v1/staff/orders/",
        {
            **order_body((coin, 2), payment={"method": "card", "stripe_payment_method_id": card()}),
            "customer_id": customer.pk,
            "channel": "phone",
        },
    )
    assert placed.status_code == 201, placed.json()
    order_id = placed.json()["id"]
    order = Order.objects.get(pk=order_id)
    assert (order.channel, order.keyed_by.username) == ("phone", "customer_service-user")
    authorisation = Authorisation.objects.get(order_payment__order_id=order_id)
    assert authorisation.status == Authorisation.Status.AUTHORISED

    assert staff("warehouse").post(f"/api/v1/staff/orders/{order_id}/allocate/").status_code == 200

    assert _taken_at_stripe(authorisation.payment_intent_id) == ("succeeded", 5395)
    line = OrderLine.objects.get(order_id=order_id)
    assert (line.accepted_via, line.paid_at is not None) == (OrderLine.AcceptedVia.PAYMENT, True)
    despatched = staff("warehouse").post(f"/api/v1/staff/orders/{order_id}/despatch/", despatch_body(line.pk))
    assert despatched.status_code == 200, despatched.json()
    assert _ledger(order_id) == [("authorisation", 5395), ("capture", 5395)]
    assert _assert_ledger_agrees(staff, order_id)["outstanding_pence"] == 0


def test_o4_a_declined_card_order_releases_the_hold_at_stripe_and_returns_the_stock(as_customer, staff, card, coin):
    placed = as_customer.post(
        "/api/v1/orders/", order_body((coin, 3), payment={"method": "card", "stripe_payment_method_id": card()})
    )
    order_id = placed.json()["id"]
    authorisation = Authorisation.objects.get(order_payment__order_id=order_id)

    declined = staff("customer_service").post(
        f"/api/v1/staff/orders/{order_id}/decline/", {"reason": "The engraving cannot be done."}
    )

    assert declined.status_code == 200, declined.json()
    assert declined.json()["status"] == "declined"
    assert gateway.payment_intent_retrieve(authorisation.payment_intent_id).status == "canceled"
    assert _ledger(order_id) == [("authorisation", 7895), ("release", 7895)]
    coin.refresh_from_db()
    assert coin.stock == 10
    money = _assert_ledger_agrees(staff, order_id)
    assert (money["held_pence"], money["taken_pence"]) == (0, 0)
