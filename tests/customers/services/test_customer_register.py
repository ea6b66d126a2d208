import datetime as dt

import pytest
import time_machine

from customers import errors, services
from customers.models import Customer, User
from mint_shop.actors import Actor, ActorKind, Channel
from mint_shop.errors import RuleViolation
from tests.customers.factories import StaffUserFactory
from tests.factories import CustomerFactory

pytestmark = pytest.mark.django_db

TODAY = dt.datetime(2026, 11, 23, 12, 0, tzinfo=dt.UTC)
ONLINE = Actor(kind=ActorKind.CUSTOMER, channel=Channel.WEB)


def register(actor=ONLINE, **overrides) -> Customer:
    fields = {
        "first_name": "Ada",
        "last_name": "Lovelace",
        "email": "ada@example.com",
        "date_of_birth": dt.date(1985, 12, 10),
        "capacity_declared": True,
        "checks_agreed": True,
        "postcode": "SW1A 1AA",
        "phone": "020 7946 0018",
    }
    if actor.kind == ActorKind.CUSTOMER:
        fields["password"] = "a-long-enough-password"
    return services.customer_register(actor=actor, **(fields | overrides))


def refused(rule, **overrides):
    with pytest.raises(RuleViolation) as caught:
        register(**overrides)
    assert caught.value.rule == rule
    assert not Customer.objects.filter(email=overrides.get("email", "ada@example.com")).exists()
    return caught.value


@time_machine.travel(TODAY)
def test_c1_birthday_exactly_18_years_ago_today_is_allowed():
    customer = register(date_of_birth=dt.date(2008, 11, 23))
    assert customer.capacity_declared_at is not None and customer.checks_agreed_at is not None


@time_machine.travel(TODAY)
def test_c1_eighteenth_birthday_tomorrow_is_refused():
    refused(errors.UNDER_AGE, date_of_birth=dt.date(2008, 11, 24))


@time_machine.travel(dt.datetime(2026, 2, 28, 12, 0, tzinfo=dt.UTC))
def test_c1_born_29_february_is_not_18_on_28_february():
    refused(errors.UNDER_AGE, date_of_birth=dt.date(2008, 2, 29))


@time_machine.travel(dt.datetime(2026, 3, 1, 12, 0, tzinfo=dt.UTC))
def test_c1_born_29_february_is_18_on_1_march():
    assert register(date_of_birth=dt.date(2008, 2, 29)).pk


@time_machine.travel(dt.datetime(2026, 11, 23, 23, 30, tzinfo=dt.UTC))
def test_c1_age_is_counted_on_the_london_calendar_day():
    # 23:30 UTC on 23 November is still 23 November in London (GMT): the 18th birthday is tomorrow.
    refused(errors.UNDER_AGE, date_of_birth=dt.date(2008, 11, 24))


@time_machine.travel(TODAY)
def test_c1_a_birth_date_in_the_future_is_refused():
    refused(errors.DATE_OF_BIRTH_IN_FUTURE, date_of_birth=dt.date(2027, 1, 1))


@time_machine.travel(TODAY)
def test_c1_no_capacity_declaration_is_refused_by_name():
    violation = refused(errors.CAPACITY_NOT_DECLARED, capacity_declared=False)
    assert violation.rule.rule == "C1"


@time_machine.travel(TODAY)
def test_c1_not_agreeing_to_checks_is_refused_by_name():
    refused(errors.CHECKS_NOT_AGREED, checks_agreed=False)


def test_c1_online_registration_makes_the_login_with_the_email():
    customer = register(email="  Ada@Example.COM ")
    assert customer.email == "ada@example.com"
    assert customer.user.username == "ada@example.com"
    assert customer.user.check_password("a-long-enough-password")
    assert customer.registered_via == Channel.WEB and customer.keyed_by is None


def test_c1_staff_keyed_registration_records_channel_and_who_keyed_it():
    clerk = StaffUserFactory()
    customer = register(actor=Actor.staff(clerk, channel=Channel.POST))
    assert customer.user is None
    assert (customer.registered_via, customer.keyed_by) == (Channel.POST, clerk)
    assert customer.history.first().history_user == clerk


@pytest.mark.parametrize("email", ["ADA@example.com", "  ada@example.com  ", "Ada@Example.Com"])
def test_c2_same_email_in_another_case_or_with_spaces_is_a_duplicate(email):
    CustomerFactory(email="ada@example.com", user=None)
    refused(errors.DUPLICATE_ACCOUNT, email=email, first_name="Someone", last_name="Else")
    assert Customer.objects.count() == 1


def test_c2_same_name_birth_date_and_postcode_is_a_duplicate_whatever_the_email():
    CustomerFactory(first_name="Ada", last_name="Lovelace", date_of_birth=dt.date(1985, 12, 10),
                    postcode="SW1A 1AA", email="old@example.com", user=None)
    refused(errors.DUPLICATE_ACCOUNT, email="new@example.com", first_name="ADA", postcode="sw1a1aa")


def test_c2_same_name_and_birth_date_elsewhere_is_another_person():
    CustomerFactory(first_name="Ada", last_name="Lovelace", date_of_birth=dt.date(1985, 12, 10),
                    postcode="M1 1AE", email="other@example.com", user=None)
    assert register().pk


def test_c2_staff_are_shown_the_likely_duplicate_and_customers_are_not():
    existing = CustomerFactory(email="ada@example.com", user=None)
    with pytest.raises(RuleViolation) as by_staff:
        register(actor=Actor.staff(StaffUserFactory()), first_name="X")
    assert f"customer {existing.pk}" in by_staff.value.detail
    with pytest.raises(RuleViolation) as online:
        register(first_name="X")
    assert str(existing.pk) not in online.value.detail and "ada@example.com" not in online.value.detail


def test_c2_changing_email_to_another_customers_is_refused():
    CustomerFactory(email="taken@example.com", user=None)
    mine = register()
    with pytest.raises(RuleViolation) as caught:
        services.customer_update_details(customer_id=mine.pk, actor=ONLINE, changes={"email": "Taken@example.com"})
    assert caught.value.rule == errors.DUPLICATE_ACCOUNT
    mine.refresh_from_db()
    assert mine.email == "ada@example.com"


def test_c8_phone_numbers_are_stored_e164_and_postcodes_tidied():
    customer = register(phone="020 7946 0018", mobile_phone="07700 900123", postcode=" sw1a   1aa ")
    customer.refresh_from_db()
    assert customer.phone.as_e164 == "+442079460018"
    assert customer.mobile_phone.as_e164 == "+447700900123"
    assert customer.postcode == "SW1A 1AA"


def test_c8_a_changed_email_changes_the_login_too():
    customer = register()
    services.customer_update_details(customer_id=customer.pk, actor=ONLINE, changes={"email": "ada@new.example"})
    assert User.objects.get(pk=customer.user_id).username == "ada@new.example"


def test_c8_several_delivery_addresses_with_iso_countries():
    customer = register()
    actor = Actor.customer(customer.user)
    services.delivery_address_add(customer_id=customer.pk, actor=actor, recipient_name="Ada", line1="1 Rue",
                                  town="Paris", postcode="75001", country="FR")
    services.delivery_address_add(customer_id=customer.pk, actor=actor, recipient_name="Ada", line1="2 Road",
                                  town="Bath", postcode="ba1 1aa")
    assert sorted(a.country.code for a in customer.delivery_addresses.all()) == ["FR", "GB"]
