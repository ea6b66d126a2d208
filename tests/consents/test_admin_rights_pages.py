"""Data rights in the admin: customer service keys a request received by phone or letter (D6), and
special category data is recorded only with explicit consent (D10)."""

import pytest
from django.contrib.messages import get_messages
from django.urls import reverse

from consents.models import DataRequest, SpecialCategoryRecord
from tests.factories import CustomerFactory

pytestmark = pytest.mark.django_db


def test_d6_customer_service_keys_a_request_received_by_letter_in_the_admin(client, staff_user):
    customer = CustomerFactory()
    clerk = staff_user("customer_service")
    client.force_login(clerk)
    response = client.post(reverse("admin:consents_datarequest_add"), {
        "customer": customer.pk, "kind": "access", "received_via": "letter",
        "received_at_0": "2026-09-03", "received_at_1": "10:00:00", "details": "Send me everything you hold",
        "identity_check": "",
    })
    assert response.status_code == 302, response.content[:2000]
    request = DataRequest.objects.get(customer=customer)
    assert (request.kind, request.received_via, str(request.due_on)) == ("access", "letter", "2026-10-05")
    assert request.recorded_by == clerk


def test_d10_special_category_data_without_explicit_consent_is_refused_in_the_admin(client, staff_user):
    customer = CustomerFactory()
    client.force_login(staff_user("compliance"))
    url = reverse("admin:consents_specialcategoryrecord_add")
    body = {"customer": customer.pk, "category": "vulnerability", "details": "Hard of hearing",
            "consent_wording": "You may note that I am hard of hearing"}
    refused = client.post(url, body, follow=True)
    assert SpecialCategoryRecord.objects.count() == 0
    assert any("D10" in str(m) for m in get_messages(refused.wsgi_request))
    accepted = client.post(url, body | {"explicit_consent": "on"})
    assert accepted.status_code == 302
    assert SpecialCategoryRecord.objects.get().customer == customer
