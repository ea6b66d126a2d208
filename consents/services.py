"""Writes for consents: one public function per use case, keyword-only arguments, one transaction."""
