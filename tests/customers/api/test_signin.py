"""Customers sign in and out through allauth's headless API (README "Signing in").

The browser client keeps a session cookie; the app client gets a session token that the
mint's own `/api/v1/` endpoints accept as `X-Session-Token`. Registration stays the mint's
own endpoint (C1, C2); every email allauth sends is an outbox message.
"""

import datetime as dt
import re

import pytest
import time_machine
from allauth.account.models import EmailAddress
from django.core.cache import cache
from django.test import Client

from customers.models import Customer
from notifications.models import Message
from tests.customers.api.test_account_api import registration
from tests.customers.helpers import api

pytestmark = pytest.mark.django_db

BROWSER = "/_allauth/browser/v1"
APP = "/_allauth/app/v1"
PASSWORD = "a-long-enough-password"


@pytest.fixture(autouse=True)
def fresh_rate_limits():
    """allauth counts attempts in the cache, which outlives each test's database."""
    cache.clear()
    yield
    cache.clear()


@pytest.fixture
def customer(django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):  # the outbox sends after commit
        response = api().post("/api/v1/register/", registration(), format="json")
    assert response.status_code == 202, response.json()
    return {"id": Customer.objects.get(email="ada@example.com").pk}


def sign_in(client, email="ada@example.com", password=PASSWORD, base=BROWSER):
    return client.post(f"{base}/auth/login", {"email": email, "password": password}, content_type="application/json")


def link_in(message: Message) -> str:
    return re.search(r"https?://testserver(/\S+)", message.body).group(1)


def test_a_customer_signs_in_with_the_right_password_and_their_session_reaches_me(customer):
    client = Client()
    response = sign_in(client)
    assert response.status_code == 200, response.json()
    assert response.json()["data"]["user"]["email"] == "ada@example.com"
    assert client.get("/api/v1/me/").json()["id"] == customer["id"]


def test_a_customer_signs_out_and_their_session_no_longer_reaches_me(customer):
    client = Client()
    sign_in(client)
    assert client.delete(f"{BROWSER}/auth/session").status_code == 401  # allauth: no longer authenticated
    assert client.get("/api/v1/me/").status_code == 401


def test_a_wrong_password_is_refused_and_opens_no_session(customer):
    client = Client()
    response = sign_in(client, password="not-the-password")
    assert response.status_code == 400
    assert response.json()["errors"][0]["code"] == "email_password_mismatch"
    assert client.get("/api/v1/me/").status_code == 401


def test_the_app_token_from_signing_in_reaches_me_and_dies_at_sign_out(customer):
    response = sign_in(Client(), base=APP)
    assert response.status_code == 200, response.json()
    token = response.json()["meta"]["session_token"]
    client = Client(headers={"X-Session-Token": token})
    assert client.get("/api/v1/me/").json()["id"] == customer["id"]
    assert client.delete(f"{APP}/auth/session").status_code == 401
    # Issue 14: a token whose session has ended is refused (401), not taken as anonymous.
    assert Client(headers={"X-Session-Token": token}).get("/api/v1/me/").status_code == 401


def test_after_five_failures_the_login_is_locked_even_for_the_right_password_then_unlocks(customer, settings):
    client = Client()
    start = dt.datetime(2026, 11, 23, 12, 0, tzinfo=dt.UTC)
    with time_machine.travel(start, tick=False):
        for _ in range(settings.MINT_SIGNIN_FAILURE_LIMIT):
            sign_in(client, password="guess")
        locked = sign_in(client)
        assert locked.status_code == 429
        assert locked.json()["code"] == "signin_locked_out"
        assert client.get("/api/v1/me/").status_code == 401
    with time_machine.travel(start + dt.timedelta(minutes=settings.MINT_SIGNIN_LOCKOUT_MINUTES - 1), tick=False):
        assert sign_in(client).status_code == 429
    with time_machine.travel(start + dt.timedelta(minutes=settings.MINT_SIGNIN_LOCKOUT_MINUTES + 1), tick=False):
        assert sign_in(client).status_code == 200


