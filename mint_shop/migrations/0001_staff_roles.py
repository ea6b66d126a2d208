from django.db import migrations

from mint_shop.roles import roles_sync


class Migration(migrations.Migration):
    """The four staff role groups and their permissions (mint_shop/roles.py)."""

    dependencies = [
        ("auth", "0012_alter_user_first_name_max_length"),
        ("contenttypes", "0002_remove_content_type_name"),
        ("customers", "0001_initial"),
        ("catalogue", "0001_initial"),
        ("orders", "0001_initial"),
        ("payments", "0001_initial"),
        ("notifications", "0001_initial"),
    ]

    operations = [migrations.RunPython(roles_sync, migrations.RunPython.noop)]
