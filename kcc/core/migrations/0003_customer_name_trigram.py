"""PostgreSQL only: a trigram index on the folded customer name, so that name search (the
customer search and the inbox's free-text filter, `name_folded LIKE '%...%'`) stays fast at
hundreds of thousands of residents. A no-op on SQLite."""

from django.db import migrations


def forwards(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    schema_editor.execute("CREATE EXTENSION IF NOT EXISTS pg_trgm")
    schema_editor.execute(
        "CREATE INDEX IF NOT EXISTS core_customer_name_folded_trgm "
        "ON core_customer USING gin (name_folded gin_trgm_ops)"
    )


def backwards(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    schema_editor.execute("DROP INDEX IF EXISTS core_customer_name_folded_trgm")


class Migration(migrations.Migration):
    dependencies = [("core", "0002_privacy_role_restriction")]

    operations = [migrations.RunPython(forwards, backwards, elidable=False)]
