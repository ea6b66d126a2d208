"""Writes for customers: one public function per use case, keyword-only arguments, one transaction."""
