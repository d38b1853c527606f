import pytest
from django.core.cache import cache


@pytest.fixture(autouse=True)
def _media_root(settings, tmp_path):
    """Uploaded files of a test go to its own temporary folder."""
    settings.MEDIA_ROOT = tmp_path / "media"


@pytest.fixture(autouse=True)
def _fresh_cache():
    """The in-memory cache outlives a test; cached pages of one test must not leak into the next."""
    from sosedi.core import pagecache
    from sosedi.initiatives import selectors as initiatives_selectors
    from sosedi.territories import selectors

    # Version numbers restart with every test's rolled-back database, so memos keyed by them must too.
    cache.clear()
    pagecache._memo.clear()
    pagecache._dirty.clear()
    pagecache._local.clear()
    selectors._span_memo.clear()
    selectors._directions.clear()  # transactional tests recreate the reference rows with new ids
    initiatives_selectors._filter_memo.clear()
    yield
    cache.clear()
