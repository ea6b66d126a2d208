from django.db import migrations

from mint_shop.roles import roles_sync


class Migration(migrations.Migration):
    """Give compliance the data-rights permissions of consents/roles.py (D6–D12)."""

    dependencies = [("consents", "0004_data_rights")]

    operations = [migrations.RunPython(roles_sync, migrations.RunPython.noop)]
