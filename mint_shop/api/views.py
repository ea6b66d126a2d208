from django.conf import settings
from django.core.exceptions import RequestDataTooBig
from django.db import connection
from django.http import JsonResponse
from django.views import defaults
from drf_spectacular.utils import extend_schema
from rest_framework.decorators import api_view, permission_classes
from rest_framework.permissions import AllowAny
from rest_framework.response import Response
from rest_framework.reverse import reverse

from mint_shop.celery import app as celery_app


@extend_schema(exclude=True)
@api_view(["GET"])
@permission_classes([AllowAny])
def api_root(request, format=None):
    return Response(
        {
            "me": reverse("customers:me", request=request, format=format),
            "products": reverse("catalogue:product-list", request=request, format=format),
            "staff_outbox": reverse("notifications:staff-message-list", request=request, format=format),
            "schema": reverse("schema", request=request, format=format),
            "docs": reverse("docs", request=request, format=format),
        }
    )


def _database_ok() -> bool:
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
        return True
    except Exception:
        return False


def _broker_ok() -> bool:
    try:
        with celery_app.connection_for_write() as conn:
            conn.ensure_connection(max_retries=1, timeout=2)
        return True
    except Exception:
        return False


def healthz(request):
    """Liveness for the load balancer: the database and the broker, each ok or down."""
    checks = {"database": _database_ok(), "broker": _broker_ok()}
    # Only ok or down: the answer is public, so it names no host, port or credential of the database or broker.
    body = {name: "ok" if ok else "down" for name, ok in checks.items()}
    return JsonResponse(body, status=200 if all(checks.values()) else 503)


# Paths answered in the API's error shape even when Django itself refuses the request.
_API_PATHS = ("/api/", "/webhooks/", "/_allauth/")


def bad_request(request, exception):
    """Django's handler400: a body over DATA_UPLOAD_MAX_MEMORY_SIZE (or another request Django cannot
    read) reaches an API client as {"code", "rule", "detail"}, not an HTML page."""
    if not request.path.startswith(_API_PATHS):
        return defaults.bad_request(request, exception)
    if isinstance(exception, RequestDataTooBig):
        detail = f"The request body is over {settings.DATA_UPLOAD_MAX_MEMORY_SIZE} bytes."
        return JsonResponse({"code": "request_too_large", "rule": "input", "detail": detail}, status=413)
    return JsonResponse({"code": "malformed_request", "rule": "input", "detail": "The request cannot be read."},
                        status=400)


def not_found(request, exception):
    """Django's handler404 (DEBUG off): a URL no route matches (`/api/v1/orders/abc/`) reaches an
    API client as {"code", "rule", "detail"}, not an HTML page."""
    if not request.path.startswith(_API_PATHS):
        return defaults.page_not_found(request, exception)
    return JsonResponse({"code": "not_found", "rule": "access", "detail": "Not found."}, status=404)
