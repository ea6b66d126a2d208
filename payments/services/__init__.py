"""Writes for payments, one module per area: card, refunds, ledger, receipts (cheques and
transfers), instalments, finance applications, reconciliation, webhooks.

Each public function is one use case: keyword-only arguments, `actor=`, one transaction.
Every transaction that locks an order's payment rows locks the order first, in the order
written in `payments/locks.py`, so none of them can deadlock another.
"""
