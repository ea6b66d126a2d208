import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]


def _manage(*args: str, **env: str) -> subprocess.CompletedProcess:
    environment = {k: v for k, v in os.environ.items() if k not in ("DEBUG", "SECRET_KEY")} | env
    return subprocess.run([sys.executable, "manage.py", *args], cwd=ROOT, env=environment,
                          capture_output=True, text=True, timeout=120)


def test_production_settings_pass_check_deploy_with_real_secrets():
    result = _manage(
        "check", "--deploy", "--fail-level", "WARNING",
        DEBUG="0", SECRET_KEY="a-real-secret-" + "x7Gq2pLm9Vw3Zr8Kt5Nb1Hc6Jd4Fs0Ye" * 2,
        ALLOWED_HOSTS="backoffice.mint.example",
    )
    assert result.returncode == 0, result.stderr + result.stdout


def test_production_refuses_to_start_without_a_secret_key():
    result = _manage("check", DEBUG="0")
    assert result.returncode != 0
    assert "SECRET_KEY" in result.stderr


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
