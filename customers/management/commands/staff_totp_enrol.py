"""Enrol a staff login's authenticator app and print what to scan or type into it."""

from django.core.management.base import BaseCommand, CommandError

from customers.models import User
from customers.services import staff_totp_enrol
from customers.totp import describe_enrolment
from mint_shop.actors import Actor


class Command(BaseCommand):
    help = "Give a staff login a TOTP authenticator (or show the one it has) and print its otpauth URI."

    def add_arguments(self, parser):
        parser.add_argument("username")
        parser.add_argument("--replace", action="store_true", help="issue a new secret, retiring the old one")

    def handle(self, *args, username, replace, **options):
        user = User.objects.filter(username=username, is_staff=True).first()
        if user is None:
            raise CommandError(f"No staff login named {username!r}.")
        device = staff_totp_enrol(user_id=user.pk, actor=Actor.system(), replace=replace)
        self.stdout.write(describe_enrolment(device))
