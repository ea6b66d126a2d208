"""The admin: one search box, one page per customer, actions that keep the rules (C3, C8, C9)."""

import pytest
from django.test import Client
from django.urls import reverse

from consents.models import MarketingConsent
from customers import services
from customers.models import CallRecording, ContactLogEntry, Customer, Representative, Restriction
from mint_shop.actors import Actor
from tests.customers.factories import ContactLogEntryFactory, DueDiligenceCheckFactory, RepresentativeFactory
from tests.customers.helpers import upload
from tests.factories import CustomerFactory

pytestmark = pytest.mark.django_db


def browser(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def test_c8_customer_service_finds_a_customer_by_phone_as_keyed_in_one_search(staff_user):
    ada = CustomerFactory(last_name="Lovelace", mobile_phone="+447911123456", postcode="SW1A 1AA")
    CustomerFactory(last_name="Other", email="o@example.com", postcode="M1 1AE")
    client = browser(staff_user("customer_service"))
    for term in ["07911 123456", "Lovelace", "SW1A 1AA", ada.email.upper()]:
        page = client.get("/admin/customers/customer/", {"q": term})
        assert page.status_code == 200
        assert list(page.context["cl"].result_list) == [ada], term


def test_c9_the_customer_page_shows_consents_contact_log_and_for_compliance_the_checks(staff_user):
    customer = CustomerFactory()
    ContactLogEntryFactory(customer=customer, summary="Asked for the catalogue")
    DueDiligenceCheckFactory(customer=customer, provider_reference="AML-REF-77")
    MarketingConsent.objects.create(customer=customer, channel="post", granted=True, basis="consent",
                                    source="competition", changed_at="2026-11-01T10:00:00Z", actor_kind="customer")
    url = f"/admin/customers/customer/{customer.pk}/change/"
    service_page = browser(staff_user("customer_service")).get(url).content.decode()
    assert "Asked for the catalogue" in service_page and "Competition" in service_page
    assert "AML-REF-77" not in service_page  # checks are for view_due_diligence only (C4)
    compliance_page = browser(staff_user("compliance")).get(url).content.decode()
    assert "AML-REF-77" in compliance_page


def test_c3_compliance_restricts_from_the_admin_with_a_reason(staff_user):
    customer = CustomerFactory()
    client = browser(staff_user("compliance"))
    client.post("/admin/customers/customer/", {"action": "restrict", "_selected_action": [customer.pk],
                                               "reason": ""})
    assert not Restriction.objects.exists()
    client.post("/admin/customers/customer/", {"action": "restrict", "_selected_action": [customer.pk],
                                               "reason": "Refused supply"})
    customer.refresh_from_db()
    assert customer.restriction_reason == "Refused supply"


def test_c1_customer_service_keys_a_postal_registration_in_the_admin(staff_user):
    clerk = staff_user("customer_service")
    client = browser(clerk)
    form = {"first_name": "Mary", "last_name": "Seacole", "email": "Mary@Example.com", "date_of_birth": "1992-11-23",
            "channel": "post", "capacity_declared": "on", "checks_agreed": "on", "country": "GB",
            "preferred_contact": "post", "postcode": "ec1a 1bb"}
    response = client.post("/admin/customers/customer/add/", form)
    assert response.status_code == 302, response.content.decode()[:2000]
    customer = Customer.objects.get()
    assert (customer.email, customer.registered_via, customer.keyed_by) == ("mary@example.com", "post", clerk)
    refused = client.post("/admin/customers/customer/add/", form | {"first_name": "Maria"}, follow=True)
    assert "C2" in refused.content.decode()
    assert Customer.objects.count() == 1


def test_c6_compliance_sees_the_evidence_and_verifies_a_representative_in_the_admin(staff_user):
    officer = staff_user("compliance")
    representative = RepresentativeFactory()
    services.evidence_document_add(customer_id=representative.customer_id, representative_id=representative.pk,
                                   upload=upload("lpa.pdf"), actor=Actor.staff(officer))
    client = browser(officer)
    page = client.get(f"/admin/customers/representative/{representative.pk}/change/").content.decode()
    assert "lpa.pdf" in page
    client.post("/admin/customers/representative/", {"action": "verify", "_selected_action": [representative.pk]})
    representative.refresh_from_db()
    assert representative.status == "verified"


@pytest.mark.parametrize("role", ["customer_service", "compliance"])
def test_every_customers_and_consents_admin_page_opens_or_refuses_cleanly(staff_user, role):
    customer = CustomerFactory()
    ContactLogEntryFactory(customer=customer)
    RepresentativeFactory(customer=customer)
    DueDiligenceCheckFactory(customer=customer)
    client = browser(staff_user(role))
    pages = ["customer", "duediligencecheck", "sourceoffundsrequest", "representative", "contactlogentry",
             "callrecording"]
    for model in pages:
        assert client.get(f"/admin/customers/{model}/").status_code in (200, 403), model
    for url in [reverse("admin:customers_customer_change", args=[customer.pk]),
                reverse("admin:customers_contactlogentry_change", args=[ContactLogEntry.objects.get().pk]),
                reverse("admin:customers_representative_change", args=[Representative.objects.get().pk]),
                "/admin/consents/marketingconsent/", "/admin/consents/printrun/", "/admin/customers/customer/add/"]:
        assert client.get(url).status_code in (200, 403), url
    assert not CallRecording.objects.exists()


@pytest.mark.parametrize("times", [
    {"started_at": "2026-11-02 10:00", "ended_at": "2026-11-02 09:00"},  # ended before it began
    {"started_at": "9999-12-31 23:00"},  # a call not yet made
])
def test_c10_a_call_timed_out_of_reason_is_refused_on_the_page(staff_user, times):
    customer = CustomerFactory()
    client = browser(staff_user("customer_service"))
    data = {"direction": "inbound", "purpose": CallRecording.Purpose.values[0], "customer_number": "07911123456",
            "mint_number": "02071234567", "summary": "Asked about delivery", **times}

    response = client.post(f"/admin/customers/callrecording/add/?customer={customer.pk}", data)

    assert response.status_code == 200
    assert not CallRecording.objects.exists()
