"""Full-text index for transfer advice (channels/advice.py): similar earlier transfers are found
by PostgreSQL full text on subject + question. Partial: only transferred contacts, the few the
advice searches. SQLite has no such index; the advice falls back to token overlap there."""

from django.db import migrations

INDEX_SQL = (
    "CREATE INDEX IF NOT EXISTS inbox_contact_transfer_fts ON inbox_contact USING gin "
    "((to_tsvector('dutch'::regconfig, coalesce(subject, '') || ' ' || coalesce(question, '')))) "
    "WHERE outcome = 'transferred'"
)


def create_index(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(INDEX_SQL)


def drop_index(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute("DROP INDEX IF EXISTS inbox_contact_transfer_fts")


class Migration(migrations.Migration):
    dependencies = [("inbox", "0005_contact_conversation_ended_at")]

    operations = [migrations.RunPython(create_index, drop_index, elidable=False)]
