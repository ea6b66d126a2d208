import datetime as dt

import pytest
import time_machine

from customers.models import Customer, DeliveryAddress, User
from notifications.models import Message
from tests.customers.helpers import api
from tests.factories import CustomerFactory

pytestmark = pytest.mark.django_db

TODAY = dt.datetime(2026, 11, 23, 12, 0, tzinfo=dt.UTC)


def registration(**overrides) -> dict:
    return {
        "first_name": "Ada",
        "last_name": "Lovelace",
        "email": "ada@example.com",
        "password": "a-long-enough-password",
        "date_of_birth": "1985-12-10",
        "capacity_declared": True,
        "checks_agreed": True,
        "phone": "020 7946 0018",
        "address_line1": "1 Mint Street",
        "town": "Llantrisant",
        "postcode": "cf72 8yt",
        "country": "GB",
        "preferred_contact": "post",
    } | overrides


def test_c1_online_registration_opens_the_account_and_logs_in_with_the_email():
    response = api().post("/api/v1/register/", registration(), format="json")
    assert response.status_code == 202, response.json()
    assert "password" not in response.json()
    customer = User.objects.get(username="ada@example.com").customer
    assert (str(customer.phone), customer.postcode, customer.country.code) == ("+442079460018", "CF72 8YT", "GB")


@time_machine.travel(TODAY)
@pytest.mark.parametrize(
    "overrides, code",
    [
        ({"date_of_birth": "2008-11-24"}, "under_age"),
        ({"date_of_birth": "2027-01-01"}, "date_of_birth_in_future"),
        ({"capacity_declared": False}, "capacity_not_declared"),
        ({"checks_agreed": False}, "checks_not_agreed"),
    ],
)
def test_c1_each_refusal_is_a_4xx_naming_the_rule_and_writes_nothing(overrides, code):
    response = api().post("/api/v1/register/", registration(**overrides), format="json")
    assert response.status_code == 400
    assert (response.json()["code"], response.json()["rule"]) == (code, "C1")
    assert not Customer.objects.exists() and not User.objects.exists()


@time_machine.travel(TODAY)
def test_c1_an_eighteenth_birthday_today_registers_through_the_api():
    assert api().post("/api/v1/register/", registration(date_of_birth="2008-11-23"), format="json").status_code == 202


@pytest.mark.parametrize(
    "overrides, field",
    [
        ({"email": "not-an-email"}, "email"),
        ({"phone": "12345"}, "phone"),
        ({"phone": "+44 20 7946 00189999"}, "phone"),
        ({"date_of_birth": "1985-02-30"}, "date_of_birth"),
        ({"date_of_birth": "tomorrow"}, "date_of_birth"),
        ({"country": "XX"}, "country"),
        ({"preferred_contact": "pigeon"}, "preferred_contact"),
    ],
)
def test_c8_malformed_input_is_a_400_naming_the_field_and_writes_nothing(overrides, field):
    response = api().post("/api/v1/register/", registration(**overrides), format="json")
    assert response.status_code == 400
    assert response.json()["code"] == "invalid_input"
    assert field in response.json()["detail"]
    assert not Customer.objects.exists()


def _already_exists_mail() -> list[str]:
    return list(Message.objects.filter(kind="account_account_already_exists").values_list("recipient", flat=True))


def test_c2_a_second_registration_with_the_same_email_in_capitals_opens_no_account_and_answers_alike():
    first = api().post("/api/v1/register/", registration(), format="json")
    again = api().post("/api/v1/register/", registration(email=" ADA@Example.com ", first_name="Other"), format="json")
    assert first.status_code == again.status_code == 202
    assert first.json() == again.json()
    assert Customer.objects.count() == 1 and User.objects.count() == 1
    assert _already_exists_mail() == ["ada@example.com"]


def test_c2_the_same_person_under_another_email_opens_no_account_and_their_own_address_is_told():
    existing = CustomerFactory(
        first_name="Ada", last_name="Lovelace", date_of_birth=dt.date(1985, 12, 10), postcode="CF72 8YT",
        email="ada.old@example.com",
    )
    new = api().post("/api/v1/register/", registration(email="someone.new@example.com", last_name="Byron"),
                     format="json")
    duplicate = api().post("/api/v1/register/", registration(email="ada.new@example.com"), format="json")
    assert new.status_code == duplicate.status_code == 202
    assert new.json().keys() == duplicate.json().keys()
    assert not Customer.objects.filter(email="ada.new@example.com").exists()
    assert _already_exists_mail() == [existing.email]


