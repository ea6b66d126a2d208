"""The release step run on two hosts at once (issue 14, "Running it for real").

A platform that runs Procfile's `release` on every host it deploys to (an init container per pod, a
deploy script looping over hosts) starts it twice at once on the same database. Both must finish
cleanly with the database migrated once, not one of them fail half-way with "relation already exists".
"""

import os
import subprocess
import sys
import uuid
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

import psycopg
import pytest
from django.db import connections

from tests.conftest import service_missing

ROOT = Path(__file__).resolve().parents[2]

pytestmark = pytest.mark.integration


@pytest.fixture
def empty_database():
    if connections["default"].vendor != "postgresql":
        service_missing("PostgreSQL (DATABASE_URL) is needed to run the release step on two hosts at once")
    services = connections["default"].settings_dict
    server = {
        "host": services["HOST"] or None, "port": services["PORT"] or None, "user": services["USER"] or None,
        "password": services["PASSWORD"] or None, "dbname": "postgres", "autocommit": True,
    }
    name = f"mint_release_{uuid.uuid4().hex[:12]}"
    with psycopg.connect(**server) as conn:
        conn.execute(f'CREATE DATABASE "{name}"')
    url = urlsplit(os.environ["DATABASE_URL"])
    yield urlunsplit(url._replace(path=f"/{name}"))
    with psycopg.connect(**server) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


def test_the_release_step_started_on_two_hosts_at_once_succeeds_on_both(empty_database, tmp_path):
    hosts = []
    for host in ("a", "b"):
        env = {**os.environ, "DATABASE_URL": empty_database, "MINT_VAR_DIR": str(tmp_path / host)}
        hosts.append(
            subprocess.Popen(
                [sys.executable, "manage.py", "release", "--verbosity", "0"],
                cwd=ROOT, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
            )
        )
    outcomes = [(host.wait(timeout=600), host.stderr.read()[-2000:]) for host in hosts]
    assert [code for code, _ in outcomes] == [0, 0], outcomes

    with psycopg.connect(empty_database) as conn:
        applied = conn.execute("SELECT app, name, count(*) FROM django_migrations GROUP BY app, name").fetchall()
        roles = conn.execute("SELECT name FROM auth_group ORDER BY name").fetchall()
    assert applied and all(count == 1 for _, _, count in applied)
    assert len(roles) == len(set(roles)) >= 5
