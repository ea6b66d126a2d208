"""Reads about marketing consent. The outbox asks here before any marketing message (D1)."""

from django.db.models import QuerySet

from consents.models import MarketingChannel, MarketingConsent, PrintRun, PrintRunRecipient
from customers.models import Customer

# The outbox's channel names for the channels consent is given on.
_OUTBOX_CHANNELS = {"letter": MarketingChannel.POST, "call": MarketingChannel.PHONE}


def marketing_consent_allows(*, customer, channel: str) -> bool:
    """May marketing go to this customer on this channel? (D1, D2; C7: never after death.)

    Only a current consent or soft opt-in on that channel allows it. Service messages never
    ask (D3).
    """
    if customer is None or customer.deceased_at is not None:
        return False
    channel = _OUTBOX_CHANNELS.get(channel, channel)
    return MarketingConsent.objects.filter(customer=customer, channel=channel, granted=True).exists()


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
