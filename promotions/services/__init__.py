"""Writes for promotions: one public function per use case, keyword-only arguments, one transaction."""

from promotions.services.applying import (
    PricedLine,
    PromotionRequest,
    Promotions,
    promotions_apply,
    promotions_redeem,
)
from promotions.services.codes import promo_code_withdraw
from promotions.services.referrals import (
    referral_claim,
    referral_clawback_resolve,
    referral_clawbacks_flag,
    referral_join,
    referral_refuse,
    referral_rewards_earn_due,
    reward_refuse,
)

__all__ = [
    "PricedLine",
    "PromotionRequest",
    "Promotions",
    "promo_code_withdraw",
    "promotions_apply",
    "promotions_redeem",
    "referral_claim",
    "referral_clawback_resolve",
    "referral_clawbacks_flag",
    "referral_join",
    "referral_refuse",
    "referral_rewards_earn_due",
    "reward_refuse",
]
