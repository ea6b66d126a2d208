"""The release step and the logs of a production host (issue 14, "Running it for real").

The processes themselves are started, together, in tests/deploy/test_production_smoke.py.
"""

import json
import logging
import uuid

import pytest
from django.contrib.auth.models import Group
from django.core.management import call_command
from rest_framework.test import APIClient

from mint_shop.celery import app as celery_app
from mint_shop.logs import MintJsonFormatter
from mint_shop.roles import role_permissions


def _held(group: Group) -> set[str]:
    return {f"{p.content_type.app_label}.{p.codename}" for p in group.permissions.select_related("content_type")}


@pytest.mark.django_db
def test_release_migrates_and_puts_each_role_group_back_in_step_with_roles_py(settings, tmp_path):
    settings.STATIC_ROOT = tmp_path / "static"
    Group.objects.get(name="finance").permissions.clear()  # a role changed in roles.py without a migration
    Group.objects.filter(name="marketing").delete()

    call_command("release", verbosity=0)

    for role, names in role_permissions().items():
        assert _held(Group.objects.get(name=role)) == set(names), role
    assert (tmp_path / "static" / "admin" / "css" / "base.css").exists()  # what whitenoise serves


def test_a_request_answers_the_request_id_it_was_given_and_makes_one_when_none_was():
    client = APIClient()
    given = uuid.uuid4().hex
    assert client.get("/api/v1/", HTTP_X_REQUEST_ID=given)["X-Request-ID"] == given
    made = client.get("/api/v1/")["X-Request-ID"]
    assert uuid.UUID(made)
    # Anything but a UUID is replaced, so a forged id cannot put odd text into the logs.
    forged = client.get("/api/v1/", HTTP_X_REQUEST_ID='x" "level": "CRITICAL')["X-Request-ID"]
    assert uuid.UUID(forged)


def test_a_gunicorn_access_line_is_one_json_object_with_the_request_and_its_id():
    atoms = {"m": "POST", "U": "/api/v1/orders/", "s": "201", "M": 153, "h": "10.0.0.7", "{x-request-id}o": "abc123"}
    record = logging.LogRecord("gunicorn.access", logging.INFO, __file__, 1, "%(m)s %(U)s %(s)s", (atoms,), None)

    line = json.loads(MintJsonFormatter().format(record))

    assert line["message"] == "POST /api/v1/orders/ 201"
    assert {key: line[key] for key in ("logger", "method", "path", "status", "duration_ms", "request_id")} == {
        "logger": "gunicorn.access", "method": "POST", "path": "/api/v1/orders/", "status": 201,
        "duration_ms": 153, "request_id": "abc123",
    }


@pytest.mark.django_db
def test_healthz_answers_503_naming_the_broker_when_it_cannot_be_reached():
    saved = celery_app.conf.broker_url
    celery_app.conf.broker_url = "redis://127.0.0.1:1/0"  # nothing listens on port 1
    try:
        response = APIClient().get("/healthz")
    finally:
        celery_app.conf.broker_url = saved
    assert response.status_code == 503
    assert (response.json()["database"], response.json()["broker"]) == ("ok", "down")


@pytest.mark.django_db
def test_healthz_tells_the_load_balancer_ok_or_down_and_names_no_host_or_secret(settings):
    saved = celery_app.conf.broker_url
    # A Redis URL may carry its password in the query string as well as before the host.
    celery_app.conf.broker_url = "redis://cache-7.internal.mint:1/0?password=s3cret-broker-pass"
    try:
        response = APIClient().get("/healthz")
    finally:
        celery_app.conf.broker_url = saved
    assert response.status_code == 503
    assert response.json() == {"database": "ok", "broker": "down"}
    assert b"internal.mint" not in response.content and b"s3cret" not in response.content


def test_a_forged_request_id_is_not_copied_into_the_logs(caplog):
    forged = "forged" + "A" * 6000  # letters only, up to what a proxy lets through in one header
    caplog.set_level(logging.DEBUG, logger="django.request")
    response = APIClient().get("/api/v1/", HTTP_X_REQUEST_ID=forged)
    assert uuid.UUID(response["X-Request-ID"])
    assert not [record for record in caplog.records if "forgedAAAA" in record.getMessage()]
