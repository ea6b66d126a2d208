import os
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]


def _manage(*args: str, **env: str) -> subprocess.CompletedProcess:
    environment = {k: v for k, v in os.environ.items() if k not in ("DEBUG", "SECRET_KEY")} | env
    return subprocess.run([sys.executable, "manage.py", *args], cwd=ROOT, env=environment,
                          capture_output=True, text=True, timeout=120)


def _clean_manage(*args: str, **env: str) -> subprocess.CompletedProcess:
    """manage.py with nothing from this shell but the PATH: what a fresh production host has."""
    environment = {"PATH": os.environ["PATH"], "DJANGO_SETTINGS_MODULE": "mint_shop.settings"} | env
    return subprocess.run([sys.executable, "manage.py", *args], cwd=ROOT, env=environment,
                          capture_output=True, text=True, timeout=120)


def test_production_settings_pass_check_deploy_with_real_secrets():
    result = _clean_manage("check", "--deploy", "--fail-level", "WARNING", **PRODUCTION)
    assert result.returncode == 0, result.stderr + result.stdout
    assert "no issues" in result.stdout


_SECURE = ("SECURE_SSL_REDIRECT", "SECURE_HSTS_SECONDS", "SESSION_COOKIE_SECURE", "CSRF_COOKIE_SECURE")
_PRINT_SECURE = f"from django.conf import settings as s; print([bool(getattr(s, n)) for n in {_SECURE!r}])"


def test_production_answers_only_over_https_and_development_over_http():
    production = _clean_manage("shell", "--no-imports", "-c", _PRINT_SECURE, **PRODUCTION)
    development = _clean_manage("shell", "--no-imports", "-c", _PRINT_SECURE, DEBUG="1")
    assert production.returncode == 0 and development.returncode == 0, production.stderr + development.stderr
    assert production.stdout.strip() == str([True] * len(_SECURE))
    assert development.stdout.strip() == str([False] * len(_SECURE))


def test_a_secure_setting_can_be_eased_from_the_environment():
    result = _clean_manage("shell", "--no-imports", "-c", _PRINT_SECURE, **PRODUCTION, SECURE_SSL_REDIRECT="0")
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == str([False, True, True, True])


def test_production_refuses_to_start_without_a_secret_key():
    result = _manage("check", DEBUG="0")
    assert result.returncode != 0
    assert "SECRET_KEY" in result.stderr


PRODUCTION = {
    "DEBUG": "0",
    "SECRET_KEY": "a-real-secret-" + "x7Gq2pLm9Vw3Zr8Kt5Nb1Hc6Jd4Fs0Ye" * 2,
    "STRIPE_WEBHOOK_SECRET": "whsec_" + "r3alW3bh00kS3cr3t" * 2,
    "MINT_SMS_WEBHOOK_SECRET": "sms-" + "r3alSmsS3cr3t" * 3,
    "MINT_ERASURE_HASH_KEY": "erase-" + "r3alHashK3y" * 3,
    "EMAIL_URL": "smtp://mailer.mint.example:587",
    "ALLOWED_HOSTS": "backoffice.mint.example",
    "CACHE_URL": "redis://cache.mint.example:6379/1",
}


def test_debug_is_off_unless_asked_for():
    environment = {k: v for k, v in PRODUCTION.items() if k != "DEBUG"}
    environment["DJANGO_SETTINGS_MODULE"] = "mint_shop.settings"
    result = _manage("shell", "--no-imports", "-c", "from django.conf import settings; print(settings.DEBUG)",
                     **environment)
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == "False"


def test_production_starts_with_every_secret_set():
    result = _manage("check", **PRODUCTION)
    assert result.returncode == 0, result.stderr


@pytest.mark.parametrize(
    ("name", "development_value"),
    [
        ("SECRET_KEY", "dev-only-insecure-key"),
        ("STRIPE_WEBHOOK_SECRET", "whsec_localstripe"),
        ("MINT_SMS_WEBHOOK_SECRET", "dev-only-sms-webhook-secret"),
        ("MINT_ERASURE_HASH_KEY", "dev-only-erasure-hash-key"),
    ],
)
def test_production_refuses_a_secret_missing_or_at_its_development_value(name, development_value):
    for value in (None, development_value, ""):
        environment = {k: v for k, v in PRODUCTION.items() if k != name}
        if value is not None:
            environment[name] = value
        result = _manage("check", **environment)
        assert result.returncode != 0, (name, value)
        assert f"{name} is missing or left at its development value" in result.stderr


@pytest.mark.parametrize("email_url", [None, "consolemail://", "memorymail://", "dummymail://"])
def test_production_refuses_an_email_backend_that_delivers_nothing(email_url):
    environment = {k: v for k, v in PRODUCTION.items() if k != "EMAIL_URL"}
    if email_url:
        environment["EMAIL_URL"] = email_url
    result = _manage("check", **environment)
    assert result.returncode != 0
    assert "EMAIL_URL is missing or names a backend that delivers nothing" in result.stderr


@pytest.mark.parametrize("allowed_hosts", [None, "", "*"])
def test_production_refuses_allowed_hosts_missing_or_a_wildcard(allowed_hosts):
    environment = {k: v for k, v in PRODUCTION.items() if k != "ALLOWED_HOSTS"}
    if allowed_hosts is not None:
        environment["ALLOWED_HOSTS"] = allowed_hosts
    result = _manage("check", **environment)
    assert result.returncode != 0
    assert "ALLOWED_HOSTS is missing or a wildcard" in result.stderr


