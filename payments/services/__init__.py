"""Writes for payments, one module per area: card, refunds, ledger, receipts (cheques and
transfers), instalments, finance applications, reconciliation, webhooks.

Each public function is one use case: keyword-only arguments, `actor=`, one transaction.
"""
