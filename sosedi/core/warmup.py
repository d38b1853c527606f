"""What a server process loads before it serves its first request.

Django imports the URLconf — every view, the API with its schemas, openpyxl, shapely — on the first request a
process gets, its Redis cache backend imports redis-py on the first cache read, and the knowledge search loads
its morphology dictionary on the first search. Measured on the benchmark machine, that first request took
1.5–2.4 s (the redis-py import alone 0.5 s), so a freshly started worker answered its first visitors seconds
late. With gunicorn's preload_app (gunicorn.conf.py) this runs once in the master before the workers fork; it
also runs, per process, wherever else config.wsgi is imported. Nothing here opens a database connection: a
server must start even while the database is restarting, and no connection may be shared across a fork.
"""

from django.core.cache import caches
from django.urls import get_resolver


def warm_up() -> None:
    get_resolver().url_patterns  # noqa: B018  (the property imports the whole URLconf)
    for alias in caches:
        # Django's Redis backend imports redis-py (0.5 s) and builds its client on first use; the client connects
        # on its first command, and redis-py's pool opens new connections in a forked process.
        getattr(caches[alias], "_cache", None)
    from sosedi.knowledge.text import lemma, words

    lemma(words("собрание жителей")[0])  # loads the morphology dictionary and the tokenizer
