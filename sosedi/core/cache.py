"""Django's Redis cache, keeping one client per connection pool.

The stock backend builds a new `redis.Redis` object for every cache operation; building one fills its table
of response callbacks (some hundred entries), which cost about half a millisecond of Python per `get` or `set`
on the benchmark machine — more than the round trip to Redis itself. A page-cache hit makes one or two such
calls, a ТОС page miss four. A `redis.Redis` client is safe to share between threads (each command borrows a
connection from the pool), so one per pool is kept for the life of the process. docs/performance.md
"""

from django.core.cache.backends.redis import RedisCache, RedisCacheClient


class ReusedClientRedisCacheClient(RedisCacheClient):
    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self._clients = {}

    def get_client(self, key=None, *, write=False):
        index = self._get_connection_pool_index(write)
        client = self._clients.get(index)
        if client is None:
            pool = self._get_connection_pool(write)
            client = self._clients[index] = self._client(connection_pool=pool)
        return client


class ReusedClientRedisCache(RedisCache):
    def __init__(self, server, params):
        super().__init__(server, params)
        self._class = ReusedClientRedisCacheClient
