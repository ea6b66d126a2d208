"""Reads for orders, shaped for their callers."""
