"""Fixtures every test can use: eager Celery, service detection, localstripe, role users."""

import importlib.util
import os
import socket
import subprocess
import sys
import time
from contextlib import contextmanager
from pathlib import Path

import pytest
from django.conf import settings

from mint_shop.celery import app as celery_app

REQUIRE_SERVICES = os.environ.get("REQUIRE_SERVICES") == "1"


def pytest_report_header(config):
    database = settings.DATABASES["default"]
    broker = settings.CELERY_BROKER_URL.split("@")[-1]
    return [
        f"database: {database['ENGINE'].rsplit('.', 1)[-1]} {database.get('HOST') or database['NAME']}",
        f"broker: {broker}; REQUIRE_SERVICES={'1' if REQUIRE_SERVICES else '0'}",
    ]


def service_missing(reason: str):
    """A test that needs an absent service skips, unless CI demands every service."""
    if REQUIRE_SERVICES:
        pytest.fail(f"REQUIRE_SERVICES=1 but {reason}")
    pytest.skip(reason)


@pytest.fixture(autouse=True, scope="session")
def celery_eager():
    """Unit tests run tasks in-process; integration tests start a real worker instead."""
    celery_app.conf.task_always_eager = True
    celery_app.conf.task_eager_propagates = True
    yield


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def _wait_for_port(port: int, seconds: float) -> bool:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        with socket.socket() as sock:
            if sock.connect_ex(("127.0.0.1", port)) == 0:
                return True
        time.sleep(0.1)
    return False


class LocalStripe:
    """A localstripe process on a free port, which can be stopped and started again."""

    def __init__(self, state: Path, from_scratch: bool = True, search: bool = True):
        self.state = state
        self.from_scratch = from_scratch
        self.search = search  # localstripe_run's PaymentIntent search, which localstripe lacks
        self.port = _free_port()
        self.process = None

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def start(self) -> None:
        self.process = subprocess.Popen(
            [sys.executable, "-m", "mint_shop.localstripe_run", "--port", str(self.port), "--state", str(self.state)]
            + (["--from-scratch"] if self.from_scratch else [])
            + ([] if self.search else ["--without-search"]),
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        if not _wait_for_port(self.port, 15):
            self.stop()
            raise RuntimeError("localstripe did not start")

    def stop(self) -> None:
        if self.process:
            self.process.terminate()
            self.process.wait(10)
            self.process = None


@contextmanager
def localstripe_running(state: Path):
    """A localstripe process of its own for the block (skipped, or failed under CI, if it cannot start)."""
    if importlib.util.find_spec("localstripe") is None:
        service_missing("localstripe is not installed")
    server = LocalStripe(state)
    try:
        server.start()
    except RuntimeError as exc:
        service_missing(str(exc))
    try:
        yield server
    finally:
        server.stop()


def wait_for(condition, seconds: float, what: str):
    """The condition's first true value, asked every 0.1 s; a failure naming `what` after `seconds`."""
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if value := condition():
            return value
        time.sleep(0.1)
    raise AssertionError(f"gave up waiting for {what}")


@pytest.fixture(scope="session")
def localstripe_server(tmp_path_factory):
    with localstripe_running(tmp_path_factory.mktemp("localstripe") / "state.pickle") as server:
        yield server


@pytest.fixture
def localstripe(localstripe_server, settings):
    """Point the stripe SDK (through payments.gateway) at the running localstripe."""
    if localstripe_server.process is None:
        localstripe_server.start()
    settings.STRIPE_API_BASE = localstripe_server.url
    settings.STRIPE_SECRET_KEY = "sk_test_localstripe"
    return localstripe_server


def role_group(role: str):
    """The role's group as the data migrations make it; rebuilt after a transactional test's flush."""
    from django.contrib.auth.models import Group, Permission

    from mint_shop.roles import role_permissions

    group, created = Group.objects.get_or_create(name=role)
    if created:
        names = role_permissions()[role]
        permissions = [
            Permission.objects.get(content_type__app_label=name.split(".")[0], codename=name.split(".")[1])
            for name in names
        ]
        group.permissions.set(permissions)
    return group


def _verify_forced_login(sender, request, user, **kwargs):
    """The test client's force_login has no request.user, so django-otp cannot mark its session."""
    device = getattr(user, "otp_device", None)
    if device is not None and not hasattr(request, "user"):
        from django_otp import DEVICE_ID_SESSION_KEY

        request.session[DEVICE_ID_SESSION_KEY] = device.persistent_id


@pytest.fixture(autouse=True, scope="session")
def staff_second_factor_in_forced_logins():
    from django.contrib.auth.signals import user_logged_in

    user_logged_in.connect(_verify_forced_login)
    yield
    user_logged_in.disconnect(_verify_forced_login)


def totp_code(user) -> str:
    """The code the staff user's authenticator app shows now."""
    from django_otp.oath import totp
    from django_otp.plugins.otp_totp.models import TOTPDevice

    device = TOTPDevice.objects.get(user=user, confirmed=True)
    return f"{totp(device.bin_key, step=device.step, t0=device.t0, digits=device.digits):0{device.digits}d}"


@pytest.fixture
def staff_user(django_user_model):
    """Make a staff user in one of the role groups of mint_shop/roles.py.

    Roles that sign in with a second factor get an enrolled authenticator, and the user comes
    back carrying it, so `client.force_login(user)` opens a session verified as the admin's
    login form would (`totp_code(user)` gives the code for a real login).
    """

    def make(role: str):
        from customers.services import staff_totp_enrol
        from mint_shop.actors import Actor

        user = django_user_model.objects.create_user(username=f"{role}-user", password="x", is_staff=True)
        user.groups.add(role_group(role))
        if role in settings.MINT_STAFF_OTP_ROLES:
            user.otp_device = staff_totp_enrol(user_id=user.pk, actor=Actor.system())
        return user

    return make


@pytest.fixture(autouse=True)
def throttle_counts_start_at_zero():
    """The API's throttles count in the cache (in memory here): each test starts with none used."""
    from django.core.cache import cache

    cache.clear()
