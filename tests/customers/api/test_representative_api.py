import pytest

from customers import services
from customers.models import Representative
from mint_shop.actors import Actor
from tests.customers.factories import RepresentativeFactory, StaffUserFactory
from tests.customers.helpers import api, upload
from tests.factories import CustomerFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def verified_attorney():
    staff = Actor.staff(StaffUserFactory())
    representative = RepresentativeFactory()
    services.evidence_document_add(customer_id=representative.customer_id, representative_id=representative.pk,
                                   upload=upload(), actor=staff)
    return services.representative_verify(representative_id=representative.pk, actor=staff)


def test_c6_a_verified_representative_reads_and_updates_the_customers_details(verified_attorney):
    client = api(verified_attorney.user)
    url = f"/api/v1/represented/{verified_attorney.customer_id}/"
    assert client.get(url).json()["id"] == verified_attorney.customer_id
    response = client.patch(url, {"preferred_contact": "post"}, format="json")
    assert response.status_code == 200
    row = verified_attorney.customer.history.first()
    assert row.preferred_contact == "post"
    assert (row.history_user, "as attorney" in row.history_change_reason) == (verified_attorney.user, True)
    listed = client.get("/api/v1/represented/").json()["results"]
    assert [r["customer"] for r in listed] == [verified_attorney.customer_id]


def test_c6_a_representative_records_consent_for_the_customer(verified_attorney):
    client = api(verified_attorney.user)
    response = client.post(f"/api/v1/represented/{verified_attorney.customer_id}/consents/",
                           {"channel": "post", "granted": True, "wording": "Post me the catalogue"}, format="json")
    assert response.status_code == 200
    assert (response.json()["actor_kind"], response.json()["capacity"]) == ("representative", "attorney")


def test_c6_a_revoked_representative_is_refused_with_the_rule(verified_attorney):
    services.representative_revoke(representative_id=verified_attorney.pk, reason="Ended",
                                   actor=Actor.staff(StaffUserFactory()))
    client = api(verified_attorney.user)
    response = client.patch(f"/api/v1/represented/{verified_attorney.customer_id}/", {"town": "X"}, format="json")
    assert response.status_code == 403
    assert (response.json()["code"], response.json()["rule"]) == ("representative_revoked", "C6")
    consent = client.post(f"/api/v1/represented/{verified_attorney.customer_id}/consents/",
                          {"channel": "post", "granted": True}, format="json")
    assert consent.status_code == 403
    verified_attorney.customer.refresh_from_db()
    assert verified_attorney.customer.town == ""


def test_c6_a_customer_authorises_a_person_who_waits_for_verification():
    customer = CustomerFactory()
    client = api(customer.user)
    response = client.post("/api/v1/me/representatives/", {"first_name": "Sam", "last_name": "Son"}, format="json")
    assert response.status_code == 201
    assert (response.json()["kind"], response.json()["status"]) == ("authorised_person", "pending")
    assert "documents" not in response.json()
    assert Representative.objects.get().registered_by == customer.user
