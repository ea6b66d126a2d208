"""Webhooks from outside providers: no login, each verifies its own signature.

The inbound-SMS webhook turns STOP into an opt-out, which is consents' business; consents
sits above customers, so its routes are included by name rather than imported (D2).
"""

from django.urls import include, path

urlpatterns: list = [
    path("sms/", include("consents.api.webhook_urls")),
]
