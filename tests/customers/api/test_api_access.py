"""Issue 14: API tokens end after their lifetime, and customers and staff can revoke them, recorded.

Both kinds of token the API takes are covered: DRF's `Authorization: Token …` (issued by an
administrator) and allauth's app session token (`X-Session-Token`, from signing in).
"""

import datetime as dt
import re

import pytest
import time_machine
from django.test import Client
from rest_framework.authtoken.models import Token
from rest_framework.test import APIClient

from customers.models import ApiAccessRevocation, Customer
from mint_shop.actors import ActorKind
from mint_shop.api.authentication import ExpiringTokenAuthentication
from tests.customers.api import test_signin
from tests.customers.api.test_signin import APP, sign_in
from tests.factories import CustomerFactory

pytestmark = pytest.mark.django_db
customer = test_signin.customer  # a registered customer who signs in with the password
fresh_rate_limits = test_signin.fresh_rate_limits

START = dt.datetime(2026, 11, 23, 9, 0, tzinfo=dt.UTC)


def _token_client(key: str) -> APIClient:
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Token {key}")
    return client


def _app_token() -> str:
    response = sign_in(Client(), base=APP)
    assert response.status_code == 200, response.json()
    return response.json()["meta"]["session_token"]


def _refused_as_expired(response) -> bool:
    return response.status_code == 401 and response.json() == {
        "code": "token_expired", "rule": "access", "detail": response.json()["detail"],
    }


def test_api_token_expires_after_its_lifetime(settings):
    lifetime = dt.timedelta(hours=settings.MINT_API_TOKEN_LIFETIME_HOURS)
    me = CustomerFactory()
    with time_machine.travel(START, tick=False) as clock:
        token = Token.objects.create(user=me.user)
        clock.move_to(START + lifetime - dt.timedelta(minutes=1))
        assert _token_client(token.key).get("/api/v1/me/").json()["id"] == me.pk
        clock.move_to(START + lifetime + dt.timedelta(minutes=1))
        expired = _token_client(token.key).get("/api/v1/me/")
    assert _refused_as_expired(expired)
    assert expired["WWW-Authenticate"] == "Token"


def test_app_session_token_expires_after_its_lifetime_however_often_it_is_used(customer, settings):
    lifetime = dt.timedelta(hours=settings.MINT_API_TOKEN_LIFETIME_HOURS)
    assert lifetime > dt.timedelta(hours=settings.MINT_SESSION_IDLE_HOURS)  # not the idle limit of sessions
    with time_machine.travel(START, tick=False) as clock:
        token = _app_token()
        client = Client(headers={"X-Session-Token": token})
        clock.move_to(START + lifetime - dt.timedelta(minutes=1))
        assert client.get("/api/v1/me/").json()["id"] == customer["id"]
        clock.move_to(START + lifetime + dt.timedelta(minutes=1))
        assert _refused_as_expired(client.get("/api/v1/me/"))


def test_a_request_without_credentials_is_a_401_in_the_error_shape():
    response = APIClient().get("/api/v1/me/")
    assert (response.status_code, response.json()["code"], response["WWW-Authenticate"]) == (
        401, "not_authenticated", "Token",
    )


def test_a_customer_revokes_all_their_tokens_and_the_revocation_is_recorded(customer):
    user = Customer.objects.get(pk=customer["id"]).user
    key = Token.objects.create(user=user).key
    app_token = _app_token()
    other = Token.objects.create(user=CustomerFactory().user).key

    assert Client(headers={"X-Session-Token": app_token}).delete("/api/v1/me/api-access/").status_code == 204

    assert _refused_as_expired(Client(headers={"X-Session-Token": app_token}).get("/api/v1/me/"))
    assert _token_client(key).get("/api/v1/me/").status_code == 401
    assert _token_client(other).get("/api/v1/me/").status_code == 200  # another customer's token is untouched
    revocation = ApiAccessRevocation.objects.get()
    assert (revocation.user, revocation.revoked_by, revocation.revoked_by_kind) == (user, user, ActorKind.CUSTOMER)
    assert (revocation.tokens_ended, revocation.sessions_ended) == (1, 1)


def test_customer_service_revokes_a_customers_tokens_and_who_did_it_is_recorded(customer, staff_user):
    user = Customer.objects.get(pk=customer["id"]).user
    key = Token.objects.create(user=user).key
    app_token = _app_token()
    agent = staff_user("customer_service")
    staff = APIClient()
    staff.force_authenticate(agent)

    response = staff.post(f"/api/v1/staff/customers/{customer['id']}/revoke-api-access/", {"reason": "Lost phone"})

    assert response.status_code == 201, response.json()
    assert _token_client(key).get("/api/v1/me/").status_code == 401
    assert Client(headers={"X-Session-Token": app_token}).get("/api/v1/me/").status_code == 401
    revocation = ApiAccessRevocation.objects.get()
    assert (revocation.revoked_by, revocation.revoked_by_kind, revocation.reason) == (
        agent, ActorKind.STAFF, "Lost phone",
    )


