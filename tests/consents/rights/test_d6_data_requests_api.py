"""D6 through the API: customers ask and download their own answers; compliance works the queue by due date."""

import csv
import datetime as dt
import io

import pytest
import time_machine

from consents.models import DataRequest
from notifications.models import Message
from tests.customers.helpers import api
from tests.factories import CustomerFactory

pytestmark = pytest.mark.django_db

NOON = dt.datetime(2026, 9, 3, 11, tzinfo=dt.UTC)


@pytest.fixture
def compliance(staff_user):
    return api(staff_user("compliance"))


def _ask(customer, kind="access", **body):
    return api(customer.user).post("/api/v1/me/data-requests/", {"kind": kind, **body}, format="json")


@time_machine.travel(NOON, tick=False)
def test_d6_a_customer_asks_online_and_is_acknowledged_with_the_due_date(django_capture_on_commit_callbacks):
    customer = CustomerFactory()
    with django_capture_on_commit_callbacks(execute=True):
        made = _ask(customer, "portability", details="All of it please")
    assert made.status_code == 201, made.json()
    body = made.json()
    assert (body["status"], body["due_on"], body["identity_check"]) == ("in_hand", "2026-10-05",
                                                                        "Signed in to their own account")
    acknowledgment = Message.objects.get(kind="data_request_received")
    assert (acknowledgment.recipient, acknowledgment.customer) == (customer.email, customer)
    assert "05 October 2026" in acknowledgment.body


def test_d6_access_answer_is_json_and_a_spreadsheet_of_every_app_behind_an_expiring_link(compliance):
    customer = CustomerFactory(first_name="Hortensia", address_line1="3 Coin Court")
    with time_machine.travel(NOON, tick=False):
        made = _ask(customer).json()
        answered = compliance.post(f"/api/v1/staff/data-requests/{made['id']}/answer/")
        assert answered.status_code == 200, answered.json()
        link = api(customer.user).get(f"/api/v1/me/data-requests/{made['id']}/").json()["export_url"]
        as_json = api(customer.user).get(link)
        as_csv = api(customer.user).get(link + "&as=csv")

    assert as_json.status_code == 200
    data = as_json.json()
    assert set(data["personal_data"]) >= {"customers", "consents", "orders", "payments", "cancellations",
                                          "notifications"}
    assert data["personal_data"]["customers"]["customer"][0]["first_name"] == "Hortensia"
    assert {p["basis"] for p in data["purposes"]} <= {"contract", "legal_obligation", "legitimate_interest",
                                                      "consent"}
    rows = list(csv.DictReader(io.StringIO(as_csv.content.decode())))
    assert {"app": "customers", "record": "customer", "id": str(customer.pk), "field": "address_line1",
            "value": "3 Coin Court"} in rows

    with time_machine.travel(NOON + dt.timedelta(hours=72, seconds=1), tick=False):
        expired = api(customer.user).get(link)
    assert (expired.status_code, expired.json()["rule"], expired.json()["code"]) == (410, "D6", "export_link_expired")


def test_d6_a_customer_cannot_see_or_download_another_customers_request(compliance):
    owner, other = CustomerFactory(), CustomerFactory()
    made = _ask(owner).json()
    compliance.post(f"/api/v1/staff/data-requests/{made['id']}/answer/")
    link = api(owner.user).get(f"/api/v1/me/data-requests/{made['id']}/").json()["export_url"]

    for url in (f"/api/v1/me/data-requests/{made['id']}/", link):
        refused = api(other.user).get(url)
        assert (refused.status_code, refused.json()["rule"]) == (404, "D6")
    assert api(other.user).get("/api/v1/me/data-requests/").json() == []
    forged = api(owner.user).get(f"/api/v1/me/data-requests/{made['id']}/export/?token={made['id']}:forged")
    assert (forged.status_code, forged.json()["code"]) == (403, "export_link_invalid")


def test_d6_compliance_queue_in_answer_by_order_and_extension_only_within_the_first_month(compliance, staff_user):
    customer = CustomerFactory()
    keyed = api(staff_user("customer_service")).post("/api/v1/staff/data-requests/", {
        "customer_id": customer.pk, "kind": "access", "received_at": "2026-08-01T09:00:00Z", "received_via": "letter",
    }, format="json")
    assert keyed.status_code == 201, keyed.json()
    with time_machine.travel(NOON, tick=False):
        online = _ask(customer, "objection").json()
        late = compliance.post(f"/api/v1/staff/data-requests/{keyed.json()['id']}/extend/", {"text": "Complex"},
                               format="json")
        assert (late.status_code, late.json()["code"]) == (409, "data_request_extension_late")
        unchecked = compliance.post(f"/api/v1/staff/data-requests/{keyed.json()['id']}/answer/")
        assert (unchecked.status_code, unchecked.json()["code"]) == (409, "data_request_identity_unchecked")
        extended = compliance.post(f"/api/v1/staff/data-requests/{online['id']}/extend/",
                                   {"text": "Records held on paper"}, format="json")
    assert extended.json()["answer_due_on"] == "2026-12-03"
    queue = compliance.get("/api/v1/staff/data-requests/").json()["results"]
    assert [row["id"] for row in queue] == [keyed.json()["id"], online["id"]]
    assert DataRequest.objects.get(pk=keyed.json()["id"]).due_on == dt.date(2026, 9, 1)
    assert api(staff_user("warehouse")).get("/api/v1/staff/data-requests/").status_code == 403


def test_d6_rectification_corrects_through_the_owning_app_and_refuses_unknown_fields(compliance):
    customer = CustomerFactory(last_name="Smyth")
    unknown = _ask(customer, "rectification", corrections={"shoe_size": "9"}).json()
    refused = compliance.post(f"/api/v1/staff/data-requests/{unknown['id']}/answer/")
    assert (refused.status_code, refused.json()["code"]) == (400, "rectification_field_unknown")
    made = _ask(customer, "rectification", corrections={"last_name": "Smith"}).json()
    assert compliance.post(f"/api/v1/staff/data-requests/{made['id']}/answer/").status_code == 200
    customer.refresh_from_db()
    assert customer.last_name == "Smith"
    assert customer.history.first().history_user == compliance.handler._force_user


@pytest.mark.parametrize("received_at", ["9999-12-31T09:00:00Z", "2026-12-25T09:00:00Z"])
def test_d6_a_request_keyed_as_received_in_the_future_is_refused_and_nothing_written(staff_user, received_at):
    """A receipt dated ahead would put the one-month deadline off (or past the calendar's end: a 500)."""
    customer = CustomerFactory()
    with time_machine.travel(NOON, tick=False):
        keyed = api(staff_user("customer_service")).post("/api/v1/staff/data-requests/", {
            "customer_id": customer.pk, "kind": "access", "received_at": received_at, "received_via": "letter",
        }, format="json")
    assert keyed.status_code == 400, keyed.content
    assert (keyed.json()["code"], keyed.json()["rule"]) == ("data_request_received_in_future", "D6")
    assert not DataRequest.objects.exists()
