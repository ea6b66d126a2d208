import datetime as dt

import pytest

from customers.models import CallRecording, Customer, DueDiligenceCheck, EvidenceDocument, Representative
from orders.models import Order
from tests.customers.factories import ContactLogEntryFactory, DueDiligenceCheckFactory, RepresentativeFactory
from tests.customers.helpers import PDF, api, upload
from tests.factories import CustomerFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def customer_service(staff_user):
    return api(staff_user("customer_service"))


@pytest.fixture
def compliance(staff_user):
    return api(staff_user("compliance"))


def keyed(**overrides) -> dict:
    return {
        "channel": "phone",
        "first_name": "Isambard",
        "last_name": "Brunel",
        "email": "isambard@example.com",
        "date_of_birth": "1970-04-09",
        "capacity_declared": True,
        "checks_agreed": True,
        "phone": "0117 496 0000",
        "postcode": "BS1 6QH",
    } | overrides


def test_c1_customer_service_keys_a_phone_registration_recording_who_keyed_it(staff_user):
    clerk = staff_user("customer_service")
    response = api(clerk).post("/api/v1/staff/customers/", keyed(), format="json")
    assert response.status_code == 201, response.json()
    assert (response.json()["registered_via"], response.json()["keyed_by"]) == ("phone", clerk.pk)
    assert Customer.objects.get().user is None


def test_c2_staff_see_the_likely_duplicate(customer_service):
    existing = CustomerFactory(first_name="Isambard", last_name="Brunel", date_of_birth=dt.date(1970, 4, 9),
                               postcode="BS1 6QH", email="ikb@example.com", user=None)
    response = customer_service.post("/api/v1/staff/customers/", keyed(), format="json")
    assert response.status_code == 409
    assert response.json()["rule"] == "C2"
    assert f"customer {existing.pk}" in response.json()["detail"]


def test_c8_customer_service_finds_a_customer_by_name_email_phone_or_postcode(customer_service,
                                                                             django_assert_max_num_queries):
    ada = CustomerFactory(first_name="Ada", last_name="Lovelace", email="ada@example.com",
                          mobile_phone="+447911123456", postcode="SW1A 1AA")
    for n in range(5):
        CustomerFactory(first_name=f"Other{n}", last_name="Person", email=f"o{n}@example.com", postcode="M1 1AE")
    for term in ["Lovelace", "ada lovelace", "ADA@example", "07911 123456", "+447911123456", "SW1A"]:
        found = customer_service.get("/api/v1/staff/customers/", {"search": term}).json()["results"]
        assert [c["id"] for c in found] == [ada.pk], term
    with django_assert_max_num_queries(6):
        assert customer_service.get("/api/v1/staff/customers/").json()["count"] == 6


def test_c3_compliance_restricts_and_lifts_and_customer_service_cannot(customer_service, compliance):
    customer = CustomerFactory()
    url = f"/api/v1/staff/customers/{customer.pk}/"
    assert customer_service.post(f"{url}restrict/", {"reason": "x"}, format="json").status_code == 403
    response = compliance.post(f"{url}restrict/", {"reason": "Suspected fraud"}, format="json")
    assert (response.status_code, response.json()["restriction_reason"]) == (200, "Suspected fraud")
    again = compliance.post(f"{url}restrict/", {"reason": "again"}, format="json")
    assert (again.status_code, again.json()["rule"]) == (409, "C3")
    assert compliance.post(f"{url}restrict/", {}, format="json").status_code == 400
    lifted = compliance.post(f"{url}lift-restriction/", {"reason": "Cleared"}, format="json")
    assert (lifted.status_code, lifted.json()["restricted_at"]) == (200, None)


def test_c4_checks_and_evidence_are_for_staff_with_the_due_diligence_permission(customer_service, compliance,
                                                                                django_assert_max_num_queries):
    customer = CustomerFactory()
    url = f"/api/v1/staff/customers/{customer.pk}/checks/"
    assert customer_service.get(url).status_code == 403
    created = compliance.post(url, {"kind": "aml", "provider": "IDCo", "provider_reference": "X1"}, format="json")
    assert created.status_code == 201
    check_id = created.json()["id"]
    uploaded = compliance.post(f"/api/v1/staff/customers/checks/{check_id}/documents/",
                               {"file": upload("passport.pdf"), "description": "Passport"}, format="multipart")
    assert uploaded.status_code == 201, uploaded.json()
    download = uploaded.json()["download_url"]
    assert customer_service.get(download).status_code == 403
    response = compliance.get(download)
    assert response.status_code == 200 and b"".join(response.streaming_content) == PDF
    patched = compliance.patch(f"/api/v1/staff/customers/checks/{check_id}/", {"status": "passed"}, format="json")
    assert patched.json()["status"] == "passed"
    for _ in range(3):
        DueDiligenceCheckFactory(customer=customer)
    with django_assert_max_num_queries(8):
        assert len(compliance.get(url).json()["results"]) == 4


