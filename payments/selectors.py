"""Reads for payments, shaped for their callers."""
