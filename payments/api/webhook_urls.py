"""Webhooks from outside providers: no login, each verifies its own signature."""

from django.urls import path

from payments.api.views import StripeWebhookView

urlpatterns = [
    path("stripe/", StripeWebhookView.as_view(), name="stripe-webhook"),
]
