"""The release step of a deploy (Procfile's `release`, `make release`): run once, before the new code serves.

Migrates the database, brings the staff role groups in step with every app's `roles.py`, and collects the
static files whitenoise serves. Each part is safe to run again, and two hosts that run it at once take
turns: on PostgreSQL the database work holds a session advisory lock, so the second waits for the first and
then finds nothing left to do (rather than failing half-way with "relation already exists").
"""

from contextlib import contextmanager

from django.core.management import call_command
from django.core.management.base import BaseCommand
from django.db import connection

from mint_shop.roles import roles_sync_installed

# pg_advisory_lock's key for the release step: any constant no other part of the code uses.
RELEASE_LOCK_KEY = 0x6D696E74  # "mint"


@contextmanager
def release_lock():
    """One release step at a time on this database (PostgreSQL); SQLite is one host's file anyway."""
    if connection.vendor != "postgresql":
        yield
        return
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_advisory_lock(%s)", [RELEASE_LOCK_KEY])
    try:
        yield
    finally:
        with connection.cursor() as cursor:
            cursor.execute("SELECT pg_advisory_unlock(%s)", [RELEASE_LOCK_KEY])


class Command(BaseCommand):
    help = "Release a new version: migrate, sync the staff roles, collect static files."

    def handle(self, *args, **options):
        verbosity = options["verbosity"]
        with release_lock():
            call_command("migrate", interactive=False, verbosity=verbosity)
            roles_sync_installed()
        self.stdout.write("Staff roles in step with roles.py.")
        call_command("collectstatic", interactive=False, verbosity=verbosity)
