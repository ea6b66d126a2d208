"""Staff screens for consents arrive with the issue that builds it."""
