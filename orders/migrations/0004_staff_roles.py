from django.db import migrations

from mint_shop.roles import roles_sync


class Migration(migrations.Migration):
    """Give the roles the new order permissions (orders/roles.py, catalogue/roles.py)."""

    dependencies = [
        ("orders", "0003_offer_lines_shipments"),
        ("catalogue", "0003_product_rules_delivery_terms"),
        ("mint_shop", "0001_staff_roles"),
    ]

    operations = [migrations.RunPython(roles_sync, migrations.RunPython.noop)]
