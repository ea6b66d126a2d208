from django.db import migrations

from mint_shop.roles import roles_sync


class Migration(migrations.Migration):
    """Every role reads the catalogue; customer service and compliance read refunds; finance reads customers."""

    dependencies = [
        ("mint_shop", "0001_staff_roles"),
        ("customers", "0004_staff_roles"),
        ("catalogue", "0003_product_rules_delivery_terms"),
        ("payments", "0006_refund_purpose_reimbursement"),
        ("cancellations", "0002_staff_roles"),
        ("consents", "0002_staff_roles"),
        ("orders", "0005_alter_historicalorderline_withdrawn_because_and_more"),
    ]

    operations = [migrations.RunPython(roles_sync, migrations.RunPython.noop)]
