"""PostgreSQL: keep the columns search reads in a narrow row and the long texts out of line (decision 0005, 10).

A search reads the first thousand matching rows for their kind, audiences, title length and title vector. With the
texts stored in the row (tsvector, plain text and lemmas of the body: ~3 KB a row, two or three rows a page) those
thousand rows spread over ~400 pages; with the long values moved to the TOAST table (toast_tuple_target) the same
rows fit in ~40, and the sample statement ran 10–25 % faster on 20,000 materials. The title and its vector stay in
the row (PLAIN): search compares them on every sampled row. Rows written before are rewritten once; SQLite has no
such storage settings and is left as it is.
"""

from django.db import migrations

FORWARD = [
    "ALTER TABLE knowledge_material SET (toast_tuple_target = 256)",
    "ALTER TABLE knowledge_material ALTER COLUMN search_title SET STORAGE PLAIN, "
    "ALTER COLUMN title_vector SET STORAGE PLAIN",
    # A new row version is stored under the new settings.
    "UPDATE knowledge_material SET search_title = search_title",
]
BACKWARD = [
    "ALTER TABLE knowledge_material RESET (toast_tuple_target)",
    "ALTER TABLE knowledge_material ALTER COLUMN search_title SET STORAGE EXTENDED, "
    "ALTER COLUMN title_vector SET STORAGE EXTENDED",
]


def _run(statements):
    def run(apps, schema_editor):
        if schema_editor.connection.vendor == "postgresql":
            for statement in statements:
                schema_editor.execute(statement)

    return run


class Migration(migrations.Migration):
    dependencies = [("knowledge", "0003_search_title_index_and_fts")]

    operations = [migrations.RunPython(_run(FORWARD), _run(BACKWARD), elidable=False)]
