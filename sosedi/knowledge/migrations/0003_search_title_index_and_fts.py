"""Search at a cost that does not grow with the matches (issue [4] benchmark; sosedi/knowledge/search.py).

- PostgreSQL: a GIN index on the title's tsvector, so the title tier of a word rare in titles but common in
  texts does not read the texts' matches; the trigram index on titles goes (typos are matched in Python).
- SQLite: an FTS5 table over the lemma columns (external content: the lemmas stay in knowledge_material), kept
  by triggers on insert, on a change of the lemmas and on delete. A later migration that makes SQLite rebuild
  knowledge_material (Django copies the table to change a column) drops the triggers with the old table and
  must create them again (the statements below) and run 'rebuild'.
"""

from django.db import migrations

PG_FORWARD = [
    "CREATE INDEX knowledge_material_title_vector ON knowledge_material USING GIN (title_vector)",
    # Typos are now matched against a vocabulary of title lemmas in Python (search._corrected): measured, the
    # trigram index on whole titles offered ~1,200 candidate titles for «кварум» (55 ms) and cost every write.
    "DROP INDEX IF EXISTS knowledge_material_title_trgm",
]
PG_BACKWARD = [
    "CREATE INDEX IF NOT EXISTS knowledge_material_title_trgm ON knowledge_material USING GIN (search_title gin_trgm_ops)",
    "DROP INDEX IF EXISTS knowledge_material_title_vector",
]

SQLITE_FORWARD = [
    """CREATE VIRTUAL TABLE knowledge_material_fts USING fts5(
        lemmas_title, lemmas_text, content='knowledge_material', content_rowid='id')""",
    """CREATE TRIGGER knowledge_material_fts_insert AFTER INSERT ON knowledge_material BEGIN
        INSERT INTO knowledge_material_fts(rowid, lemmas_title, lemmas_text)
        VALUES (new.id, new.lemmas_title, new.lemmas_text);
    END""",
    """CREATE TRIGGER knowledge_material_fts_delete AFTER DELETE ON knowledge_material BEGIN
        INSERT INTO knowledge_material_fts(knowledge_material_fts, rowid, lemmas_title, lemmas_text)
        VALUES ('delete', old.id, old.lemmas_title, old.lemmas_text);
    END""",
    """CREATE TRIGGER knowledge_material_fts_update AFTER UPDATE OF lemmas_title, lemmas_text
        ON knowledge_material BEGIN
        INSERT INTO knowledge_material_fts(knowledge_material_fts, rowid, lemmas_title, lemmas_text)
        VALUES ('delete', old.id, old.lemmas_title, old.lemmas_text);
        INSERT INTO knowledge_material_fts(rowid, lemmas_title, lemmas_text)
        VALUES (new.id, new.lemmas_title, new.lemmas_text);
    END""",
    "INSERT INTO knowledge_material_fts(knowledge_material_fts) VALUES ('rebuild')",
]
SQLITE_BACKWARD = [
    "DROP TRIGGER IF EXISTS knowledge_material_fts_update",
    "DROP TRIGGER IF EXISTS knowledge_material_fts_delete",
    "DROP TRIGGER IF EXISTS knowledge_material_fts_insert",
    "DROP TABLE IF EXISTS knowledge_material_fts",
]


def _run(statements_by_vendor):
    def run(apps, schema_editor):
        for sql in statements_by_vendor.get(schema_editor.connection.vendor, []):
            schema_editor.execute(sql)

    return run


class Migration(migrations.Migration):
    dependencies = [("knowledge", "0002_postgres_search_and_topics")]

    operations = [
        migrations.RunPython(
            _run({"postgresql": PG_FORWARD, "sqlite": SQLITE_FORWARD}),
            _run({"postgresql": PG_BACKWARD, "sqlite": SQLITE_BACKWARD}),
        ),
    ]
