"""Browser tests: Playwright driving Debian's Chromium (never a downloaded browser) against a live server.

`staff_login` is the one place that signs a member of staff into the admin, so a change to the admin's
login (a second factor, say) is made here once. `walk` saves a screenshot per step under
var/e2e-screenshots/<test>/ (gitignored): the artefacts of a run, never committed.
"""

import os
import re
import shutil
from pathlib import Path

import pytest
from django.conf import settings
from django.db import connections
from django_otp.plugins.otp_totp.models import TOTPDevice

from tests.conftest import service_missing, totp_code

CHROMIUM = shutil.which("chromium") or "/usr/bin/chromium"
SCREENSHOTS = Path(settings.BASE_DIR) / "var" / "e2e-screenshots"
STAFF_PASSWORD = "walk-the-admin"


@pytest.fixture
def browser_page():
    try:
        from playwright.sync_api import sync_playwright
    except ImportError:
        service_missing("playwright is not installed")
    if not os.path.exists(CHROMIUM):
        service_missing("chromium is not installed (apt-get install chromium)")
    # Playwright's sync API runs an event loop in this thread; the test's own ORM calls are safe.
    os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path=CHROMIUM,
            args=["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update",
                  "--disable-sync", "--no-first-run", "--disable-quic"],
        )
        page = browser.new_page(viewport={"width": 1280, "height": 900})
        page.set_default_timeout(15_000)
        yield page
        browser.close()
        # The test's ORM calls inside Playwright's greenlet opened their own connection; close it here,
        # or it outlives the test and PostgreSQL refuses to drop the test database.
        connections.close_all()
    del os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"]


@pytest.fixture
def staff_login(live_server, staff_user):
    """Make a member of staff in `role` and sign them into the admin in the page; returns the user."""

    def login(page, role: str):
        user = staff_user(role)
        user.set_password(STAFF_PASSWORD)
        user.save()
        page.goto(f"{live_server.url}/admin/login/")
        page.fill("#id_username", user.username)
        page.fill("#id_password", STAFF_PASSWORD)
        if TOTPDevice.objects.filter(user=user, confirmed=True).exists():  # finance and compliance
            page.fill("#id_otp_token", totp_code(user))
        page.click("input[type=submit]")
        page.wait_for_url(f"{live_server.url}/admin/")
        return user

    return login


@pytest.fixture
def walk(request):
    """`walk(page, "step")` saves a numbered screenshot of the page as this test's artefact."""
    folder = SCREENSHOTS / re.sub(r"[^\w.-]", "_", request.node.name)
    shutil.rmtree(folder, ignore_errors=True)
    folder.mkdir(parents=True)
    steps = iter(range(1, 100))

    def step(page, name: str) -> None:
        page.screenshot(path=str(folder / f"{next(steps):02d}-{name}.png"), full_page=True)

    return step
