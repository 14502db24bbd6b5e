"""The head vector (title A, synonyms and tags B) with its own GIN index: the cheap first
stage of the PostgreSQL search. Existing articles are filled in; a no-op on SQLite apart from
the column."""

import django.contrib.postgres.search
from django.db import migrations

FILL = """
UPDATE knowledgebase_article a SET head_vector =
    setweight(to_tsvector('dutch', a.title), 'A')
 || setweight(to_tsvector('dutch', replace(a.synonyms, ',', ' ') || ' ' || coalesce((
        SELECT string_agg(t.name, ' ') FROM knowledgebase_article_tags at
        JOIN knowledgebase_tag t ON t.id = at.tag_id WHERE at.article_id = a.id), '')), 'B')
"""


def forward(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    schema_editor.execute(FILL)
    schema_editor.execute("CREATE INDEX IF NOT EXISTS kb_article_head_vector_gin ON knowledgebase_article USING gin (head_vector)")


def backward(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute("DROP INDEX IF EXISTS kb_article_head_vector_gin")


class Migration(migrations.Migration):

    dependencies = [
        ('knowledgebase', '0003_postgres_search_indexes'),
    ]

    operations = [
        migrations.AddField(
            model_name='article',
            name='head_vector',
            field=django.contrib.postgres.search.SearchVectorField(editable=False, help_text='PostgreSQL full-text index of title (A), synonyms and tags (B) only: the cheap first search stage.', null=True),
        ),
        migrations.RunPython(forward, backward, elidable=False),
    ]
