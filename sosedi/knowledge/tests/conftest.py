import pytest


@pytest.fixture(autouse=True)
def _fresh_knowledge_memos():
    """Per-process memos keyed by the knowledge content version, which restarts with each test's database."""
    from sosedi.knowledge import search, selectors

    search._vocabulary.update(version=None, words=[])
    selectors._panels.clear()
    yield