def test_the_lockout_counts_the_address_however_it_is_typed(customer, settings):
    client = Client()
    for _ in range(settings.MINT_SIGNIN_FAILURE_LIMIT):
        sign_in(client, email=" ADA@Example.com ", password="guess")
    assert sign_in(client).status_code == 429


def test_staff_unlock_a_locked_login_with_the_axes_command(customer, settings):
    from django.core.management import call_command

    client = Client()
    for _ in range(settings.MINT_SIGNIN_FAILURE_LIMIT):
        sign_in(client, password="guess")
    call_command("axes_reset_username", "ada@example.com")
    assert sign_in(client).status_code == 200


def test_a_password_reset_is_an_outbox_email_whose_link_sets_a_new_password(
    customer, django_capture_on_commit_callbacks
):
    client = Client()
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            f"{BROWSER}/auth/password/request", {"email": "ADA@example.com"}, content_type="application/json"
        )
    assert response.status_code == 200, response.json()
    message = Message.objects.get(kind="account_password_reset_key")
    assert (message.channel, message.recipient, message.status) == ("email", "ada@example.com", "sent")
    assert message.customer_id == customer["id"]

    form = client.get(link_in(message), follow=True)
    assert form.status_code == 200
    set_password_url = form.redirect_chain[-1][0]
    done = client.post(set_password_url, {"password1": "a-brand-new-passphrase", "password2": "a-brand-new-passphrase"})
    assert done.status_code == 302

    assert sign_in(Client()).status_code == 400
    assert sign_in(Client(), password="a-brand-new-passphrase").status_code == 200


def test_a_reset_for_an_unknown_address_sends_nothing_and_says_nothing(customer):
    response = Client().post(
        f"{BROWSER}/auth/password/request", {"email": "nobody@example.com"}, content_type="application/json"
    )
    assert response.status_code == 200
    assert not Message.objects.filter(recipient="nobody@example.com", kind="account_password_reset_key").exists()


def test_c1_registration_emails_a_confirmation_link_through_the_outbox_that_confirms_the_address(customer):
    message = Message.objects.get(kind__startswith="account_email_confirmation")
    assert (message.recipient, message.status, message.customer_id) == ("ada@example.com", "sent", customer["id"])
    client = Client()
    client.post(link_in(message))
    assert EmailAddress.objects.get(email="ada@example.com").verified


def test_a_signed_in_customer_changes_their_password(customer):
    client = Client()
    sign_in(client)
    response = client.post(
        f"{BROWSER}/account/password/change",
        {"current_password": PASSWORD, "new_password": "another-long-passphrase"},
        content_type="application/json",
    )
    assert response.status_code == 200, response.json()
    assert sign_in(Client(), password="another-long-passphrase").status_code == 200


def test_c2_allauth_sign_up_is_closed_so_registration_keeps_its_rules():
    response = Client().post(
        f"{BROWSER}/auth/signup", {"email": "eve@example.com", "password": PASSWORD}, content_type="application/json"
    )
    assert response.status_code == 403


def test_staff_cannot_sign_in_as_customers_and_so_skip_their_second_factor(staff_user):
    finance = staff_user("finance")
    finance.email = "finance@mint.example"
    finance.save()
    response = sign_in(Client(), email="finance@mint.example", password="x")
    assert response.status_code == 400
    assert response.json()["errors"][0]["code"] == "staff_login"


def test_c8_after_a_change_of_email_only_the_new_address_signs_in(customer):
    client = Client()
    sign_in(client)
    changed = client.patch("/api/v1/me/", {"email": "ada.new@example.com"}, content_type="application/json")
    assert changed.status_code == 200
    assert sign_in(Client()).status_code == 400
    assert sign_in(Client(), email="ada.new@example.com").status_code == 200


def test_c8_restating_the_same_email_keeps_it_confirmed(customer):
    client = Client()
    client.post(link_in(Message.objects.get(kind__startswith="account_email_confirmation")))
    sign_in(client)
    client.patch("/api/v1/me/", {"email": "ADA@example.com"}, content_type="application/json")
    assert EmailAddress.objects.get(email="ada@example.com").verified
