"""Registers compliance keeps: offer history (D4), special category data (D10), the TPS list (D12),
and the sharing register (D9), which is assembled from what each app records when it shares.
"""

from collections.abc import Iterable

from django.db import IntegrityError, transaction

from consents import errors
from consents.models import OfferSent, SpecialCategoryRecord, TpsImport, TpsNumber
from consents.selectors import phone_number_e164
from customers.audit import stamp
from mint_shop import clock
from mint_shop.actors import Actor
from mint_shop.errors import RuleViolation
from mint_shop.personal_data import Shared, providers


def offer_assert_new(*, customer, offer_code: str) -> None:
    """D4: refuse, before anything is written, an offer this person already had (on any channel)."""
    if customer is None:
        raise RuleViolation(errors.OFFER_ALREADY_SENT, "An offer is recorded against a customer; none was given.")
    if OfferSent.objects.filter(customer=customer, offer_code=offer_code).exists():
        raise RuleViolation(errors.OFFER_ALREADY_SENT, f"Offer {offer_code} was already sent to this customer.")


def offer_record(*, customer, offer_code: str, channel: str, message_reference: str = "") -> OfferSent:
    """D4, inside the outbox's transaction: which offer went to whom, by which channel, when.

    A concurrent twin loses on the unique constraint, and its whole transaction with it.
    """
    try:
        with transaction.atomic():
            return OfferSent.objects.create(customer=customer, offer_code=offer_code, channel=channel,
                                            sent_at=clock.now(), message_reference=message_reference)
    except IntegrityError as exc:
        raise RuleViolation(errors.OFFER_ALREADY_SENT, f"Offer {offer_code} was already sent.") from exc


def offer_unrecord(*, message_reference: str) -> None:
    """D4, inside the outbox's transaction: the message carrying the offer was refused, so the offer never went."""
    OfferSent.objects.filter(message_reference=message_reference).delete()


def special_category_record(
    *, customer_id: int, category: str, details: str, consent_wording: str, explicit_consent: bool, actor: Actor
) -> SpecialCategoryRecord:
    """D10: health, vulnerability or capacity is recorded only with the customer's explicit consent."""
    if not explicit_consent or not consent_wording.strip():
        raise RuleViolation(errors.SPECIAL_CATEGORY_WITHOUT_EXPLICIT_CONSENT,
                            "Special category data needs the customer's explicit consent, with the words agreed.")
    with transaction.atomic(durable=True):
        record = SpecialCategoryRecord(customer_id=customer_id, category=category, details=details,
                                       consent_wording=consent_wording, consented_at=clock.now(),
                                       recorded_by=actor.user)
        stamp(record, actor).save()
    return record


def tps_import(*, lines: Iterable[str], file_name: str) -> TpsImport:
    """D12: replace the TPS list with this file (one number a line, any UK format); bad lines are counted."""
    numbers: set[str] = set()
    skipped = 0
    for line in lines:
        if not line.strip() or line.lstrip().startswith("#"):
            continue
        number = phone_number_e164(line)
        if number is None:
            skipped += 1
        else:
            numbers.add(number)
    with transaction.atomic(durable=True):
        TpsNumber.objects.all().delete()
        TpsNumber.objects.bulk_create(TpsNumber(number=n) for n in sorted(numbers))
        return TpsImport.objects.create(file_name=file_name, imported_at=clock.now(), numbers=len(numbers),
                                        skipped=skipped)


def sharing_register(*, customer_id: int | None = None) -> list[Shared]:
    """D9: every time personal data went to a third party, newest first, from every app's own records."""
    entries = [entry for provider in providers() for entry in provider.sharing(customer_id)]
    return sorted(entries, key=lambda entry: entry.shared_at, reverse=True)
