"""Saving an admin page that shows inline rows answers with a redirect and a message, not a 500."""

import pytest
from django.urls import reverse

from consents.models import PrintRun
from customers.models import Customer
from tests.customers.factories import DeliveryAddressFactory
from tests.factories import CustomerFactory

pytestmark = pytest.mark.django_db


def page_as_posted(page) -> dict:
    """What the browser sends back for a change page left as shown: the form's and each inline's values."""
    data = {}
    forms = [page.context["adminform"].form]
    for inline in page.context["inline_admin_formsets"]:
        management = inline.formset.management_form
        data.update({f"{management.prefix}-{name}": value for name, value in management.initial.items()})
        forms.extend(inline.formset.forms)
    for form in forms:
        for name, field in form.fields.items():
            value = form.initial.get(name, field.initial)
            if value is not None:
                data[form.add_prefix(name)] = getattr(value, "pk", value)
    return data


def test_customer_page_with_addresses_saves_with_a_message(client, staff_user):
    customer = CustomerFactory(phone="+447911123456")
    DeliveryAddressFactory(customer=customer)
    client.force_login(staff_user("customer_service"))
    url = reverse("admin:customers_customer_change", args=[customer.pk])

    response = client.post(url, {**page_as_posted(client.get(url)), "first_name": "Augusta"}, follow=True)

    assert response.status_code == 200
    assert "was changed successfully" in response.content.decode()
    assert Customer.objects.get(pk=customer.pk).first_name == "Augusta"


def test_a_new_print_run_saves_with_a_message(client, staff_user):
    client.force_login(staff_user("customer_service"))
    url = reverse("admin:consents_printrun_add")

    response = client.post(url, {**page_as_posted(client.get(url)), "title": "Spring catalogue"}, follow=True)

    assert response.status_code == 200
    assert "was added successfully" in response.content.decode()
    assert PrintRun.objects.get().title == "Spring catalogue"
