from django.db import migrations

from mint_shop.roles import roles_sync


class Migration(migrations.Migration):
    """Charge on despatch after release (M3, M4): the permission, given to finance and the warehouse."""

    dependencies = [("payments", "0004_staff_roles")]

    operations = [
        migrations.AlterModelOptions(
            name="orderpayment",
            options={
                "permissions": [
                    ("resolve_held_payment", "Can resolve held payments (despatch on invoice)"),
                    ("capture_payment", "Can capture a card hold by hand"),
                    ("charge_for_despatch", "Can charge the saved card for lines before despatch"),
                ]
            },
        ),
        migrations.RunPython(roles_sync, migrations.RunPython.noop),
    ]
