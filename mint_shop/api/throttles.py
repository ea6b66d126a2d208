"""Throttles on the costly and sensitive writes (issue 14); the rates are settings (MINT_THROTTLE_*)."""

from rest_framework.throttling import ScopedRateThrottle


class WriteRateThrottle(ScopedRateThrottle):
    """The view's `throttle_scope`, counted on writes only: reading one's own orders is never throttled.
    Counted per user when signed in, else per address (DRF's ScopedRateThrottle)."""

    def allow_request(self, request, view):
        if request.method in ("GET", "HEAD", "OPTIONS"):
            return True
        return super().allow_request(request, view)
