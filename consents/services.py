"""Writes for consents: one public function per use case, keyword-only arguments, one transaction."""

import logging

import phonenumbers
from django.core import signing
from django.db import transaction
from django.db.models import Q
from phonenumber_field.phonenumber import to_python

from consents import errors
from consents.models import MarketingChannel, MarketingConsent, PrintRun, PrintRunRecipient, UnsubscribeTokenUse
from consents.selectors import print_run_recipients
from consents.unsubscribe import unsubscribe_token_read
from customers.audit import stamp
from customers.models import Customer
from mint_shop import clock
from mint_shop.actors import Actor, ActorKind, Channel
from mint_shop.errors import RuleViolation

logger = logging.getLogger(__name__)

# PECR reg. 22(3): the soft opt-in covers electronic mail only, i.e. email and SMS.
SOFT_OPT_IN_CHANNELS = (MarketingChannel.EMAIL, MarketingChannel.SMS)


def _consent_write(
    *, customer: Customer, channel: str, granted: bool, source: str, wording: str, actor: Actor, basis: str
) -> MarketingConsent:
    """Inside the caller's transaction: set one channel's consent; the history row is the record."""
    consent = MarketingConsent.objects.select_for_update().filter(customer=customer, channel=channel).first()
    consent = consent or MarketingConsent(customer=customer, channel=channel)
    consent.granted = granted
    consent.basis = basis
    consent.source = source
    consent.wording = wording
    consent.changed_at = clock.now()
    consent.captured_by = actor.user
    consent.actor_kind = actor.kind
    consent.capacity = actor.capacity
    stamp(consent, actor).save()
    return consent


def marketing_consent_set(
    *,
    customer_id: int,
    channel: str,
    granted: bool,
    source: str,
    actor: Actor,
    wording: str = "",
    soft_opt_in: bool = False,
) -> MarketingConsent:
    """D1/D2: give or withdraw marketing consent on one channel, from the account, a form or customer care.

    A withdrawal applies at once on every channel; for post it reaches every run not yet
    printed (PrintRun). A soft opt-in is recorded as its own basis, for email and SMS only.
    """
    if soft_opt_in and not granted:
        raise RuleViolation(errors.SOFT_OPT_IN_CHANNEL, "A soft opt-in is a way to allow marketing, not to stop it.")
    if soft_opt_in and channel not in SOFT_OPT_IN_CHANNELS:
        raise RuleViolation(errors.SOFT_OPT_IN_CHANNEL, "The soft opt-in covers email and SMS marketing only.")
    if not granted:
        basis = MarketingConsent.Basis.NONE
    elif soft_opt_in:
        basis = MarketingConsent.Basis.SOFT_OPT_IN
    else:
        basis = MarketingConsent.Basis.CONSENT
    with transaction.atomic(durable=True):
        customer = Customer.objects.select_for_update().get(pk=customer_id)
        if granted and customer.deceased_at is not None:
            raise RuleViolation(errors.CONSENT_FOR_DECEASED, "No marketing goes to a customer who has died.")
        consent = _consent_write(
            customer=customer, channel=channel, granted=granted, source=source, wording=wording, actor=actor,
            basis=basis,
        )
    return consent


def marketing_opt_out_by_unsubscribe_link(*, token: str) -> MarketingConsent:
    """D2: the email link works once, without logging in, and only for the customer it was made for."""
    try:
        payload = unsubscribe_token_read(token)
        customer_id, nonce = int(payload["customer"]), str(payload["nonce"])
    except (signing.BadSignature, KeyError, TypeError, ValueError) as exc:
        raise RuleViolation(errors.UNSUBSCRIBE_TOKEN_INVALID, "This unsubscribe link is not valid.") from exc
    actor = Actor(kind=ActorKind.CUSTOMER, channel=Channel.EMAIL)
    with transaction.atomic(durable=True):
        customer = Customer.objects.select_for_update().filter(pk=customer_id).first()
        if customer is None:
            raise RuleViolation(errors.UNSUBSCRIBE_TOKEN_INVALID, "This unsubscribe link is not valid.")
        if UnsubscribeTokenUse.objects.filter(nonce=nonce).exists():
            raise RuleViolation(errors.UNSUBSCRIBE_TOKEN_USED, "This unsubscribe link has already been used.")
        UnsubscribeTokenUse.objects.create(nonce=nonce, customer=customer, used_at=clock.now())
        consent = _consent_write(
            customer=customer, channel=MarketingChannel.EMAIL, granted=False,
            source=MarketingConsent.Source.UNSUBSCRIBE_LINK, wording="Unsubscribe link in a marketing email",
            actor=actor, basis=MarketingConsent.Basis.NONE,
        )
    return consent


def marketing_opt_out_by_sms(*, from_number: str, body: str) -> int:
    """D2: "STOP" texted from a known number ends SMS marketing to it; anything else changes nothing.

    Returns how many customers were opted out (a number shared by two accounts opts out both).
    The log names no number and no text.
    """
    if body.strip().upper() != "STOP":
        logger.info("inbound sms: not a STOP request; nothing changed")
        return 0
    number = to_python(from_number)
    if number is None or not phonenumbers.is_possible_number(number):
        logger.info("inbound sms: STOP from an invalid number; nothing changed")
        return 0
    actor = Actor(kind=ActorKind.CUSTOMER, channel=Channel.SMS)
    with transaction.atomic(durable=True):
        customers = list(
            Customer.objects.select_for_update()
            .filter(Q(mobile_phone=number.as_e164) | Q(phone=number.as_e164))
            .order_by("pk")
        )
        for customer in customers:
            _consent_write(
                customer=customer, channel=MarketingChannel.SMS, granted=False,
                source=MarketingConsent.Source.SMS_STOP, wording="STOP", actor=actor, basis=MarketingConsent.Basis.NONE,
            )
    if not customers:
        logger.info("inbound sms: STOP from an unknown number; nothing changed")
    else:
        logger.info("inbound sms: STOP opted out customer(s) %s", [c.pk for c in customers])
    return len(customers)


def print_run_create(*, title: str, actor: Actor) -> PrintRun:
    """D2: a postal mailing; its list stays live (postal opt-outs reach it) until it is printed."""
    with transaction.atomic(durable=True):
        return PrintRun.objects.create(title=title, created_by=actor.user)


def print_run_mark_printed(*, print_run_id: int, actor: Actor) -> PrintRun:
    """D2: the run is printed: its addressees are frozen as they stand now."""
    with transaction.atomic(durable=True):
        print_run = PrintRun.objects.select_for_update().get(pk=print_run_id)
        if print_run.printed_at is not None:
            raise RuleViolation(errors.PRINT_RUN_ALREADY_PRINTED, "This run is already printed; its list is frozen.")
        PrintRunRecipient.objects.bulk_create(print_run_recipients(print_run=print_run))
        print_run.printed_at = clock.now()
        print_run.printed_by = actor.user
        print_run.save(update_fields=["printed_at", "printed_by"])
    return print_run

