from allauth.headless.constants import Client
from django.contrib import admin
from django.urls import include, path
from drf_spectacular.views import SpectacularAPIView, SpectacularSwaggerView

from customers.account_adapter import ClosedSignupView
from mint_shop.api.views import api_root, bad_request, healthz, not_found

admin.site.site_header = "Mint back office"
admin.site.site_title = "Mint back office"

api_v1 = [
    path("", api_root, name="api-root"),
    path("", include("customers.api.urls")),
    path("", include("catalogue.api.urls")),
    path("", include("consents.api.urls")),
    path("", include("notifications.api.urls")),
    path("", include("promotions.api.urls")),
    path("", include("orders.api.urls")),
    path("", include("payments.api.urls")),
    path("", include("cancellations.api.urls")),
]

webhooks = [
    path("", include("customers.api.webhook_urls")),
    path("", include("payments.api.webhook_urls")),
]

handler400 = bad_request
handler404 = not_found

urlpatterns = [
    path("admin/", admin.site.urls),
    path("api/v1/", include(api_v1)),
    # Customers sign in: allauth's headless API (browser session or app token) and its own
    # pages, where the emailed password-reset and confirmation links land. Sign-up is the mint's
    # own (/api/v1/register/): allauth's answers every caller alike, before reading the form.
    *(path(f"_allauth/{client.value}/v1/auth/signup", ClosedSignupView.as_api_view(client=client))
      for client in (Client.BROWSER, Client.APP)),
    path("_allauth/", include("allauth.headless.urls")),
    path("accounts/", include("allauth.urls")),
    path("webhooks/", include(webhooks)),
    path("api/schema/", SpectacularAPIView.as_view(), name="schema"),
    path("api/docs/", SpectacularSwaggerView.as_view(url_name="schema"), name="docs"),
    path("healthz", healthz, name="healthz"),
]
