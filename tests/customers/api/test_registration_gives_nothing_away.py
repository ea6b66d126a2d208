"""Issue 14 (C2's privacy): nobody learns from a registration who is a customer.

Found by br14a: allauth's own sign-up endpoint, closed, still answered "email_taken" for a customer's
address and a plain 403 for anyone else; and the mint's registration answered a known person in
about 35 ms and a new one in about 1.4 s (the new login's password hash), telling them apart by time.
"""

import pytest
from django.contrib.auth.hashers import MD5PasswordHasher
from rest_framework.test import APIClient

from customers.models import Customer, User
from tests.customers.api.test_account_api import registration

pytestmark = pytest.mark.django_db


class CountingHasher(MD5PasswordHasher):
    """The suite's stand-in for the production hasher: it counts the hashes made."""

    algorithm = "counting_md5"
    made = 0

    def encode(self, password, salt):
        type(self).made += 1
        return super().encode(password, salt)


@pytest.fixture
def hashes(settings):
    settings.PASSWORD_HASHERS = [f"{__name__}.CountingHasher"]
    CountingHasher.made = 0

    def count_for(body) -> int:
        before = CountingHasher.made
        assert APIClient().post("/api/v1/register/", body, format="json").status_code == 202
        return CountingHasher.made - before

    return count_for


def test_registering_a_known_person_costs_the_same_password_hash_as_a_new_account(hashes):
    """The hash is the costly part of a registration; done for both, the time does not tell them apart."""
    new = hashes(registration())
    same_email = hashes(registration(email=" ADA@example.com", last_name="Byron"))
    same_person = hashes(registration(email="ada.other@example.com"))
    assert new == same_email == same_person == 1
    assert Customer.objects.count() == User.objects.count() == 1


@pytest.mark.parametrize("client", ["app", "browser"])
def test_allauth_sign_up_answers_a_customers_email_as_it_answers_any_other(client):
    APIClient().post("/api/v1/register/", registration(), format="json")
    http = APIClient()
    taken = http.post(f"/_allauth/{client}/v1/auth/signup",
                      {"email": "ada@example.com", "password": "a-long-enough-password-9"}, format="json")
    free = http.post(f"/_allauth/{client}/v1/auth/signup",
                     {"email": "nobody@example.com", "password": "a-long-enough-password-9"}, format="json")
    assert (taken.status_code, taken.content) == (free.status_code, free.content)
    assert taken.status_code == 403
    assert User.objects.count() == 1


def test_registration_sets_the_same_cookies_for_a_new_account_and_a_known_person():
    """allauth left "Confirmation email sent to …" in a messages cookie for a new account only."""
    new = APIClient().post("/api/v1/register/", registration(), format="json")
    known = APIClient().post("/api/v1/register/", registration(last_name="Byron"), format="json")
    assert new.status_code == known.status_code == 202
    assert dict(new.cookies) == dict(known.cookies) == {}
    assert sorted(new.headers) == sorted(known.headers)
