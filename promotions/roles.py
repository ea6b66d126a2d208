"""Which of promotions' permissions each staff role holds (collected by mint_shop/roles.py)."""

ROLE_PERMISSIONS: dict[str, list[str]] = {
    # X1–X3: marketing manage codes and the scheme, see redemptions, refuse rewards, resolve clawbacks.
    "marketing": [
        "promotions.view_promocode",
        "promotions.add_promocode",
        "promotions.change_promocode",
        "promotions.withdraw_promocode",
        "promotions.view_redemption",
        "promotions.view_referralscheme",
        "promotions.change_referralscheme",
        "promotions.view_referralinvitation",
        "promotions.view_referral",
        "promotions.refuse_referral",
        "promotions.resolve_clawback",
        "promotions.view_reward",
        "catalogue.view_range",
        "catalogue.view_product",
    ],
    # Finance sees the money the mint gives away (M9 reconciliation) and the clawbacks.
    "finance": ["promotions.view_redemption", "promotions.view_reward", "promotions.view_referral"],
    "customer_service": ["promotions.view_promocode", "promotions.view_reward", "promotions.view_referral"],
}
