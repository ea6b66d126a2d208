"""Staff screens for promotions arrive with the issue that builds it."""
