"""Writes for payments: one public function per use case, keyword-only arguments, one transaction."""
