"""Factories shared by every app's tests (factory_boy)."""

import datetime as dt

import factory

from catalogue.models import Product, Range
from customers.models import Customer, User


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = User
        django_get_or_create = ["username"]

    username = factory.Sequence(lambda n: f"user{n}")
    email = factory.LazyAttribute(lambda u: f"{u.username}@example.com")


class CustomerFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Customer

    user = factory.SubFactory(UserFactory)
    first_name = factory.Faker("first_name", locale="en_GB")
    last_name = factory.Faker("last_name", locale="en_GB")
    email = factory.LazyAttribute(lambda c: c.user.email if c.user else "phone@example.com")
    date_of_birth = dt.date(1980, 5, 17)
    postcode = "SW1A 1AA"


class RangeFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Range
        django_get_or_create = ["code"]

    code = "gifts"
    name = "Coin-inspired gifts"


class ProductFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Product

    sku = factory.Sequence(lambda n: f"SKU-{n:04d}")
    name = factory.Sequence(lambda n: f"Product {n}")
    range = factory.SubFactory(RangeFactory)
    price_pence = 2500
    stock = 10
