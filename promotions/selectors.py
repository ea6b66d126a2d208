"""Reads for promotions, shaped for their callers."""
