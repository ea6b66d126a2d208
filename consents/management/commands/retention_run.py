"""D8: run the retention schedule now, or with --dry-run list what would go and why (ids only, no names)."""

from django.core.management.base import BaseCommand

from consents import retention
from mint_shop.actors import Actor


class Command(BaseCommand):
    help = "Apply the retention schedule (D8); --dry-run lists what would go and why, changing nothing."

    def add_arguments(self, parser):
        parser.add_argument("--dry-run", action="store_true")

    def handle(self, *args, dry_run: bool = False, **options):
        due = retention.retention_due() if dry_run else retention.retention_apply(actor=Actor.system())
        verb = "would" if dry_run else "did"
        for item in due:
            self.stdout.write(f"{item.record_type}\t{item.record}\t{verb} {item.action}\t{item.why}")
        self.stdout.write(f"{len(due)} record(s) {'due' if dry_run else 'done'}.")
