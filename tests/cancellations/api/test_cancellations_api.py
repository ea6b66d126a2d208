import datetime as dt

import pytest
import time_machine
from rest_framework.test import APIClient

from cancellations.models import Cancellation, FaultClaim
from mint_shop.clock import LONDON
from tests.cancellations.factories import deliver, paid_order
from tests.factories import CustomerFactory, ProductFactory

pytestmark = pytest.mark.django_db


def _at(day: dt.date):
    return dt.datetime.combine(day, dt.time(12), tzinfo=LONDON)


def _api(user):
    api = APIClient()
    api.force_authenticate(user)
    return api


@pytest.fixture
def delivered(commit, customer, coin):
    order = paid_order(commit, customer, (coin, 1))
    deliver(commit, order, delivered_at=_at(dt.date(2026, 11, 2)))
    return order


def test_r1_the_customer_sees_cancellable_lines_with_their_last_day(delivered, commit, customer, medal):
    waiting = paid_order(commit, customer, (medal, 1))
    bullion = ProductFactory(stock=3, bullion_priced=True)
    paid_order(commit, customer, (bullion, 1))
    with time_machine.travel(_at(dt.date(2026, 11, 5)), tick=False):
        body = _api(customer.user).get("/api/v1/me/cancellable-lines/").json()
    by_line = {row["line_id"]: row for row in body}
    assert by_line[delivered.lines.get().pk]["last_day"] == "2026-11-16"
    assert by_line[waiting.lines.get().pk] == {
        **by_line[waiting.lines.get().pk],
        "right": "cooling_off",
        "last_day": None,
    }
    assert len(body) == 2  # the bullion coin is not cancellable (R6)


def test_r1_list_of_cancellable_lines_costs_the_same_queries_for_many_orders(
    commit, customer, coin, django_assert_max_num_queries
):
    for _ in range(5):
        order = paid_order(commit, customer, (coin, 1))
        deliver(commit, order)
    with django_assert_max_num_queries(8):
        assert len(_api(customer.user).get("/api/v1/me/cancellable-lines/").json()) == 5


def test_r1_cancel_online_and_follow_the_refund(delivered, customer):
    api = _api(customer.user)
    with time_machine.travel(_at(dt.date(2026, 11, 5)), tick=False):
        response = api.post(
            "/api/v1/me/cancellations/",
            {"order_id": delivered.pk, "line_ids": [delivered.lines.get().pk]},
            format="json",
        )
    assert response.status_code == 201, response.json()
    cancellation = response.json()["cancellation"]
    assert cancellation["refund_pence"] == 2895
    assert (cancellation["goods_pence"], cancellation["delivery_pence"]) == (2500, 395)
    assert cancellation["refund_status"] == "awaiting_return"
    listed = api.get("/api/v1/me/cancellations/").json()["results"]
    assert [row["id"] for row in listed] == [cancellation["id"]]


def test_r1_after_the_period_the_api_names_the_rule_and_writes_nothing(delivered, customer):
    with time_machine.travel(_at(dt.date(2026, 11, 17)), tick=False):
        response = _api(customer.user).post(
            "/api/v1/me/cancellations/",
            {"order_id": delivered.pk, "line_ids": [delivered.lines.get().pk]},
            format="json",
        )
    assert response.status_code == 409
    assert response.json()["rule"] == "R1" and response.json()["code"] == "cooling_off_expired"
    assert not Cancellation.objects.exists()


def test_r1_another_customers_order_is_404(delivered):
    other = CustomerFactory()
    response = _api(other.user).post(
        "/api/v1/me/cancellations/", {"order_id": delivered.pk, "line_ids": [delivered.lines.get().pk]}, format="json"
    )
    assert response.status_code == 404
    assert not Cancellation.objects.exists()


def test_r6_an_engraved_line_not_found_faulty_is_409_naming_r6(commit, customer):
    product = ProductFactory(stock=3, personalisable=True)
    order = paid_order(commit, customer, (product, 1, "A.L."))
    deliver(commit, order)
    response = _api(customer.user).post(
        "/api/v1/me/cancellations/", {"order_id": order.pk, "line_ids": [order.lines.get().pk]}, format="json"
    )
    assert (response.status_code, response.json()["rule"]) == (409, "R6")


