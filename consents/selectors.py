"""Reads about marketing consent. The outbox asks here before any marketing message (D1)."""

import phonenumbers
from django.db.models import QuerySet

from consents.models import (
    MarketingChannel,
    MarketingConsent,
    PrintRun,
    PrintRunRecipient,
    ProcessingRestriction,
    TpsNumber,
)
from customers.models import Customer

# The outbox's channel names for the channels consent is given on.
_OUTBOX_CHANNELS = {"letter": MarketingChannel.POST, "call": MarketingChannel.PHONE}


def marketing_consent_allows(*, customer, channel: str, recipient: str = "") -> bool:
    """May marketing go to this customer on this channel? (D1, D2, D6, D12; C7: never after death.)

    Email, SMS and post need a current consent or soft opt-in on that channel. A marketing call
    (D12, PECR reg. 21) goes to a number with phone consent, or to one that is not on the TPS
    list and whose owner has not objected (an opt-out on the phone channel is the objection).
    A restriction of processing (D6) stops all of it. Service messages never ask (D3).
    """
    if customer is None or customer.deceased_at is not None:
        return False
    if ProcessingRestriction.objects.filter(customer=customer, lifted_at__isnull=True).exists():
        return False
    channel = _OUTBOX_CHANNELS.get(channel, channel)
    consent = MarketingConsent.objects.filter(customer=customer, channel=channel).first()
    if channel != MarketingChannel.PHONE or consent is not None:
        return consent is not None and consent.granted
    keyed = [recipient] if recipient else [str(n) for n in (customer.phone, customer.mobile_phone) if n]
    numbers = [phone_number_e164(number) for number in keyed]
    if not numbers or None in numbers:
        return False  # a number that cannot be checked against the list is not called
    return not TpsNumber.objects.filter(number__in=numbers).exists()


def phone_number_e164(raw: str) -> str | None:
    """D12: a UK number in any form as the TPS list keeps it (+442079460123); None if it is not a number."""
    try:
        number = phonenumbers.parse(raw.strip(), "GB")
    except phonenumbers.NumberParseException:
        return None
    if not phonenumbers.is_possible_number(number):
        return None
    return phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.E164)


def marketing_consent_list(*, customer_id: int) -> QuerySet[MarketingConsent]:
    return MarketingConsent.objects.filter(customer_id=customer_id).select_related("captured_by").order_by("channel")


def marketing_consent_history(*, customer_id: int) -> QuerySet:
    """Every change of the customer's consents, newest first (D1: history is kept)."""
    return (
        MarketingConsent.history.filter(customer_id=customer_id)
        .select_related("captured_by")
        .order_by("-history_date", "-history_id")
    )


def print_run_list() -> QuerySet[PrintRun]:
    return PrintRun.objects.select_related("created_by", "printed_by").order_by("-created_at", "-id")


def postal_marketing_addressees() -> QuerySet[Customer]:
    """Who a run printed now would go to: post consent, alive, with an address (D2)."""
    return (
        Customer.objects.filter(
            marketing_consents__channel=MarketingChannel.POST,
            marketing_consents__granted=True,
            deceased_at__isnull=True,
        )
        .exclude(address_line1="")
        .order_by("pk")
    )


def print_run_recipients(*, print_run: PrintRun) -> QuerySet[PrintRunRecipient] | list[PrintRunRecipient]:
    """D2: a printed run's frozen list; for a run not yet printed, the list it would freeze now."""
    if print_run.printed_at is not None:
        return PrintRunRecipient.objects.filter(print_run=print_run).order_by("id")
    return [
        PrintRunRecipient(print_run=print_run, customer=customer, name=customer.full_name,
                          address=postal_address(customer))
        for customer in postal_marketing_addressees()
    ]


def postal_address(customer: Customer) -> str:
    lines = [customer.address_line1, customer.address_line2, customer.town, customer.postcode, customer.country.name]
    return "\n".join(line for line in lines if line)