def test_development_mode_starts_on_the_embedded_defaults():
    result = _manage("check", DEBUG="1")
    assert result.returncode == 0, result.stderr


_SQLITE_WRITERS = """
import threading, time
from django.db import connection, transaction
from django.contrib.auth.models import Group

print(connection.cursor().execute("PRAGMA journal_mode").fetchone()[0])
Group.objects.get_or_create(name="site")
errors = []

def worker(name, pause):
    try:
        with transaction.atomic():
            Group.objects.filter(name="site").exists()  # read first, as the services do
            time.sleep(pause)
            Group.objects.create(name=name)
    except Exception as exc:
        errors.append(repr(exc))

threads = [threading.Thread(target=worker, args=(f"w{i}", 0.3)) for i in range(3)]
[t.start() for t in threads]
[t.join() for t in threads]
print(errors or "no errors", Group.objects.filter(name__startswith="w").count())
"""


def test_sqlite_lets_the_web_server_and_the_worker_write_at_once(tmp_path):
    """`make run` on SQLite: transactions that read then write, at once, all commit."""
    database = f"sqlite:///{tmp_path / 'db.sqlite3'}"
    assert _manage("migrate", "auth", "--verbosity", "0", DATABASE_URL=database).returncode == 0
    result = _manage("shell", "--no-imports", "-c", _SQLITE_WRITERS, DATABASE_URL=database)
    assert result.returncode == 0, result.stderr
    assert result.stdout.split() == ["wal", "no", "errors", "3"]


@pytest.mark.parametrize(
    ("name", "disguised"),
    [
        ("SECRET_KEY", "   "),
        ("SECRET_KEY", "DEV-ONLY-INSECURE-KEY"),
        ("STRIPE_WEBHOOK_SECRET", "whsec_localstripe "),
        ("STRIPE_WEBHOOK_SECRET", "\t"),
        ("MINT_SMS_WEBHOOK_SECRET", " Dev-Only-SMS-Webhook-Secret"),
        ("MINT_ERASURE_HASH_KEY", "  "),
    ],
)
def test_production_refuses_a_secret_blank_or_a_development_value_in_disguise(name, disguised):
    """Whitespace is no secret, and the published value in other case or padding is as guessable."""
    result = _manage("check", **(PRODUCTION | {name: disguised}))
    assert result.returncode != 0, (name, disguised)
    assert f"{name} is missing or left at its development value" in result.stderr


@pytest.mark.parametrize("allowed_hosts", [".com", "backoffice.mint.example,.example", ".", " "])
def test_production_refuses_allowed_hosts_that_match_a_whole_top_level_domain_or_nothing(allowed_hosts):
    """`.com` lets any host under .com through, as good as `*` for a forged Host header."""
    result = _manage("check", **(PRODUCTION | {"ALLOWED_HOSTS": allowed_hosts}))
    assert result.returncode != 0, allowed_hosts
    assert "ALLOWED_HOSTS is missing or a wildcard" in result.stderr


def test_production_accepts_a_domain_and_its_subdomains():
    assert _manage("check", **(PRODUCTION | {"ALLOWED_HOSTS": ".mint.example"})).returncode == 0


@pytest.mark.parametrize("cache_url", [None, "locmemcache://", "dummycache://"])
def test_production_refuses_a_cache_each_web_process_keeps_to_itself(cache_url):
    """Throttles count in the cache: one per process lets every gunicorn worker grant the whole rate again."""
    environment = {k: v for k, v in PRODUCTION.items() if k != "CACHE_URL"}
    if cache_url:
        environment["CACHE_URL"] = cache_url
    result = _manage("check", **environment)
    assert result.returncode != 0, cache_url
    assert "CACHE_URL is missing or names a cache each process keeps to itself" in result.stderr


def test_production_refuses_a_secret_key_too_short_to_sign_with():
    result = _manage("check", **(PRODUCTION | {"SECRET_KEY": "x"}))
    assert result.returncode != 0
    assert "SECRET_KEY is shorter than 50 characters" in result.stderr


def test_every_per_address_count_reads_the_address_behind_the_trusted_proxies():
    """Behind MINT_TRUSTED_PROXIES proxies, allauth's per-address sign-in limits (10 failures and 30
    sign-ins a minute) must count the customer's address, as DRF's throttles do, not the proxy's: counted
    at the proxy, one caller's failures refuse every customer signing in through it (issue 14)."""
    script = (
        "from django.test import RequestFactory; from rest_framework.throttling import SimpleRateThrottle;"
        "from allauth.core.internal.httpkit import get_client_ip;"
        "r = RequestFactory().post('/', REMOTE_ADDR='10.0.0.2', HTTP_X_FORWARDED_FOR='203.0.113.5, 198.51.100.7');"
        "print(get_client_ip(r), SimpleRateThrottle.get_ident(SimpleRateThrottle.__new__(SimpleRateThrottle), r))"
    )
    result = _manage("shell", "-c", script, DEBUG="1", MINT_TRUSTED_PROXIES="1")
    assert result.returncode == 0, result.stderr
    assert result.stdout.split()[-2:] == ["198.51.100.7", "198.51.100.7"]
