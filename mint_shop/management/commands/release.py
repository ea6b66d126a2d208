"""The release step of a deploy (Procfile's `release`, `make release`): run once, before the new code serves.

Migrates the database, brings the staff role groups in step with every app's `roles.py`, and collects the
static files whitenoise serves. Each part is safe to run again.
"""

from django.core.management import call_command
from django.core.management.base import BaseCommand

from mint_shop.roles import roles_sync_installed


class Command(BaseCommand):
    help = "Release a new version: migrate, sync the staff roles, collect static files."

    def handle(self, *args, **options):
        verbosity = options["verbosity"]
        call_command("migrate", interactive=False, verbosity=verbosity)
        roles_sync_installed()
        self.stdout.write("Staff roles in step with roles.py.")
        call_command("collectstatic", interactive=False, verbosity=verbosity)
