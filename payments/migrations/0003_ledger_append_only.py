"""M9: the ledger is append-only in the database too, not only in the model's save().

A PostgreSQL trigger refuses UPDATE and DELETE on payments_ledgerentry. SQLite (the embedded
default) has no such trigger here: there the model methods are the guard.
"""

from django.db import migrations

CREATE = """
CREATE OR REPLACE FUNCTION payments_ledger_refuse_change() RETURNS trigger AS $$
BEGIN
    RAISE EXCEPTION 'ledger entries are immutable (M9)';
END;
$$ LANGUAGE plpgsql;
CREATE TRIGGER payments_ledger_append_only
    BEFORE UPDATE OR DELETE ON payments_ledgerentry
    FOR EACH ROW EXECUTE FUNCTION payments_ledger_refuse_change();
"""

DROP = """
DROP TRIGGER IF EXISTS payments_ledger_append_only ON payments_ledgerentry;
DROP FUNCTION IF EXISTS payments_ledger_refuse_change();
"""


def create(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(CREATE)


def drop(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(DROP)


class Migration(migrations.Migration):
    dependencies = [("payments", "0002_payment_records")]

    operations = [migrations.RunPython(create, drop)]
