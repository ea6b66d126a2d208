from django.db import migrations

from mint_shop.roles import roles_sync


class Migration(migrations.Migration):
    """The marketing role, and promotions' permissions for it and for finance (promotions/roles.py)."""

    dependencies = [
        ("promotions", "0001_promo_codes_referrals_rewards"),
        ("catalogue", "0003_product_rules_delivery_terms"),
        ("mint_shop", "0001_staff_roles"),
    ]

    operations = [migrations.RunPython(roles_sync, migrations.RunPython.noop)]
