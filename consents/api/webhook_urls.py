"""Included under /webhooks/sms/ by customers/api/webhook_urls.py."""

from django.urls import path

from consents.api import views

urlpatterns = [
    path("inbound/", views.InboundSmsWebhookView.as_view(), name="sms-inbound"),
]
