import datetime as dt

import factory

from catalogue.models import DeliveryOption, TermsVersion


class DeliveryOptionFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = DeliveryOption
        django_get_or_create = ["code"]

    code = "uk-standard"
    name = "UK standard"
    region = DeliveryOption.Region.UK
    premium = False
    charge_pence = 395


class TermsVersionFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = TermsVersion

    version = factory.Sequence(lambda n: f"2026.{n}")
    published_at = factory.LazyFunction(lambda: dt.datetime(2026, 1, 1, tzinfo=dt.UTC))
    text = "The mint's terms and conditions."
