"""Throttles on the costly and sensitive writes and on forged webhooks (issue 14); the rates are settings
(MINT_THROTTLE_*)."""

from rest_framework.exceptions import Throttled
from rest_framework.throttling import ScopedRateThrottle, SimpleRateThrottle

from mint_shop.errors import Rule, RuleViolation


class WriteRateThrottle(ScopedRateThrottle):
    """The view's `throttle_scope`, counted on writes only: reading one's own orders is never throttled.
    Counted per user when signed in, else per address (DRF's ScopedRateThrottle)."""

    def allow_request(self, request, view):
        if request.method in ("GET", "HEAD", "OPTIONS"):
            return True
        return super().allow_request(request, view)


class WebhookFailureThrottle(SimpleRateThrottle):
    """Webhook requests whose signature failed, counted per client address (DRF's `get_ident`, which
    honours NUM_PROXIES) at the `webhook_failures` rate."""

    scope = "webhook_failures"

    def get_cache_key(self, request, view):
        return self.cache_format % {"scope": self.scope, "ident": self.get_ident(request)}


class ThrottledSignatureFailures:
    """For webhook views (issue 14): each refusal for a bad signature counts against the caller's
    address, and past the rate the refusal becomes a 429 `throttled`. A well-signed request is never
    counted nor refused, so a provider is not shut out by someone forging from elsewhere."""

    signature_failures: tuple[Rule, ...] = ()

    def handle_exception(self, exc):
        if isinstance(exc, RuleViolation) and exc.rule in self.signature_failures:
            throttle = WebhookFailureThrottle()
            if not throttle.allow_request(self.request, self):
                exc = Throttled(wait=throttle.wait())
        return super().handle_exception(exc)
