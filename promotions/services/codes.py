"""X1: staff withdraw a promo code at any time (T&C 8.2(b)); the next order using it is refused."""

from django.db import transaction

from mint_shop import clock
from mint_shop.actors import Actor
from mint_shop.errors import RuleViolation
from promotions import errors
from promotions.models import PromoCode


def promo_code_withdraw(*, code_id: int, reason: str, actor: Actor) -> PromoCode:
    if not reason.strip():
        raise RuleViolation(errors.WITHDRAW_REASON_MISSING, "Say why the code is withdrawn.")
    with transaction.atomic(durable=True):
        code = PromoCode.objects.select_for_update().get(pk=code_id)
        if code.withdrawn_at is not None:
            raise RuleViolation(errors.ALREADY_WITHDRAWN, f"{code.code} was withdrawn on {code.withdrawn_at:%d %B %Y}.")
        code.withdrawn_at = clock.now()
        code.withdrawn_reason = f"{reason.strip()} ({actor.describe()})"
        code.save(update_fields=["withdrawn_at", "withdrawn_reason"])
    return code