@pytest.mark.parametrize(
    "name, content, status, code",
    [
        ("cv.pdf", b"PK\x03\x04 a zip pretending to be a pdf", 415, "evidence_not_a_document"),
        ("big.pdf", b"%PDF-" + b"0" * 2000, 413, "evidence_too_large"),
    ],
)
def test_c4_bad_uploads_are_refused_with_the_rule(compliance, settings, name, content, status, code):
    settings.MINT_EVIDENCE_MAX_BYTES = 1000
    check = DueDiligenceCheckFactory()
    response = compliance.post(f"/api/v1/staff/customers/checks/{check.pk}/documents/",
                               {"file": upload(name, content)}, format="multipart")
    assert (response.status_code, response.json()["code"]) == (status, code)
    assert not EvidenceDocument.objects.exists()


def test_c5_compliance_asks_for_source_of_funds_and_lists_what_must_be_cancelled(compliance):
    customer = CustomerFactory()
    order = Order.objects.create(customer=customer, channel="web")
    base = f"/api/v1/staff/customers/{customer.pk}/source-of-funds/"
    created = compliance.post(base, {"order": order.pk, "due_on": "2020-01-01"}, format="json")
    assert (created.status_code, created.json()["rule"]) == (400, "C5")
    created = compliance.post(base, {"order": order.pk}, format="json")
    assert created.status_code == 201
    sof = created.json()["id"]
    decided = compliance.post(f"/api/v1/staff/customers/source-of-funds/{sof}/decide/", {"outcome": "refused"},
                              format="json")
    assert decided.json()["outcome"] == "refused"
    listed = compliance.get("/api/v1/staff/customers/source-of-funds/for-cancellation/").json()["results"]
    assert [(r["id"], r["order"]) for r in listed] == [(sof, order.pk)]


def test_c6_customer_service_registers_and_compliance_verifies_a_representative(customer_service, compliance):
    customer = CustomerFactory()
    created = customer_service.post(f"/api/v1/staff/customers/{customer.pk}/representatives/",
                                    {"kind": "deputy", "first_name": "Dee", "last_name": "Puty",
                                     "appointment_reference": "COP-1"}, format="json")
    assert created.status_code == 201
    rep = created.json()["id"]
    verify = f"/api/v1/staff/customers/representatives/{rep}/verify/"
    assert customer_service.post(verify, {}, format="json").status_code == 403
    refused = compliance.post(verify, {}, format="json")
    assert (refused.status_code, refused.json()["code"]) == (409, "representative_needs_evidence")
    assert customer_service.post(f"/api/v1/staff/customers/representatives/{rep}/documents/",
                                 {"file": upload("court-order.png", b"\x89PNG\r\n\x1a\nxx")},
                                 format="multipart").status_code == 201
    assert compliance.post(verify, {}, format="json").json()["status"] == "verified"
    revoked = compliance.post(f"/api/v1/staff/customers/representatives/{rep}/revoke/", {"reason": "Ended"},
                              format="json")
    assert revoked.json()["status"] == Representative.Status.REVOKED


def test_c7_staff_record_a_death(customer_service):
    customer = CustomerFactory()
    response = customer_service.post(f"/api/v1/staff/customers/{customer.pk}/deceased/", {"died_on": "2026-11-20"},
                                     format="json")
    assert response.status_code == 200
    assert response.json()["open_orders_review_required"] is True
    assert response.json()["deceased_at"].startswith("2026-11-20")


def test_c9_customer_service_keeps_the_contact_log(customer_service, compliance, django_assert_max_num_queries):
    customer = CustomerFactory()
    url = f"/api/v1/staff/customers/{customer.pk}/contact-log/"
    created = customer_service.post(url, {"kind": "letter", "direction": "inbound",
                                          "occurred_at": "2026-11-20T10:00:00Z", "summary": "Change of address"},
                                    format="json")
    assert created.status_code == 201
    assert customer_service.post(url, {"kind": "fax", "direction": "inbound", "occurred_at": "2026-11-20T10:00:00Z",
                                       "summary": "x"}, format="json").status_code == 400
    assert compliance.post(url, {}, format="json").status_code == 403
    for _ in range(4):
        ContactLogEntryFactory(customer=customer)
    with django_assert_max_num_queries(6):
        assert compliance.get(url).json()["count"] == 5
    assert customer_service.post("/api/v1/staff/customers/999999/contact-log/", created.json(),
                                 format="json").status_code == 404


