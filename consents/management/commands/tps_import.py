"""D12: import the Telephone Preference Service file; the list is replaced whole, so it stays current."""

from pathlib import Path

from django.core.management.base import BaseCommand

from consents.register import tps_import


class Command(BaseCommand):
    help = "Replace the TPS list with this file (one number a line)."

    def add_arguments(self, parser):
        parser.add_argument("path")

    def handle(self, *args, path: str, **options):
        file = Path(path)
        with file.open(encoding="utf-8-sig") as lines:
            done = tps_import(lines=lines, file_name=file.name)
        self.stdout.write(f"TPS list: {done.numbers} numbers imported, {done.skipped} line(s) skipped.")