def test_r2_customer_service_records_an_emailed_notice_and_the_return(delivered, staff_user, commit):
    api = _api(staff_user("customer_service"))
    with time_machine.travel(_at(dt.date(2026, 11, 10)), tick=False):
        response = api.post(
            "/api/v1/staff/cancellation-notices/",
            {
                "order_id": delivered.pk,
                "line_ids": [delivered.lines.get().pk],
                "channel": "email",
                "sent_at": "2026-11-08T23:30:00Z",
                "received_on": "2026-11-09",
            },
            format="json",
        )
        assert response.status_code == 201, response.json()
        cancellation_id = response.json()["cancellation"]["id"]
        with commit():
            response = api.post(
                f"/api/v1/staff/cancellations/{cancellation_id}/return/",
                {"line_ids": [delivered.lines.get().pk], "received_on": "2026-11-10", "condition": "as_sent"},
                format="json",
            )
    assert response.status_code == 201, response.json()
    assert response.json()["legal_deadline"] == "2026-11-24"
    assert response.json()["refund_status"] == "to_grant"  # asked of payments just after commit
    assert Cancellation.objects.get(pk=cancellation_id).refund.amount_pence == 2895


def test_r3_a_return_for_an_unknown_line_is_404_naming_r3(delivered, staff_user, customer):
    with time_machine.travel(_at(dt.date(2026, 11, 5)), tick=False):
        cancellation = (
            _api(customer.user)
            .post(
                "/api/v1/me/cancellations/",
                {"order_id": delivered.pk, "line_ids": [delivered.lines.get().pk]},
                format="json",
            )
            .json()["cancellation"]
        )
        response = _api(staff_user("customer_service")).post(
            f"/api/v1/staff/cancellations/{cancellation['id']}/return/",
            {"line_ids": [424242], "received_on": "2026-11-05", "condition": "as_sent"},
            format="json",
        )
    assert (response.status_code, response.json()["rule"]) == (404, "R3")


def test_r5_finance_works_the_queue_in_deadline_order_and_exports_it(
    commit, customer, coin, medal, staff_user, django_assert_max_num_queries
):
    first = paid_order(commit, customer, (coin, 1))
    second = paid_order(commit, customer, (medal, 1))
    with commit():
        for order in (second, first):
            _api(customer.user).post(
                "/api/v1/me/cancellations/", {"order_id": order.pk, "line_ids": [order.lines.get().pk]}, format="json"
            )
    api = _api(staff_user("finance"))
    with django_assert_max_num_queries(10):
        rows = api.get("/api/v1/staff/refund-queue/").json()["results"]
    assert [row["order"] for row in rows] == [second.pk, first.pk]
    assert all(row["refund_status"] == "pending" for row in rows)
    csv_text = api.get("/api/v1/staff/refund-queue.csv").content.decode()
    assert csv_text.splitlines()[0].startswith("cancellation_id,order_id")
    assert len(csv_text.splitlines()) == 3


def test_r5_the_refund_queue_is_refused_to_the_warehouse(staff_user):
    assert _api(staff_user("warehouse")).get("/api/v1/staff/refund-queue/").status_code == 403


def test_r7_customer_reports_a_fault_and_staff_decide_it(delivered, customer, staff_user):
    response = _api(customer.user).post(
        "/api/v1/me/fault-claims/", {"order_line_id": delivered.lines.get().pk, "description": "Bent"}, format="json"
    )
    assert response.status_code == 201, response.json()
    decided = _api(staff_user("customer_service")).post(
        f"/api/v1/staff/fault-claims/{response.json()['id']}/decision/",
        {"faulty": False, "findings": "As minted"},
        format="json",
    )
    assert decided.json()["outcome"] == FaultClaim.Outcome.NOT_FAULTY


def test_the_schema_lists_every_cancellations_endpoint():
    schema = APIClient().get("/api/schema/").content.decode()
    for path in ("/me/cancellable-lines/", "/me/cancellations/", "/staff/refund-queue.csv", "/staff/fault-claims/"):
        assert f"/api/v1{path}" in schema
