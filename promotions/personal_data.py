"""Promotions' `personal_data` provider (D6, D7): who referred whom, rewards, why one was refused, clawback notes.

Referrals, rewards and redemptions keep their amounts (they are discounts on orders kept for
HMRC); only the free text about the person goes.
"""

from django.db.models import Q

from mint_shop.personal_data import Note, Provider, label, register, rows, scrub
from promotions.models import Redemption, Referral, Reward


def export(customer_id: int) -> dict[str, list[dict]]:
    return {
        "referrals": rows(Referral.objects.filter(Q(referrer_id=customer_id) | Q(friend_id=customer_id)),
                          ("referrer_id", "friend_id", "status", "refused_reason", "clawback_note")),
        "rewards": rows(Reward.objects.filter(customer_id=customer_id),
                        ("code", "amount_pence", "status", "refused_reason")),
        "redemptions": rows(Redemption.objects.filter(customer_id=customer_id), ("discount_pence",)),
    }


def erase(customer_id: int, *, actor, today, keep_months) -> list[Note]:
    referrals = list(Referral.objects.filter(Q(referrer_id=customer_id) | Q(friend_id=customer_id))
                     .values_list("pk", flat=True))
    scrub(Referral, referrals, {"refused_reason": "", "clawback_note": ""})  # staff notes may name either party
    scrub(Reward, Reward.objects.filter(customer_id=customer_id).values_list("pk", flat=True), {"refused_reason": ""})
    return [Note(label(Referral, pk), "kept", "amounts of discounts on orders (HMRC); reasons erased")
            for pk in referrals]


def provider_register() -> None:
    register(Provider(app="promotions", models=(Referral, Reward, Redemption), export=export, erase=erase))
