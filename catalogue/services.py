"""Writes for catalogue: one public function per use case, keyword-only arguments, one transaction."""
