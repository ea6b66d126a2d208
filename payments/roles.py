"""Which of payments' permissions each staff role holds (collected by mint_shop/roles.py)."""

ROLE_PERMISSIONS: dict[str, list[str]] = {
    "finance": [
        "payments.view_ledgerentry",
        "payments.reconcile_ledger",
        "payments.grant_refund",
    ],
}
