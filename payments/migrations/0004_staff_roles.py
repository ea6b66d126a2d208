from django.db import migrations

from mint_shop.roles import roles_sync


class Migration(migrations.Migration):
    """Give the roles payments' new permissions (payments/roles.py)."""

    dependencies = [("payments", "0003_ledger_append_only")]

    operations = [migrations.RunPython(roles_sync, migrations.RunPython.noop)]
