"""PostgreSQL search support: the pg_trgm extension and GIN indexes on the full-text vector
and the trigram text. A no-op on SQLite (the embedded default), which uses the fallback search
in knowledgebase/search.py."""

from django.db import migrations

FORWARD = [
    "CREATE EXTENSION IF NOT EXISTS pg_trgm",
    "CREATE INDEX IF NOT EXISTS kb_article_search_vector_gin ON knowledgebase_article USING gin (search_vector)",
    "CREATE INDEX IF NOT EXISTS kb_article_search_text_trgm ON knowledgebase_article USING gin (search_text gin_trgm_ops)",
]
BACKWARD = [
    "DROP INDEX IF EXISTS kb_article_search_text_trgm",
    "DROP INDEX IF EXISTS kb_article_search_vector_gin",
    # The extension stays: other apps may use it.
]


def forward(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    for sql in FORWARD:
        schema_editor.execute(sql)


def backward(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    for sql in BACKWARD:
        schema_editor.execute(sql)


class Migration(migrations.Migration):

    dependencies = [
        ("knowledgebase", "0002_articles_versions_feedback_guide"),
    ]

    operations = [migrations.RunPython(forward, backward, elidable=False)]
