"""Webhooks from outside providers: no login, each verifies its own signature."""

urlpatterns: list = []
