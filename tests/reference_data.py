"""Reference data for transactional tests.

Data migrations fill the test database once; a transactional test (browser journeys, real commits) ends by
emptying every table, which takes that data with it. Re-running the same idempotent migration functions at the
start of such a test puts it back exactly as the migrations wrote it."""

import importlib

from django.apps import apps

DATA_MIGRATIONS = [
    ("sosedi.territories.migrations.0002_reference_data", "load"),
    ("sosedi.core.migrations.0003_seed_rule_sets", "seed"),
    ("sosedi.core.migrations.0006_seed_calendar_days", "seed"),
    ("sosedi.core.migrations.0007_rule_set_survey_id_and_marks", "forwards"),
    ("sosedi.core.migrations.0008_rule_set_meeting_keys", "forwards"),
    ("sosedi.initiatives.migrations.0002_rule_min_signatures", "forwards"),
    ("sosedi.initiatives.migrations.0008_other_initiators", "add_rule"),
    ("sosedi.knowledge.migrations.0002_postgres_search_and_topics", "seed_topics"),
]


def restore_reference_data() -> None:
    for module_name, function in DATA_MIGRATIONS:
        getattr(importlib.import_module(module_name), function)(apps, None)
