"""Which of payments' permissions each staff role holds (collected by mint_shop/roles.py).

Finance takes, returns and reconciles money. Customer service opens the post, so it may record
a cheque as received (and see how an order is being paid); the warehouse may charge the saved
card for lines it is about to despatch; banking, clearing and bouncing a
cheque, transfers, refunds, plans and the ledger stay with finance.
"""

ROLE_PERMISSIONS: dict[str, list[str]] = {
    "finance": [
        "payments.view_ledgerentry",
        "payments.reconcile_ledger",
        "payments.grant_refund",
        "payments.view_refund",
        "payments.view_statementline",
        "payments.view_stripeevent",  # M10: events Stripe contradicted, disputes, failed refunds
        "payments.view_orderpayment",
        "payments.resolve_held_payment",
        "payments.capture_payment",
        "payments.charge_for_despatch",
        "payments.view_cheque",
        "payments.add_cheque",
        "payments.change_cheque",
        "payments.view_bankreceipt",
        "payments.add_bankreceipt",
        "payments.view_instalmentplan",
        "payments.decide_instalment_plan",
        "payments.view_financeapplication",
        "payments.manage_finance_application",
    ],
    # The warehouse charges the saved card itself when a despatch is refused for want of payment (M3, M4).
    "warehouse": ["payments.charge_for_despatch"],
    # Customer service answers "where is my refund?"; compliance reads refunds of orders it cancelled (C5).
    "compliance": ["payments.view_refund"],
    "customer_service": [
        "payments.view_refund",
        "payments.view_orderpayment",
        "payments.view_cheque",
        "payments.add_cheque",
        "payments.view_instalmentplan",
    ],
}
