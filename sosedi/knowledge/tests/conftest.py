import importlib

import pytest


@pytest.fixture(autouse=True)
def _fresh_knowledge_memos():
    """Per-process memos keyed by the knowledge content version, which restarts with each test's database."""
    from sosedi.knowledge import search, selectors

    search._vocabulary.update(version=None, words=set(), trigrams={})
    selectors._panels.clear()
    yield


@pytest.fixture(autouse=True)
def _no_result_cache(settings):
    """Search tests measure the search itself; the result cache has its own tests (they turn it on)."""
    settings.KNOWLEDGE_SEARCH_CACHE_SECONDS = 0


@pytest.fixture(autouse=True)
def _legal_topics(request):
    """The legal topics come from a data migration; a transactional test run earlier (in random order) empties
    the table, so database tests put them back (idempotent)."""
    if request.node.get_closest_marker("django_db") is None:
        return
    request.getfixturevalue("db")
    from django.apps import apps

    from sosedi.knowledge.models import Topic

    if not Topic.objects.exists():
        importlib.import_module("sosedi.knowledge.migrations.0002_postgres_search_and_topics").seed_topics(apps, None)
