"""Staff sign in to the admin: a TOTP code for finance, compliance and superusers; lockout for all."""

import pytest
from django.core.cache import cache
from django.test import Client

from tests.conftest import totp_code

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def fresh_rate_limits():
    cache.clear()


def admin_login(client, user, password="x", code=""):
    return client.post(
        "/admin/login/?next=/admin/", {"username": user.username, "password": password, "otp_token": code}
    )


@pytest.mark.parametrize("role", ["finance", "compliance"])
def test_the_admin_refuses_a_sensitive_role_without_the_second_factor(role, staff_user):
    client = Client()
    response = admin_login(client, staff_user(role))
    assert response.status_code == 200  # the login page again, with the reason
    assert "Enter the code from your authenticator app." in response.content.decode()
    assert client.get("/admin/").status_code == 302
    assert client.get("/api/v1/staff/outbox/").status_code == 401  # no session at all


@pytest.mark.parametrize("role", ["finance", "compliance"])
def test_the_admin_refuses_a_wrong_code(role, staff_user):
    client = Client()
    user = staff_user(role)
    wrong = f"{(int(totp_code(user)) + 1) % 1_000_000:06d}"
    response = admin_login(client, user, code=wrong)
    assert "That code is not right" in response.content.decode()
    assert client.get("/admin/").status_code == 302


@pytest.mark.parametrize("role", ["finance", "compliance"])
def test_the_admin_opens_for_a_sensitive_role_with_a_valid_code(role, staff_user):
    client = Client()
    user = staff_user(role)
    response = admin_login(client, user, code=totp_code(user))
    assert response.status_code == 302
    assert client.get("/admin/").status_code == 200


def test_a_sensitive_role_without_an_enrolled_authenticator_is_told_to_enrol(django_user_model):
    from tests.conftest import role_group

    user = django_user_model.objects.create_user(username="new-finance", password="x", is_staff=True)
    user.groups.add(role_group("finance"))
    response = admin_login(Client(), user)
    assert "no authenticator is enrolled for you" in response.content.decode()


def test_customer_service_signs_in_with_a_password_alone(staff_user):
    client = Client()
    assert admin_login(client, staff_user("customer_service")).status_code == 302
    assert client.get("/admin/").status_code == 200


def test_the_admin_login_locks_after_five_failures_even_for_the_right_password(staff_user, settings):
    client = Client()
    agent = staff_user("customer_service")
    for _ in range(settings.MINT_SIGNIN_FAILURE_LIMIT):
        admin_login(client, agent, password="guess")
    response = admin_login(client, agent)
    assert response.status_code == 429
    assert f"locked for {settings.MINT_SIGNIN_LOCKOUT_MINUTES} minutes" in response.content.decode()
    assert client.get("/admin/").status_code == 302


def test_staff_totp_enrol_prints_an_otpauth_uri_and_keeps_the_secret_unless_replaced(staff_user):
    import io

    from django.core.management import call_command

    user = staff_user("finance")
    first = io.StringIO()
    call_command("staff_totp_enrol", user.username, stdout=first)
    assert "otpauth://totp/" in first.getvalue()
    again = io.StringIO()
    call_command("staff_totp_enrol", user.username, stdout=again)
    assert again.getvalue() == first.getvalue()
    replaced = io.StringIO()
    call_command("staff_totp_enrol", user.username, "--replace", stdout=replaced)
    assert replaced.getvalue() != first.getvalue()