def test_c10_customer_service_records_a_call_its_pause_and_the_transcript_transfer_never_its_text(customer_service):
    customer = CustomerFactory()
    response = customer_service.post(
        f"/api/v1/staff/customers/{customer.pk}/calls/",
        {"direction": "outbound", "customer_number": "07911 123456", "mint_number": "0300 000 0000",
         "started_at": "2026-11-20T10:00:00Z", "ended_at": "2026-11-20T10:15:00Z", "purpose": "complaint",
         "summary": "Late delivery", "transcript_reference": "tr-9",
         "recording_file": upload("call.wav", b"RIFF0000WAVE")},
        format="multipart",
    )
    assert response.status_code == 201, response.json()
    body = response.json()
    assert (body["customer_number"], body["has_recording_file"], body["purpose"]) == ("+447911123456", True,
                                                                                      "complaint")
    call = body["id"]
    pause = customer_service.post(f"/api/v1/staff/customers/calls/{call}/pauses/",
                                  {"paused_at": "2026-11-20T10:05:00Z", "resumed_at": "2026-11-20T10:06:00Z"},
                                  format="json")
    assert pause.status_code == 201
    transfer = customer_service.post(f"/api/v1/staff/customers/calls/{call}/transcript-transfer/")
    assert transfer.json()["transfer_safeguard"] == "Standard contractual clauses"
    listed = customer_service.get(f"/api/v1/staff/customers/{customer.pk}/calls/").json()["results"]
    assert [len(c["pauses"]) for c in listed] == [1]
    # Transcripts are for people to read in the back office, never an input to a decision here.
    assert not {"transcript", "transcript_file", "recording_file"} & set(listed[0])


def test_c10_a_call_ending_before_it_starts_or_with_a_bad_number_is_refused(customer_service):
    customer = CustomerFactory()
    url = f"/api/v1/staff/customers/{customer.pk}/calls/"
    base = {"direction": "inbound", "customer_number": "07911 123456", "mint_number": "0300 000 0000",
            "started_at": "2026-11-20T10:00:00Z", "purpose": "sales", "summary": "x"}
    assert customer_service.post(url, base | {"ended_at": "2026-11-20T09:00:00Z"}, format="json").status_code == 400
    assert customer_service.post(url, base | {"customer_number": "abc"}, format="json").status_code == 400
    assert customer_service.post(url, base | {"purpose": "gossip"}, format="json").status_code == 400
    assert not CallRecording.objects.exists()


def test_the_schema_lists_the_customers_and_consents_endpoints():
    schema = api().get("/api/schema/").content
    for path in [b"/api/v1/register/", b"/api/v1/staff/customers/{id}/checks/", b"/api/v1/unsubscribe/{token}/",
                 b"/webhooks/sms/inbound/", b"/api/v1/staff/customers/{id}/consents/",
                 b"/api/v1/represented/{customer_id}/"]:
        assert path in schema, path


def test_c4_a_check_of_a_representative_must_be_of_that_customers_representative(compliance):
    customer = CustomerFactory()
    someone_elses = RepresentativeFactory()
    response = compliance.post(f"/api/v1/staff/customers/{customer.pk}/checks/",
                               {"kind": "identity", "representative": someone_elses.pk}, format="json")
    assert response.status_code == 404
    assert not DueDiligenceCheck.objects.exists()


@pytest.mark.parametrize("died_on", ["1800-01-01", "1980-05-16"])
def test_c7_a_death_dated_before_the_customers_birth_is_refused_and_nothing_written(customer_service, died_on):
    customer = CustomerFactory(date_of_birth=dt.date(1980, 5, 17))
    response = customer_service.post(f"/api/v1/staff/customers/{customer.pk}/deceased/", {"died_on": died_on},
                                     format="json")
    assert response.status_code == 400, response.content
    assert (response.json()["code"], response.json()["rule"]) == ("date_of_death_before_birth", "C7")
    customer.refresh_from_db()
    assert customer.deceased_at is None
