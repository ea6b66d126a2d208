"""Writes for orders: one public function per use case, keyword-only arguments, one transaction."""
