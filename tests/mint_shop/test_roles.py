"""Each staff role reaches its own work, in the admin and the staff API, and is refused the rest."""

import pytest
from django.test import Client
from rest_framework.test import APIClient

from mint_shop.roles import ROLES, role_permissions

ADMIN_PAGES = {
    "customers": "/admin/customers/customer/",
    "orders": "/admin/orders/order/",
    "products": "/admin/catalogue/product/",
    "ledger": "/admin/payments/ledgerentry/",
    "outbox": "/admin/notifications/message/",
    "promo codes": "/admin/promotions/promocode/",
}

# role -> admin pages it may open; every other page in ADMIN_PAGES must be refused. Every role reads the
# catalogue (orders' and refunds' pages link to products); finance reads the customer a refund goes to.
ALLOWED = {
    "customer_service": {"customers", "orders", "products", "outbox", "promo codes"},
    "warehouse": {"orders", "products", "outbox"},
    "finance": {"customers", "orders", "products", "ledger"},
    "compliance": {"customers", "orders", "products", "outbox"},
    "marketing": {"products", "promo codes"},
}


def test_every_role_of_the_issue_exists_in_the_table():
    assert set(ROLES) == {"customer_service", "warehouse", "finance", "compliance", "marketing"}


@pytest.mark.django_db
def test_each_role_group_holds_exactly_the_permissions_of_the_apps_tables():
    from django.contrib.auth.models import Group

    for role, names in role_permissions().items():
        group = Group.objects.get(name=role)
        held = {f"{p.content_type.app_label}.{p.codename}" for p in group.permissions.select_related("content_type")}
        assert held == set(names), role


@pytest.mark.django_db
@pytest.mark.parametrize("role", sorted(ALLOWED))
def test_each_role_opens_its_own_admin_pages_and_is_refused_the_others(role, staff_user):
    client = Client()
    client.force_login(staff_user(role))
    for page, url in ADMIN_PAGES.items():
        status = client.get(url).status_code
        expected = 200 if page in ALLOWED[role] else 403
        assert status == expected, f"{role} on {page}: {status}"


@pytest.mark.django_db
@pytest.mark.parametrize(
    "role, can_export",
    [("warehouse", True), ("customer_service", False), ("finance", False), ("compliance", False)],
)
def test_only_the_warehouse_exports_the_print_queue(role, can_export, staff_user):
    client = APIClient()
    client.force_authenticate(staff_user(role))
    response = client.post("/api/v1/staff/outbox/print-queue/export/")
    assert response.status_code == (200 if can_export else 403)


@pytest.mark.django_db
@pytest.mark.parametrize("role, can_read", [("customer_service", True), ("finance", False)])
def test_staff_outbox_api_follows_the_role(role, can_read, staff_user):
    client = APIClient()
    client.force_authenticate(staff_user(role))
    response = client.get("/api/v1/staff/outbox/")
    assert response.status_code == (200 if can_read else 403)
    if not can_read:
        assert response.json()["code"] == "permission_denied"


@pytest.mark.django_db
def test_a_customer_is_refused_staff_endpoints():
    from tests.factories import CustomerFactory

    client = APIClient()
    client.force_authenticate(CustomerFactory().user)
    assert client.get("/api/v1/staff/outbox/").status_code == 403
