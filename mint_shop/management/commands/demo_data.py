"""Load the demo data `make run` shows: a catalogue, a few customers, one login per staff role.

Running it again changes nothing: every row is found by its natural key first.
"""

import datetime as dt

from django.conf import settings
from django.contrib.auth.models import Group
from django.core.management.base import BaseCommand
from django.db import transaction

from catalogue.models import DeliveryOption, Product, Range, TermsVersion
from customers.models import Customer, User
from customers.services import staff_totp_enrol
from customers.totp import describe_enrolment
from mint_shop.actors import Actor
from mint_shop.roles import ROLES

DEMO_PASSWORD = "mint-demo-password"  # for the demo only; obviously not a real secret

RANGES = {
    "gifts": "Coin-inspired gifts",
    "commemorative": "Commemorative collectable coins",
    "bullion": "Bullion",
    "medals": "Medals",
}

# sku, name, range, price in pence (VAT included), stock, mintage, and what sets it apart
PRODUCTS = [
    ("GIFT-CUFF-01", "Sovereign cufflinks, engraved", "gifts", 4500, 200, None, {"personalisable": True}),
    ("GIFT-BOX-02", "Keepsake coin box", "gifts", 2500, 500, None, {}),
    ("COMM-CORON-50P", "Coronation 50p brilliant uncirculated", "commemorative", 1300, 10000, 50000,
     {"max_per_order": 10}),
    ("COMM-PROOF-5", "£5 silver proof, limited edition", "commemorative", 9500, 5000, 5000,
     {"max_per_customer": 2}),
    ("COMM-LAUNCH-27", "2027 annual set (pre-sale)", "commemorative", 15500, 2000, 2000,
     {"launch_date": dt.date(2027, 1, 2)}),
    ("BULL-SOV-1", "Gold sovereign bullion coin", "bullion", 52000, 300, None, {"bullion_priced": True}),
    ("BULL-BRIT-1OZ", "Britannia 1oz silver bullion", "bullion", 3600, 1000, None, {"bullion_priced": True}),
    ("MEDAL-NHS", "NHS service medal", "medals", 6000, 150, 1000, {}),
]

# code, name, region, premium, charge in pence (P2)
DELIVERY_OPTIONS = [
    ("uk-standard", "UK standard (3-5 working days)", "uk", False, 395),
    ("uk-premium", "UK next working day, signed for", "uk", True, 995),
    ("overseas", "Overseas tracked", "overseas", False, 1800),
]

CUSTOMERS = [
    ("Ada", "Lovelace", "ada@example.com", dt.date(1985, 12, 10), "+447911123401", "SW1A 1AA"),
    ("Isambard", "Brunel", "isambard@example.com", dt.date(1970, 4, 9), "+447911123402", "BS1 6QH"),
    ("Mary", "Seacole", "mary@example.com", dt.date(1992, 11, 23), "+447911123403", "EC1A 1BB"),
    ("Alan", "Turing", "alan@example.com", dt.date(1960, 6, 23), "+447911123404", "M1 1AE"),
]


class Command(BaseCommand):
    help = "Load idempotent demo data and print the staff logins."

    def handle(self, *args, **options):
        with transaction.atomic():
            logins = self._load()
        self._print(logins)

    def _load(self) -> list[tuple[str, str]]:
        ranges = {
            code: Range.objects.get_or_create(code=code, defaults={"name": name})[0] for code, name in RANGES.items()
        }
        for sku, name, range_code, price, stock, mintage, special in PRODUCTS:
            Product.objects.get_or_create(
                sku=sku,
                defaults={
                    "name": name, "range": ranges[range_code], "price_pence": price, "stock": stock,
                    "mintage": mintage, **special,
                },
            )
        for code, name, region, premium, charge in DELIVERY_OPTIONS:
            DeliveryOption.objects.get_or_create(
                code=code, defaults={"name": name, "region": region, "premium": premium, "charge_pence": charge}
            )
        TermsVersion.objects.get_or_create(
            version="2025.1",
            defaults={"published_at": dt.datetime(2025, 1, 1, tzinfo=dt.UTC), "text": "See seeds/001 (the T&Cs)."},
        )
        for first, last, email, born, phone, postcode in CUSTOMERS:
            user, created = User.objects.get_or_create(username=email, defaults={"email": email})
            if created:
                user.set_password(DEMO_PASSWORD)
                user.save(update_fields=["password"])
            Customer.objects.get_or_create(
                email=email,
                defaults={"user": user, "first_name": first, "last_name": last, "date_of_birth": born,
                          "phone": phone, "postcode": postcode},
            )
        logins = []
        for role in ROLES:
            username = role.replace("_", "-")
            user, created = User.objects.get_or_create(username=username, defaults={"is_staff": True})
            if created:
                user.set_password(DEMO_PASSWORD)
                user.save(update_fields=["password"])
            user.groups.add(Group.objects.get(name=role))
            logins.append((role, username))
        return logins

    def _print(self, logins: list[tuple[str, str]]) -> None:
        self.stdout.write(self.style.SUCCESS(f"Demo data ready. Staff logins (password for all: {DEMO_PASSWORD}):"))
        for role, username in logins:
            self.stdout.write(f"  {role:<17} {username}")
        self.stdout.write(f"  customers: {', '.join(c[2] for c in CUSTOMERS)} (same password)")
        self.stdout.write(
            f"Roles {', '.join(settings.MINT_STAFF_OTP_ROLES)} also enter a code from an authenticator app "
            "at the admin login. Enrol it once:"
        )
        demo_staff = User.objects.filter(username__in=[username for _, username in logins])
        for user in demo_staff.filter(groups__name__in=settings.MINT_STAFF_OTP_ROLES).distinct():
            device = staff_totp_enrol(user_id=user.pk, actor=Actor.system())
            self.stdout.write(describe_enrolment(device))
