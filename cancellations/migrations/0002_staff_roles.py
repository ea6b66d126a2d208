from django.db import migrations

from mint_shop.roles import roles_sync


class Migration(migrations.Migration):
    """Give the roles the cancellation permissions (cancellations/roles.py)."""

    dependencies = [
        ("cancellations", "0001_initial"),
        ("orders", "0005_alter_historicalorderline_withdrawn_because_and_more"),
        ("payments", "0004_staff_roles"),
    ]

    operations = [migrations.RunPython(roles_sync, migrations.RunPython.noop)]
