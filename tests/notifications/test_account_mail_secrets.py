"""Issue 14: an account email's link (a password reset, an address confirmation) is a credential: whoever
holds it signs in as the customer or sets their password. Staff who may read a customer's messages in the
outbox admin (customer service, finance, compliance) must not read these links there."""

import pytest
from django.test import Client

from notifications.models import Message
from tests.customers.api import test_signin
from tests.customers.api.test_signin import BROWSER, link_in

pytestmark = pytest.mark.django_db
customer = test_signin.customer
fresh_rate_limits = test_signin.fresh_rate_limits


@pytest.mark.parametrize("role", ["customer_service", "compliance"])
def test_staff_cannot_read_a_customers_password_reset_link_in_the_outbox(customer, staff_user, role,
                                                                        django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        Client().post(f"{BROWSER}/auth/password/request", {"email": "ada@example.com"},
                      content_type="application/json")
    message = Message.objects.get(kind="account_password_reset_key")
    link = link_in(message)
    agent = Client()
    agent.force_login(staff_user(role))

    page = agent.get(f"/admin/notifications/message/{message.pk}/change/")

    assert page.status_code == 200
    assert link.rsplit("/", 2)[-2] not in page.content.decode()


def test_the_warehouse_sees_where_outbox_messages_went_not_what_they_said(staff_user):
    """The outbox admin shows staff who may not read customers' records (the warehouse) where each message
    went and how, never its subject or body; the staff API's outbox must not show them more."""
    from rest_framework.test import APIClient

    from notifications.services import message_queue

    message_queue(channel=Message.Channel.EMAIL, kind="order_confirmation", recipient="ada@example.com",
                  subject="Your order of 3 gold sovereigns", body="…", customer=None, dedupe_key="t:1")
    warehouse, agent = APIClient(), APIClient()
    warehouse.force_authenticate(staff_user("warehouse"))
    agent.force_authenticate(staff_user("customer_service"))

    seen = warehouse.get("/api/v1/staff/outbox/").json()["results"]
    assert [(row["recipient"], row["subject"]) for row in seen] == [("ada@example.com", "")]
    assert agent.get("/api/v1/staff/outbox/").json()["results"][0]["subject"] == "Your order of 3 gold sovereigns"
