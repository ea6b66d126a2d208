"""Money owed back that no cancellation covers — P3's refund for paid lines of a product
withdrawn from sale, O12's return postage for items sent in error — is never lost with the
work a request leaves for after its commit (the process stopped, a deploy, an earlier callback
that failed): what the request committed is enough for the periodic sweeps to pay it.
Through the HTTP API with payments' hooks active and localstripe."""

import pytest

from cancellations.tasks import cancellation_refunds_grant_due
from notifications.tasks import outbox_send_pending
from payments.models import LedgerEntry, Refund
from payments.tasks import card_operations_retry_due, stripe_events_process_due
from tests.integration.conftest import despatch_body, order_body

pytestmark = pytest.mark.django_db


def _every_sweep(settings) -> None:
    """Beat's sweeps, once the grace time for work written for later has passed."""
    settings.MINT_SWEEP_GRACE_SECONDS = 0
    for sweep in (
        card_operations_retry_due,
        stripe_events_process_due,
        cancellation_refunds_grant_due,
        outbox_send_pending,
    ):
        sweep.delay()


def _after_commit_work_lost(api, django_capture_on_commit_callbacks, url, body=None):
    """The request commits, then its process stops before any after-commit work runs."""
    with django_capture_on_commit_callbacks(execute=False):
        response = api.client.post(url, body or {}, format="json")
    assert response.status_code < 300, response.json()
    return response


def test_p3_the_refund_for_paid_lines_of_a_withdrawn_product_is_found_by_the_sweep(
    customer, staff, card, coin, settings, django_capture_on_commit_callbacks
):
    keyed = staff("customer_service").post(
        "/api/v1/staff/orders/",
        {
            **order_body((coin, 2), payment={"method": "card", "stripe_payment_method_id": card()}),
            "customer_id": customer.pk,
            "channel": "phone",
        },
    )
    order_id = keyed.json()["id"]
    assert staff("warehouse").post(f"/api/v1/staff/orders/{order_id}/allocate/").status_code == 200  # M4: captured

    _after_commit_work_lost(
        staff("warehouse"), django_capture_on_commit_callbacks, f"/api/v1/staff/products/{coin.pk}/withdraw/"
    )
    _every_sweep(settings)

    refund = Refund.objects.get(order_id=order_id)
    assert (refund.amount_pence, refund.means, refund.status) == (5395, Refund.Means.CARD, Refund.Status.PAID)
    assert LedgerEntry.objects.filter(order_id=order_id, kind=LedgerEntry.Kind.REFUND).count() == 1


def test_p3_the_refund_for_a_paid_transfer_order_reaches_finances_queue_though_the_after_commit_work_is_lost(
    as_customer, staff, coin, django_capture_on_commit_callbacks, settings
):
    placed = as_customer.post("/api/v1/orders/", order_body((coin, 1), payment={"method": "bank_transfer"}))
    order_id = placed.json()["id"]
    received = staff("finance").post(
        "/api/v1/staff/bank-receipts/",
        {"reference": f"MINT-{order_id}", "amount_pence": 2895, "received_on": "2026-01-05", "method": "bank_transfer"},
    )
    assert received.status_code == 201, received.json()

    _after_commit_work_lost(
        staff("warehouse"), django_capture_on_commit_callbacks, f"/api/v1/staff/products/{coin.pk}/withdraw/"
    )
    _every_sweep(settings)

    queue = staff("finance").get("/api/v1/staff/refunds/due/").json()["results"]
    assert [(row["order"], row["amount_pence"]) for row in queue] == [(order_id, 2895)]


def test_o12_the_return_postage_owed_for_items_sent_in_error_is_found_by_the_sweep(
    as_customer, staff, coin, django_capture_on_commit_callbacks, settings
):
    placed = as_customer.post("/api/v1/orders/", order_body((coin, 1), payment={"method": "bank_transfer"}))
    order_id = placed.json()["id"]
    warehouse = staff("warehouse")
    warehouse.post(f"/api/v1/staff/orders/{order_id}/allocate/")
    line_id = placed.json()["lines"][0]["id"]
    shipment_id = warehouse.post(f"/api/v1/staff/orders/{order_id}/despatch/", despatch_body(line_id)).json()[
        "shipments"
    ][0]["id"]
    body = {"description": "a second Britannia", "remedy": "reimburse_return", "return_cost_pence": 850}

    _after_commit_work_lost(
        warehouse, django_capture_on_commit_callbacks, f"/api/v1/staff/shipments/{shipment_id}/sent-in-error/", body
    )
    _every_sweep(settings)

    queue = staff("finance").get("/api/v1/staff/refunds/due/").json()["results"]
    assert [(row["order"], row["amount_pence"], row["purpose"]) for row in queue] == [
        (order_id, 850, Refund.Purpose.REIMBURSEMENT)
    ]
