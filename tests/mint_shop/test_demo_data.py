import io

import phonenumbers
import pytest
from django.core.management import call_command

from catalogue.models import Product, Range
from customers.models import Customer, User


@pytest.mark.django_db
def test_demo_data_covers_every_range_and_role_and_running_it_twice_adds_nothing():
    call_command("demo_data", stdout=io.StringIO())
    counts = (Range.objects.count(), Product.objects.count(), Customer.objects.count(), User.objects.count())
    call_command("demo_data", stdout=io.StringIO())
    assert (Range.objects.count(), Product.objects.count(), Customer.objects.count(), User.objects.count()) == counts
    assert set(Range.objects.values_list("code", flat=True)) == {"gifts", "commemorative", "bullion", "medals"}
    assert all(Product.objects.filter(range__code=code).exists() for code in ("gifts", "bullion", "medals"))
    staff = User.objects.filter(is_staff=True)
    assert sorted(g for u in staff for g in u.groups.values_list("name", flat=True)) == [
        "compliance", "customer_service", "finance", "marketing", "warehouse"]


@pytest.mark.django_db
def test_demo_data_enrols_finance_and_compliance_and_prints_how_once():
    first, second = io.StringIO(), io.StringIO()
    call_command("demo_data", stdout=first)
    call_command("demo_data", stdout=second)
    enrolments = [line for line in first.getvalue().splitlines() if "otpauth://totp/" in line]
    assert len(enrolments) == 2
    assert any("finance" in line for line in enrolments) and any("compliance" in line for line in enrolments)
    assert enrolments == [line for line in second.getvalue().splitlines() if "otpauth://totp/" in line]


@pytest.mark.django_db
def test_demo_customers_phone_numbers_pass_the_validation_staff_pages_apply():
    call_command("demo_data", stdout=io.StringIO())
    numbers = [str(c.phone) for c in Customer.objects.all()]
    assert numbers and all(phonenumbers.is_valid_number(phonenumbers.parse(n)) for n in numbers)
