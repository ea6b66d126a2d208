"""Issue 14: a staff session ends after a working day without a request (MINT_SESSION_IDLE_HOURS);
each request moves the end on, so a member of staff at work is never signed out."""

import datetime as dt

import pytest
import time_machine
from django.test import Client

pytestmark = pytest.mark.django_db

START = dt.datetime(2026, 11, 23, 8, 0, tzinfo=dt.UTC)


@pytest.fixture
def staff_client(staff_user):
    def make() -> Client:
        client = Client()
        client.force_login(staff_user("customer_service"))
        return client

    return make


def _signed_in(client: Client) -> bool:
    response = client.get("/admin/")
    assert response.status_code in (200, 302)
    return response.status_code == 200


def test_an_idle_staff_session_is_refused_after_the_idle_limit(staff_client, settings):
    idle = dt.timedelta(hours=settings.MINT_SESSION_IDLE_HOURS)
    with time_machine.travel(START, tick=False) as clock:
        client = staff_client()
        assert _signed_in(client)
        clock.move_to(START + idle + dt.timedelta(minutes=1))
        response = client.get("/admin/")
    assert response.status_code == 302 and response["Location"].startswith("/admin/login/")


def test_an_active_staff_session_continues_past_the_idle_limit(staff_client, settings):
    idle = dt.timedelta(hours=settings.MINT_SESSION_IDLE_HOURS)
    with time_machine.travel(START, tick=False) as clock:
        client = staff_client()
        for step in range(1, 4):  # a request just inside the limit each time: three limits in all
            clock.move_to(START + step * (idle - dt.timedelta(minutes=5)))
            assert _signed_in(client)
