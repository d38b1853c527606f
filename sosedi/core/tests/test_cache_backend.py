"""The Redis cache backend used in production (REDIS_URL), against the real Redis on 127.0.0.1."""

import pytest

from sosedi.core.cache import ReusedClientRedisCache

REDIS = "redis://127.0.0.1:6379/14"


@pytest.fixture
def redis_cache():
    backend = ReusedClientRedisCache(REDIS, {"KEY_PREFIX": "test-backend"})
    try:
        backend.clear()
    except Exception as exc:  # noqa: BLE001 — say plainly what is missing
        pytest.fail(f"Redis is not running on 127.0.0.1:6379 ({exc}); start it as docs/deploy.md says")
    yield backend
    backend.clear()


def test_one_client_serves_every_operation(redis_cache):
    first = redis_cache._cache.get_client("a")
    assert redis_cache._cache.get_client("b", write=True) is first


def test_it_behaves_as_a_cache(redis_cache):
    assert redis_cache.get("page") is None
    redis_cache.set("page", ("<html>", "text/html"), 60)
    assert redis_cache.get("page") == ("<html>", "text/html")
    assert redis_cache.add("page", "other", 60) is False
    assert redis_cache.add("version", 3, 30) is True and redis_cache.get("version") == 3
    redis_cache.delete("version")
    assert redis_cache.get("version") is None
    assert redis_cache.get_many(["page", "nothing"]) == {"page": ("<html>", "text/html")}
