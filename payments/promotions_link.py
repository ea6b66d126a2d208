"""What payments tell promotions (promotions/registry.py): the cards a customer has paid with (X3)."""

from payments.models import Authorisation
from promotions import registry


def card_fingerprints(*, customer_id: int) -> set[str]:
    return set(
        Authorisation.objects.filter(order_payment__order__customer_id=customer_id)
        .exclude(card_fingerprint="")
        .values_list("card_fingerprint", flat=True)
    )


def register() -> None:
    registry.register(registry.CARD_FINGERPRINTS, card_fingerprints)
