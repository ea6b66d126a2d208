import pytest
from django.urls import path
from rest_framework.decorators import api_view, permission_classes
from rest_framework.permissions import AllowAny
from rest_framework.test import APIClient

from mint_shop.errors import Rule, RuleViolation

SOME_RULE = Rule("cooling_off_expired", "R1", 409)


@api_view(["POST"])
@permission_classes([AllowAny])
def _breaks_a_rule(request):
    raise RuleViolation(SOME_RULE, "The 14 days ended yesterday.")


urlpatterns = [path("broken/", _breaks_a_rule)]


@pytest.mark.urls("tests.mint_shop.test_api_skeleton")
def test_a_broken_rule_leaves_the_api_as_code_rule_detail():
    response = APIClient().post("/broken/")
    assert response.status_code == 409
    assert response.json() == {"code": "cooling_off_expired", "rule": "R1", "detail": "The 14 days ended yesterday."}


@pytest.mark.django_db
def test_an_anonymous_request_to_a_customer_endpoint_is_refused_in_the_same_shape():
    response = APIClient().get("/api/v1/me/")
    assert response.status_code in (401, 403)
    assert response.json()["code"] == "not_authenticated"
    assert set(response.json()) == {"code", "rule", "detail"}


@pytest.mark.django_db
def test_api_root_schema_and_docs_are_served():
    client = APIClient()
    assert client.get("/api/v1/").status_code == 200
    schema = client.get("/api/schema/")
    assert schema.status_code == 200
    assert b"/api/v1/staff/outbox/" in schema.content
    assert client.get("/api/docs/").status_code == 200


@pytest.mark.django_db
def test_healthz_reports_database_and_broker():
    response = APIClient().get("/healthz")
    body = response.json()
    assert body["database"] == "ok"
    assert body["broker"] in ("ok", "down")
    assert response.status_code == (200 if body["broker"] == "ok" else 503)


@pytest.mark.django_db
def test_a_customer_sees_only_their_own_record():
    from tests.factories import CustomerFactory

    me, other = CustomerFactory(), CustomerFactory()
    client = APIClient()
    client.force_authenticate(me.user)
    body = client.get("/api/v1/me/").json()
    assert body["id"] == me.id
    assert body["email"] != other.email


@pytest.mark.django_db
def test_token_authentication_works_for_customers():
    from rest_framework.authtoken.models import Token

    from tests.factories import CustomerFactory

    customer = CustomerFactory()
    token = Token.objects.create(user=customer.user)
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Token {token.key}")
    assert client.get("/api/v1/me/").json()["id"] == customer.id
