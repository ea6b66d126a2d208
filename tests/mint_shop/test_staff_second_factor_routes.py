"""Staff TOTP (issue 11): a finance or compliance member reaches staff work only through a session
verified with their second factor. A password alone must not open the staff API by any other
route: the customers' sign-in, an administrator-issued API token, or a session opened before the
role needed the code."""

import pytest
from django.core.cache import cache
from django.test import Client
from rest_framework.authtoken.models import Token

from tests.conftest import role_group, totp_code

pytestmark = pytest.mark.django_db

HELD = "/api/v1/staff/payments/held/"


@pytest.fixture(autouse=True)
def fresh_rate_limits():
    cache.clear()
    yield
    cache.clear()


def admin_login(client, user, code=""):
    return client.post("/admin/login/?next=/admin/", {"username": user.username, "password": "x", "otp_token": code})


@pytest.mark.parametrize("base", ["/_allauth/browser/v1", "/_allauth/app/v1"])
def test_totp_the_customers_sign_in_opens_no_session_for_finance(base, staff_user):
    user = staff_user("finance")
    user.email = "finance@mint.example"
    user.save()
    client = Client()
    response = client.post(
        f"{base}/auth/login", {"email": user.email, "password": "x"}, content_type="application/json"
    )
    assert response.status_code == 400
    token = (response.json().get("meta") or {}).get("session_token")
    headers = {"HTTP_X_SESSION_TOKEN": token} if token else {}
    assert client.get(HELD, **headers).status_code in (401, 403)


def test_totp_an_api_token_alone_does_not_open_finance_staff_work(staff_user):
    user = staff_user("finance")
    token = Token.objects.create(user=user)
    response = Client().get(HELD, HTTP_AUTHORIZATION=f"Token {token.key}")
    assert response.status_code == 403


def test_totp_an_api_token_still_serves_a_role_without_the_second_factor(staff_user):
    user = staff_user("warehouse")
    token = Token.objects.create(user=user)
    response = Client().get("/api/v1/staff/orders/awaiting-review/", HTTP_AUTHORIZATION=f"Token {token.key}")
    assert response.status_code == 200


def test_totp_a_session_opened_before_joining_finance_does_not_reach_finance_work(staff_user):
    user = staff_user("customer_service")
    client = Client()
    assert admin_login(client, user).status_code == 302  # a password alone is enough for this role
    user.groups.add(role_group("finance"))
    assert client.get("/admin/").status_code == 302  # the admin asks for the code now
    assert client.get(HELD).status_code == 403  # and so does the staff API


def test_totp_a_session_verified_with_the_code_reaches_finance_work(staff_user):
    user = staff_user("finance")
    client = Client()
    assert admin_login(client, user, code=totp_code(user)).status_code == 302
    assert client.get(HELD).status_code == 200