def test_staff_cannot_revoke_api_access_of_a_customer_without_a_login(staff_user):
    keyed = CustomerFactory(user=None)
    staff = APIClient()
    staff.force_authenticate(staff_user("customer_service"))
    response = staff.post(f"/api/v1/staff/customers/{keyed.pk}/revoke-api-access/", {})
    assert (response.status_code, response.json()["code"]) == (409, "customer_has_no_login")
    assert not ApiAccessRevocation.objects.exists()


def test_the_token_admins_revoke_action_ends_the_tokens_and_records_the_superuser(django_user_model):
    from customers.services import staff_totp_enrol
    from mint_shop.actors import Actor

    admin_user = django_user_model.objects.create_superuser(username="root", password="x", email="root@mint.example")
    admin_user.otp_device = staff_totp_enrol(user_id=admin_user.pk, actor=Actor.system())
    owner = CustomerFactory().user
    token = Token.objects.create(user=owner)
    client = Client()
    client.force_login(admin_user)

    response = client.post("/admin/authtoken/tokenproxy/", {"action": "revoke", "_selected_action": [token.pk]})

    assert response.status_code == 302
    assert not Token.objects.filter(user=owner).exists()
    assert ApiAccessRevocation.objects.get().revoked_by == admin_user


def test_a_browser_session_reauthenticated_through_the_app_api_keeps_its_idle_limit(customer, settings):
    """Only an app sign-in gives a session the token lifetime: a browser session's key sent as
    X-Session-Token to a request that changes the session (reauthenticate) must not become a week-long session."""
    idle = dt.timedelta(hours=settings.MINT_SESSION_IDLE_HOURS)
    with time_machine.travel(START, tick=False) as clock:
        browser = Client()
        assert sign_in(browser).status_code == 200
        as_app = Client(headers={"X-Session-Token": browser.cookies["sessionid"].value})
        response = as_app.post(f"{APP}/auth/reauthenticate", {"password": test_signin.PASSWORD},
                               content_type="application/json")
        assert response.status_code == 200, response.json()
        clock.move_to(START + idle + dt.timedelta(minutes=1))
        assert browser.get("/api/v1/me/").status_code == 401
        assert _refused_as_expired(as_app.get("/api/v1/me/"))


def test_a_staff_session_rekeyed_through_the_app_api_keeps_its_idle_limit(staff_user, settings):
    """A member of staff's admin session sent as X-Session-Token to allauth's password change comes back
    under a new key: it must still end after a working day idle, not live the token lifetime."""
    idle = dt.timedelta(hours=settings.MINT_SESSION_IDLE_HOURS)
    with time_machine.travel(START, tick=False) as clock:
        agent = staff_user("warehouse")
        agent.set_password("an-old-long-password")
        agent.save()
        admin = Client()
        admin.force_login(agent)
        response = Client(headers={"X-Session-Token": admin.cookies["sessionid"].value}).post(
            f"{APP}/account/password/change",
            {"current_password": "an-old-long-password", "new_password": "a-new-long-password-2"},
            content_type="application/json",
        )
        assert response.status_code == 200, response.json()
        rekeyed = response.json()["meta"]["session_token"]
        clock.move_to(START + idle + dt.timedelta(minutes=1))
        admin.cookies["sessionid"] = rekeyed
        assert admin.get("/admin/").status_code == 302
        assert _refused_as_expired(Client(headers={"X-Session-Token": rekeyed}).get("/api/v1/staff/orders/"))


def _superuser(django_user_model):
    from customers.services import staff_totp_enrol
    from mint_shop.actors import Actor

    admin_user = django_user_model.objects.create_superuser(username="root", password="x", email="root@mint.example")
    admin_user.otp_device = staff_totp_enrol(user_id=admin_user.pk, actor=Actor.system())
    return admin_user


def _changelist_boxes(client) -> list[str]:
    """The values the Token admin's list page gives its checkboxes (TokenProxy's pk is its user's id)."""
    page = client.get("/admin/authtoken/tokenproxy/").content.decode()
    return re.findall(r'name="_selected_action" value="([^"]+)"', page)


