"""D7: erasure anonymises the person and keeps what the law requires, saying per record what and why.

Every app's provider erases its own fields (live rows and history rows). Before anything is
touched, each provider says what must wait (an open order, a cooling-off period not yet over);
an open legal hold or dispute also stops it. Then nothing is changed and the refusal says until when.
"""

import hashlib
import hmac

from django.conf import settings

from consents import errors
from consents.models import ErasedIdentity, LegalHold
from consents.schedule import retention_months_all
from customers.models import Customer
from mint_shop import clock
from mint_shop.actors import Actor
from mint_shop.errors import RuleViolation
from mint_shop.personal_data import Note, Wait, actor_strings_scrub, providers


def email_hash(email: str) -> str:
    normalised = email.strip().casefold()
    return hmac.new(settings.MINT_ERASURE_HASH_KEY.encode(), normalised.encode(), hashlib.sha256).hexdigest()


def email_was_erased(email: str) -> bool:
    """D7: an erased person is never matched again; a new record with this email starts afresh."""
    return ErasedIdentity.objects.filter(email_hash=email_hash(email)).exists()


def erasure_waits(*, customer_id: int, include_keep_requests: bool = False) -> list[Wait]:
    """What stops erasing this customer today (D7). A customer's own "keep my data" stops only retention."""
    today = clock.today()
    waits = [wait for provider in providers() for wait in provider.waits(customer_id, today=today)]
    holds = LegalHold.objects.filter(customer_id=customer_id, lifted_at__isnull=True)
    if not include_keep_requests:
        holds = holds.exclude(kind=LegalHold.Kind.CUSTOMER_ASKED_TO_KEEP)
    waits += [Wait(record=f"consents.LegalHold {hold.pk}", reason=hold.get_kind_display()) for hold in holds]
    return waits


def erase_locked(*, customer: Customer, actor: Actor) -> list[Note]:
    """Inside the caller's transaction, the customer row locked: erase through every provider, or refuse."""
    waits = erasure_waits(customer_id=customer.pk)
    if waits:
        said = "; ".join(
            f"{wait.record}: {wait.reason}" + (f" (until {wait.until.isoformat()})" if wait.until else "")
            for wait in waits
        )
        raise RuleViolation(errors.ERASURE_MUST_WAIT, f"Erasure must wait: {said}. Nothing was changed.")
    if customer.email:
        ErasedIdentity.objects.get_or_create(email_hash=email_hash(customer.email),
                                             defaults={"erased_at": clock.now()})
    today, keep_months = clock.today(), retention_months_all()
    username = customer.user.username if customer.user_id else ""
    notes: list[Note] = []
    for provider in providers():
        notes += provider.erase(customer.pk, actor=actor, today=today, keep_months=keep_months)
        if username:
            actor_strings_scrub(provider, username=username, replacement=f"erased-{customer.pk}")
    return notes