def test_c8_a_customer_reads_and_changes_only_their_own_details():
    me, other = CustomerFactory(), CustomerFactory(email="other@example.com")
    client = api(me.user)
    response = client.patch("/api/v1/me/", {"mobile_phone": "07911 123456", "town": "Bath"}, format="json")
    assert response.status_code == 200, response.json()
    assert (response.json()["mobile_phone"], response.json()["town"]) == ("+447911123456", "Bath")
    other.refresh_from_db()
    assert other.town == ""
    me.refresh_from_db()
    assert me.history.first().history_user == me.user


def test_c8_a_customer_cannot_change_their_birth_date_or_reach_another_customer_by_id():
    me, other = CustomerFactory(), CustomerFactory(email="other@example.com")
    client = api(me.user)
    client.patch("/api/v1/me/", {"date_of_birth": "2000-01-01"}, format="json")
    me.refresh_from_db()
    assert me.date_of_birth == dt.date(1980, 5, 17)
    assert client.get(f"/api/v1/staff/customers/{other.pk}/").status_code == 403
    assert client.get(f"/api/v1/represented/{other.pk}/").status_code == 404


def test_c8_delivery_addresses_are_the_customers_own():
    me, other = CustomerFactory(), CustomerFactory(email="other@example.com")
    client = api(me.user)
    created = client.post(
        "/api/v1/me/addresses/",
        {"recipient_name": "Ada", "line1": "1 Rue", "town": "Paris", "postcode": "75001", "country": "FR"},
        format="json",
    )
    assert created.status_code == 201
    assert client.post("/api/v1/me/addresses/", {"recipient_name": "A", "line1": "x", "town": "y",
                                                 "country": "ZZ"}, format="json").status_code == 400
    theirs = DeliveryAddress.objects.create(customer=other, recipient_name="B", line1="2", town="Bath")
    assert client.patch(f"/api/v1/me/addresses/{theirs.pk}/", {"town": "Hacked"}, format="json").status_code == 404
    assert client.delete(f"/api/v1/me/addresses/{theirs.pk}/").status_code == 404
    assert [a["country"] for a in client.get("/api/v1/me/addresses/").json()] == ["FR"]
    assert client.delete(f"/api/v1/me/addresses/{created.json()['id']}/").status_code == 204


def test_c1_a_weak_password_is_refused_before_anything_is_written():
    response = api().post("/api/v1/register/", registration(password="12345678"), format="json")
    assert response.status_code == 400 and "password" in response.json()["detail"]
    assert not Customer.objects.exists()


def test_an_email_longer_than_its_column_at_registration_is_a_400_and_nothing_written():
    response = api().post("/api/v1/register/", registration(email="a" * 288 + "@example.com"), format="json")
    assert response.status_code == 400
    assert (response.json()["code"], list(response.json()["detail"])) == ("invalid_input", ["email"])
    assert not Customer.objects.exists() and not User.objects.exists()


@time_machine.travel(TODAY)
@pytest.mark.parametrize(
    "date_of_birth, code",
    [("1899-12-31", "date_of_birth_too_early"), ("2026-11-24", "date_of_birth_in_future")],
)
def test_c1_a_date_of_birth_before_1900_or_in_the_future_is_refused(date_of_birth, code):
    response = api().post("/api/v1/register/", registration(date_of_birth=date_of_birth), format="json")
    assert response.status_code == 400 and response.json()["code"] == code
    assert not Customer.objects.exists()


def test_a_json_body_nested_beyond_the_bound_is_a_400_in_the_error_shape_and_nothing_written():
    for depth in (33, 100_000):  # past the setting; past Python's recursion limit
        body = "[" * depth + "]" * depth
        response = api().post("/api/v1/register/", body, content_type="application/json")
        assert response.status_code == 400
        assert (response.json()["code"], response.json()["rule"]) == ("malformed_request", "input")
    assert not Customer.objects.exists()


def test_a_body_over_the_size_limit_is_answered_in_the_error_shape(settings):
    settings.DATA_UPLOAD_MAX_MEMORY_SIZE = 1000
    response = api().post("/api/v1/register/", registration(address_line2="x" * 2000), format="json")
    assert response.status_code == 413
    assert (response.json()["code"], response.json()["rule"]) == ("request_too_large", "input")
    assert not Customer.objects.exists()


def test_c8_patching_a_read_only_field_of_me_is_refused_and_writes_nothing():
    me = CustomerFactory()
    body = {"town": "Bath", "date_of_birth": "2000-01-01", "id": 9}
    response = api(me.user).patch("/api/v1/me/", body, format="json")
    assert response.status_code == 400
    assert sorted(response.json()["detail"]) == ["date_of_birth", "id"]
    me.refresh_from_db()
    assert (me.town, me.date_of_birth) == ("", dt.date(1980, 5, 17))
