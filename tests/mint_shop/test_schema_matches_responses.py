"""The OpenAPI document tells the truth: real responses of the main endpoints validate against it."""

import pytest
from rest_framework.test import APIClient

from tests.catalogue.factories import DeliveryOptionFactory, TermsVersionFactory
from tests.factories import CustomerFactory, ProductFactory
from tests.mint_shop.schema_check import assert_matches_schema

pytestmark = pytest.mark.django_db


@pytest.fixture
def shop():
    TermsVersionFactory()
    DeliveryOptionFactory()
    return ProductFactory(stock=10, price_pence=2500)


@pytest.fixture
def customer(shop):
    # A phone customer's record has blanks: no phones, no billing address.
    return CustomerFactory()


def as_user(user) -> APIClient:
    client = APIClient()
    client.force_authenticate(user)
    return client


def place(client, product):
    return client.post(
        "/api/v1/orders/",
        {
            "lines": [{"product_id": product.pk, "quantity": 1}],
            "delivery": {"option": "uk-standard", "name": "Ada", "address": "1 Mint Street", "postcode": "SW1A 1AA"},
            "payment": {"method": "bank_transfer"},
        },
        format="json",
    )


def test_the_customers_own_endpoints_answer_as_the_schema_says(customer, shop):
    client = as_user(customer.user)
    placed = place(client, shop)
    assert placed.status_code == 201, placed.json()
    assert_matches_schema(placed, "post")
    order_id = placed.json()["id"]
    address = client.post(
        "/api/v1/me/addresses/", {"recipient_name": "Ada", "line1": "1 Mint Street", "town": "Llantrisant"},
        format="json",
    )
    assert_matches_schema(address, "post")
    for path in [
        "/api/v1/me/", "/api/v1/me/addresses/", "/api/v1/me/representatives/", "/api/v1/me/consents/",
        "/api/v1/orders/", f"/api/v1/orders/{order_id}/", "/api/v1/me/payments/", "/api/v1/me/instalment-plans/",
        "/api/v1/me/cancellable-lines/", "/api/v1/me/cancellations/",
    ]:
        response = client.get(path)
        assert response.status_code == 200, (path, response.content[:300])
        assert_matches_schema(response)


def test_the_public_catalogue_answers_as_the_schema_says(shop):
    for path in ["/api/v1/products/", "/api/v1/delivery-options/"]:
        assert_matches_schema(APIClient().get(path))


@pytest.mark.parametrize(
    "role, paths",
    [
        ("customer_service", ["/api/v1/staff/customers/", "/api/v1/staff/customers/{customer}/",
                              "/api/v1/staff/orders/", "/api/v1/staff/orders/{order}/"]),
        ("warehouse", ["/api/v1/staff/outbox/"]),
        ("finance", ["/api/v1/staff/refund-queue/", "/api/v1/staff/payments/orders/{order}/", "/api/v1/staff/ledger/",
                     "/api/v1/staff/payments/held/", "/api/v1/staff/reconciliation/unmatched/"]),
        ("compliance", ["/api/v1/staff/customers/{customer}/checks/"]),
    ],
)
def test_the_staff_endpoints_answer_as_the_schema_says(role, paths, customer, shop, staff_user):
    order_id = place(as_user(customer.user), shop).json()["id"]
    client = as_user(staff_user(role))
    for path in paths:
        response = client.get(path.format(customer=customer.pk, order=order_id))
        assert response.status_code == 200, (path, response.content[:300])
        assert_matches_schema(response)


def test_file_downloads_are_typed_as_what_they_send(customer, shop, staff_user, tmp_path, settings):
    from tests.customers.helpers import upload

    settings.MEDIA_ROOT = tmp_path
    compliance = as_user(staff_user("compliance"))
    check = compliance.post(
        f"/api/v1/staff/customers/{customer.pk}/checks/", {"kind": "aml", "provider": "IDCo"}, format="json"
    ).json()
    uploaded = compliance.post(
        f"/api/v1/staff/customers/checks/{check['id']}/documents/", {"file": upload("passport.pdf")},
        format="multipart",
    )
    assert_matches_schema(uploaded, "post")
    assert_matches_schema(compliance.get(uploaded.json()["download_url"]))
    finance = as_user(staff_user("finance"))
    for path in ["/api/v1/staff/refund-queue.csv", "/api/v1/staff/reconciliation/unmatched/ledger.csv"]:
        assert_matches_schema(finance.get(path))
    assert_matches_schema(as_user(staff_user("warehouse")).post("/api/v1/staff/outbox/print-queue/export/"), "post")


def test_c6_an_optional_email_left_blank_is_accepted_as_the_schema_allows(customer):
    response = as_user(customer.user).post(
        "/api/v1/me/representatives/", {"first_name": "Sam", "last_name": "Son", "email": ""}, format="json"
    )
    assert response.status_code == 201, response.json()
    assert_matches_schema(response, "post")
