from django.db import migrations

from mint_shop.roles import roles_sync


class Migration(migrations.Migration):
    """Give the role groups the permissions of consents/roles.py (D1, D2)."""

    dependencies = [
        ("consents", "0001_marketing_consent_print_runs"),
        ("customers", "0004_staff_roles"),
    ]

    operations = [migrations.RunPython(roles_sync, migrations.RunPython.noop)]
