"""`/api/docs/` works without the internet: Swagger UI comes from this project (drf-spectacular-sidecar)."""

import re

import pytest
from django.contrib.staticfiles import finders
from django.test import Client

pytestmark = pytest.mark.django_db


def test_the_api_docs_load_every_script_and_style_from_the_project_never_a_cdn():
    page = Client().get("/api/docs/")
    assert page.status_code == 200
    html = page.content.decode()
    assets = re.findall(r'(?:src|href)="([^"]+)"', html)
    assert any(asset.endswith("swagger-ui-bundle.js") for asset in assets)
    for asset in assets:
        assert asset.startswith("/static/"), asset
        assert finders.find(asset.removeprefix("/static/")), asset


def test_the_docs_offer_the_mint_api_and_the_sign_in_api_and_both_documents_are_served():
    script = Client().get("/api/docs/").content.decode()
    assert "/_allauth/openapi.json" in script and "/api/schema/" in script
    assert Client().get("/api/schema/").status_code == 200
    sign_in = Client().get("/_allauth/openapi.json")
    assert sign_in.status_code == 200
    assert any("/auth/login" in path for path in sign_in.json()["paths"])
