import datetime as dt

import factory

from customers.models import ContactLogEntry, DeliveryAddress, DueDiligenceCheck, Representative
from tests.factories import CustomerFactory, UserFactory


class StaffUserFactory(UserFactory):
    username = factory.Sequence(lambda n: f"staff{n}")
    is_staff = True


class DeliveryAddressFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = DeliveryAddress

    customer = factory.SubFactory(CustomerFactory)
    recipient_name = "Ada Lovelace"
    line1 = "1 Mint Street"
    town = "Llantrisant"
    postcode = "CF72 8YT"


class RepresentativeFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Representative

    customer = factory.SubFactory(CustomerFactory)
    kind = Representative.Kind.ATTORNEY
    user = factory.SubFactory(UserFactory)
    first_name = "Jo"
    last_name = "Attorney"
    status = Representative.Status.PENDING


class DueDiligenceCheckFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = DueDiligenceCheck

    customer = factory.SubFactory(CustomerFactory)
    kind = DueDiligenceCheck.Kind.AML
    status = DueDiligenceCheck.Status.PENDING
    requested_at = factory.LazyFunction(lambda: dt.datetime(2026, 11, 1, tzinfo=dt.UTC))
    recorded_by = factory.SubFactory(StaffUserFactory)


class ContactLogEntryFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = ContactLogEntry

    customer = factory.SubFactory(CustomerFactory)
    kind = ContactLogEntry.Kind.LETTER
    direction = ContactLogEntry.Direction.INBOUND
    occurred_at = factory.LazyFunction(lambda: dt.datetime(2026, 11, 1, tzinfo=dt.UTC))
    summary = "Asked for a catalogue"
