"""D1, D2: customer service records a consent or an opt-out taken by phone or letter, from the customer's page."""

import pytest

from consents.models import MarketingConsent
from tests.factories import CustomerFactory

pytestmark = pytest.mark.django_db


def test_d2_an_opt_out_by_letter_is_recorded_from_the_customers_page(client, staff_user):
    customer = CustomerFactory()
    client.force_login(staff_user("customer_service"))
    page = client.get(f"/admin/customers/customer/{customer.pk}/change/").content.decode()
    assert f"/admin/consents/marketingconsent/add/?customer={customer.pk}" in page

    response = client.post(f"/admin/consents/marketingconsent/add/?customer={customer.pk}",
                           {"channel": "post", "choice": "no", "source": "letter"}, follow=True)

    assert "post marketing stopped" in response.content.decode()
    consent = MarketingConsent.objects.get(customer=customer, channel="post")
    assert (consent.granted, consent.source) == (False, "letter")


def test_d1_consent_taken_by_phone_for_a_customer_who_has_died_is_refused_on_the_page(client, staff_user):
    customer = CustomerFactory(deceased_at="2026-11-01T00:00:00Z")
    client.force_login(staff_user("customer_service"))

    response = client.post(f"/admin/consents/marketingconsent/add/?customer={customer.pk}",
                           {"channel": "email", "choice": "yes", "source": "call", "wording": "Yes to news"})

    assert response.status_code == 200 and "Refused (" in response.content.decode()
    assert not MarketingConsent.objects.filter(customer=customer, granted=True).exists()
