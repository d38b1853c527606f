"""PostgreSQL search columns and the legal topics pages name.

On PostgreSQL: a generated tsvector over the published title (weight A) and text (weight B) with the `russian`
configuration and a GIN index, and pg_trgm for typo tolerance on titles. The model does not declare the column
(SQLite has no tsvector); search.py reads it with raw SQL on PostgreSQL only. On SQLite the lemma columns
serve instead. docs/decisions/0005-knowledge.md
"""

from django.db import migrations

TOPICS = {
    "tos-basics": "Что такое ТОС",
    "tos-founding": "Учреждение ТОС",
    "tos-charter": "Устав ТОС",
    "tos-boundaries": "Границы ТОС",
    "quorum": "Кворум собрания и конференции",
    "meeting-procedure": "Созыв и проведение собрания",
    "remote-participation": "Дистанционное участие",
    "initiative-projects": "Инициативные проекты",
    "initiative-review": "Рассмотрение инициативного проекта",
    "initiative-payments": "Инициативные платежи",
    "personal-data": "Персональные данные",
    "grants": "Конкурсы и гранты",
    "law-33fz": "33-ФЗ 2025 года",
}

PG_FORWARD = [
    "CREATE EXTENSION IF NOT EXISTS pg_trgm",
    """ALTER TABLE knowledge_material ADD COLUMN search_vector tsvector GENERATED ALWAYS AS (
        setweight(to_tsvector('russian'::regconfig, coalesce(search_title, '')), 'A')
        || setweight(to_tsvector('russian'::regconfig, coalesce(search_text, '')), 'B')
    ) STORED""",
    # The title alone, for ranking: small enough to stay in the row, so ranking thousands of matches does not
    # read every body's vector from TOAST.
    """ALTER TABLE knowledge_material ADD COLUMN title_vector tsvector GENERATED ALWAYS AS (
        to_tsvector('russian'::regconfig, coalesce(search_title, ''))
    ) STORED""",
    "CREATE INDEX knowledge_material_search_vector ON knowledge_material USING GIN (search_vector)",
    "CREATE INDEX knowledge_material_title_trgm ON knowledge_material USING GIN (search_title gin_trgm_ops)",
]
PG_BACKWARD = [
    "DROP INDEX IF EXISTS knowledge_material_title_trgm",
    "DROP INDEX IF EXISTS knowledge_material_search_vector",
    "ALTER TABLE knowledge_material DROP COLUMN IF EXISTS title_vector",
    "ALTER TABLE knowledge_material DROP COLUMN IF EXISTS search_vector",
]


def postgres_forward(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        for sql in PG_FORWARD:
            schema_editor.execute(sql)


def postgres_backward(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        for sql in PG_BACKWARD:
            schema_editor.execute(sql)


def seed_topics(apps, schema_editor):
    Topic = apps.get_model("knowledge", "Topic")
    for code, name in TOPICS.items():
        Topic.objects.get_or_create(code=code, defaults={"name": name})


class Migration(migrations.Migration):
    dependencies = [("knowledge", "0001_initial")]
    operations = [
        migrations.RunPython(postgres_forward, postgres_backward),
        migrations.RunPython(seed_topics, migrations.RunPython.noop),
    ]