def test_revoking_a_token_ticked_on_the_token_admins_list_ends_it_recorded(django_user_model, customer):
    """Ticking a token on the Token admin's list page and choosing "Revoke" ends it through the revocation
    service: the customer's sessions end too and who did it is recorded. (The boxes carry the user's id,
    so a filter by the token's key matched nothing.)"""
    admin_user = _superuser(django_user_model)
    owner = Customer.objects.get(pk=customer["id"]).user
    Token.objects.create(user=owner)
    app_token = _app_token()
    client = Client()
    client.force_login(admin_user)

    response = client.post("/admin/authtoken/tokenproxy/",
                           {"action": "revoke", "_selected_action": _changelist_boxes(client)})

    assert response.status_code == 302
    assert not Token.objects.filter(user=owner).exists()
    assert _refused_as_expired(Client(headers={"X-Session-Token": app_token}).get("/api/v1/me/"))
    revocation = ApiAccessRevocation.objects.get()
    assert (revocation.user, revocation.revoked_by, revocation.tokens_ended, revocation.sessions_ended) == (
        owner, admin_user, 1, 1,
    )


@pytest.mark.parametrize("how", ["delete page", "delete_selected action"])
def test_the_token_admin_does_not_delete_a_token_unrecorded(django_user_model, how):
    """Django's own deletion (the delete page, "Delete selected") would skip the revocation service: refused."""
    admin_user = _superuser(django_user_model)
    owner = CustomerFactory().user
    Token.objects.create(user=owner)
    client = Client()
    client.force_login(admin_user)

    if how == "delete page":
        response = client.post(f"/admin/authtoken/tokenproxy/{owner.pk}/delete/", {"post": "yes"})
        assert response.status_code == 403
    else:
        client.post("/admin/authtoken/tokenproxy/",
                    {"action": "delete_selected", "_selected_action": _changelist_boxes(client), "post": "yes"})
    assert Token.objects.filter(user=owner).exists() and not ApiAccessRevocation.objects.exists()


def test_api_token_check_reads_token_user_and_customer_in_one_statement(django_assert_num_queries, django_user_model):
    """Issue 15: customer endpoints ask for `user.customer` after the token check; it is read with it."""
    me = CustomerFactory()
    key = Token.objects.create(user=me.user).key
    staff_key = Token.objects.create(user=django_user_model.objects.create_user(username="no-customer")).key
    with django_assert_num_queries(1):
        user, _ = ExpiringTokenAuthentication().authenticate_credentials(key)
        assert user.customer.pk == me.pk
    with django_assert_num_queries(1):
        staff, _ = ExpiringTokenAuthentication().authenticate_credentials(staff_key)
        assert not hasattr(staff, "customer")


def test_api_token_check_builds_the_token_user_and_customer_the_orm_builds(django_user_model):
    """The check is SQL written by hand (issue 15): what it builds is what a queryset builds, and is linked
    as select_related links it (`token.user`, `user.customer`, `customer.user`, `user.auth_token`)."""
    me = CustomerFactory(phone="+442079460000", restricted_at=START)
    token = Token.objects.create(user=me.user)
    user, got = ExpiringTokenAuthentication().authenticate_credentials(token.key)
    expected = [(Token.objects.get(pk=token.pk), got), (django_user_model.objects.get(pk=me.user_id), user),
                (Customer.objects.get(pk=me.pk), user.customer)]
    for orm, built in expected:
        assert type(built) is type(orm)
        for field in type(orm)._meta.concrete_fields:
            assert getattr(built, field.attname) == getattr(orm, field.attname), field.name
            assert type(getattr(built, field.attname)) is type(getattr(orm, field.attname)), field.name
    assert got.user is user and user.customer.user is user and user.auth_token is got


@pytest.mark.parametrize("ended", ["unknown", "revoked"])
def test_an_unknown_or_revoked_api_token_is_refused_as_invalid(customer, ended):
    user = Customer.objects.get(pk=customer["id"]).user
    key = Token.objects.create(user=user).key if ended == "revoked" else "0" * 40
    if ended == "revoked":
        assert Client(headers={"X-Session-Token": _app_token()}).delete("/api/v1/me/api-access/").status_code == 204
    response = _token_client(key).get("/api/v1/me/")
    assert (response.status_code, response.json()["code"], response.json()["detail"]) == (
        401, "authentication_failed", "Invalid token.",
    )


def test_api_token_of_an_inactive_user_is_refused():
    me = CustomerFactory()
    key = Token.objects.create(user=me.user).key
    me.user.is_active = False
    me.user.save(update_fields=["is_active"])
    response = _token_client(key).get("/api/v1/me/")
    assert response.status_code == 401
