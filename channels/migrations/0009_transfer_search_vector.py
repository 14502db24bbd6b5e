"""Transfer advice (channels/advice.py) searches the transfers themselves: each transfer carries
the full-text vector of its contact's subject + question (PostgreSQL only; a column the ORM does
not map, like the index it replaces), kept by triggers, with a GIN index. The advice takes the
newest similar transfers from this narrow table (the planner picks the GIN index for rare words
and a backward walk of `created_at` for common ones) instead of visiting a heap row of
inbox_contact for every transferred contact that shares a word (288,000 transfers in the desk
bench: 150-350 ms; docs/performance.md, "Transfer advice"). SQLite has none of this; the advice
falls back to token overlap there."""

from django.db import migrations

FORWARD = [
    "ALTER TABLE inbox_transfer ADD COLUMN IF NOT EXISTS search_vector tsvector",
    "UPDATE inbox_transfer t SET search_vector = to_tsvector('dutch'::regconfig, coalesce(c.subject, '') || ' ' || coalesce(c.question, '')) FROM inbox_contact c WHERE c.id = t.contact_id",
    "CREATE INDEX IF NOT EXISTS inbox_transfer_fts ON inbox_transfer USING gin (search_vector)",
    """CREATE OR REPLACE FUNCTION inbox_transfer_search_vector() RETURNS trigger AS $$
        BEGIN
          NEW.search_vector := (SELECT to_tsvector('dutch'::regconfig, coalesce(c.subject, '') || ' ' || coalesce(c.question, '')) FROM inbox_contact c WHERE c.id = NEW.contact_id);
          RETURN NEW;
        END $$ LANGUAGE plpgsql""",
    """CREATE TRIGGER inbox_transfer_search_vector BEFORE INSERT OR UPDATE OF contact_id ON inbox_transfer
        FOR EACH ROW EXECUTE FUNCTION inbox_transfer_search_vector()""",
    """CREATE OR REPLACE FUNCTION inbox_contact_transfer_search_vector() RETURNS trigger AS $$
        BEGIN
          UPDATE inbox_transfer SET search_vector = to_tsvector('dutch'::regconfig, coalesce(NEW.subject, '') || ' ' || coalesce(NEW.question, '')) WHERE contact_id = NEW.id;
          RETURN NULL;
        END $$ LANGUAGE plpgsql""",
    """CREATE TRIGGER inbox_contact_transfer_search_vector AFTER UPDATE OF subject, question ON inbox_contact
        FOR EACH ROW WHEN (OLD.subject IS DISTINCT FROM NEW.subject OR OLD.question IS DISTINCT FROM NEW.question)
        EXECUTE FUNCTION inbox_contact_transfer_search_vector()""",
    "DROP INDEX IF EXISTS inbox_contact_transfer_fts",
    "ANALYZE inbox_transfer",
]

BACKWARD = [
    "DROP TRIGGER IF EXISTS inbox_contact_transfer_search_vector ON inbox_contact",
    "DROP FUNCTION IF EXISTS inbox_contact_transfer_search_vector()",
    "DROP TRIGGER IF EXISTS inbox_transfer_search_vector ON inbox_transfer",
    "DROP FUNCTION IF EXISTS inbox_transfer_search_vector()",
    "DROP INDEX IF EXISTS inbox_transfer_fts",
    "ALTER TABLE inbox_transfer DROP COLUMN IF EXISTS search_vector",
    "CREATE INDEX IF NOT EXISTS inbox_contact_transfer_fts ON inbox_contact USING gin "
    "((to_tsvector('dutch'::regconfig, coalesce(subject, '') || ' ' || coalesce(question, '')))) WHERE outcome = 'transferred'",
]


def forward(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        for sql in FORWARD:
            schema_editor.execute(sql)


def backward(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        for sql in BACKWARD:
            schema_editor.execute(sql)


class Migration(migrations.Migration):
    dependencies = [("inbox", "0008_case_db_default")]

    operations = [migrations.RunPython(forward, backward, elidable=False)]
