from django.db import migrations

from mint_shop.roles import roles_sync


class Migration(migrations.Migration):
    """Give the role groups the permissions of customers/roles.py (C3–C10)."""

    dependencies = [
        ("customers", "0003_accounts_checks_representatives_contacts"),
        ("mint_shop", "0001_staff_roles"),
    ]

    operations = [migrations.RunPython(roles_sync, migrations.RunPython.noop)]
