"""Whole-page cache for anonymous visitors of public pages (registry, ТОС page, map, find).

Such pages are the same for every visitor without a session, so their HTML is cached under a key that
includes a content version stored in the database. Any change to what they show bumps the version in the
same transaction (signals in sosedi/territories/signals.py). Each server re-reads the version at most every
PAGE_CACHE_VERSION_TTL seconds (1 s), so a change shows everywhere within a second, whether the cache is
Redis shared by all servers or a per-process memory cache. Signed-in visitors, and anyone with
a session or pending messages, always get a freshly rendered page. docs/decisions/0003-public-page-cache.md
"""

import threading
import time
from collections import OrderedDict
from functools import wraps

from django.conf import settings
from django.core.cache import cache
from django.db import transaction
from django.db.models import F
from django.http import HttpResponse

from .models import ContentVersion

# Scopes: "registry" covers what lists, the map and the API show (ТОС rows, municipalities, directions,
# boundary decisions); "tos:<id>" covers what only that ТОС's page adds (members, its body, their names).
# A new member of one ТОС thus leaves every other cached page alone.
REGISTRY = "registry"
PUBLIC = REGISTRY
TIMEOUT = 600


def tos_scope(tos_id) -> str:
    return f"tos:{tos_id}"


# key → (version, monotonic time it was read). Each process re-reads the version at most every
# PAGE_CACHE_VERSION_TTL seconds, so a hit costs no database query; a change shows on other servers within
# that time, and at once in the process that made it.
_memo: dict[str, tuple[int, float]] = {}


# Versions are also kept in the shared cache for this long. There are as many scopes as ТОС (35,000 pages that
# are mostly cache misses), so the database is asked once per scope per this time, not on every miss. A bump
# deletes the cached value after commit; a reader that read the database just before that commit could put the
# old value back, and the short life bounds how long that rare race can show a stale page.
SHARED_VERSION_TTL = 30


def _version_key(key: str) -> str:
    return f"content-version:{key}"


def content_version(key: str = PUBLIC) -> int:
    ttl = getattr(settings, "PAGE_CACHE_VERSION_TTL", 1.0)
    now = time.monotonic()
    known = _memo.get(key)
    if known is not None and now - known[1] < ttl:
        return known[0]
    shared = bool(ttl) and key not in _dirty
    version = cache.get(_version_key(key)) if shared else None
    if version is None:
        version = ContentVersion.objects.filter(key=key).values_list("version", flat=True).first() or 0
        if shared:
            cache.add(_version_key(key), version, SHARED_VERSION_TTL)
    _memo[key] = (version, now)
    return version


# Scopes this process has bumped in a transaction not yet committed: it reads their version from the database
# (so its own change shows at once) and keeps that uncommitted number out of the shared cache.
_dirty: set[str] = set()


def _forget(key: str) -> None:
    _dirty.discard(key)
    _memo.pop(key, None)
    cache.delete(_version_key(key))


def bump_content_version(key: str = PUBLIC) -> None:
    updated = ContentVersion.objects.filter(key=key).update(version=F("version") + 1)
    if not updated:
        ContentVersion.objects.get_or_create(key=key, defaults={"version": 1})
    _dirty.add(key)
    _memo.pop(key, None)
    cache.delete(_version_key(key))
    # After commit too: another process may have put the old (still committed) number back meanwhile.
    transaction.on_commit(lambda: _forget(key))


class _LocalPages:
    """Recently served pages kept by this process in front of the shared cache, least recently used evicted
    past a byte limit. A page's key carries the versions of what it shows, so a local copy is exactly as
    fresh as the shared one under the same key, and a hit costs no round trip: on this machine one Redis GET
    (two system calls) made a cached registry page cost three times the trivial view."""

    def __init__(self):
        self._pages: OrderedDict[str, tuple[bytes, str, float]] = OrderedDict()
        self._bytes = 0
        # gthread workers serve several requests of one process at once.
        self._lock = threading.Lock()

    def get(self, key: str):
        with self._lock:
            page = self._pages.get(key)
            if page is None:
                return None
            if page[2] < time.monotonic():
                self._drop(key)
                return None
            self._pages.move_to_end(key)
            return page[0], page[1]

    def put(self, key: str, content: bytes, content_type: str, limit: int, timeout: float = TIMEOUT) -> None:
        size = len(content) + len(key)
        if size > limit // 8:  # one huge page must not push out the many small ones
            return
        with self._lock:
            if key in self._pages:
                self._drop(key)
            self._pages[key] = (content, content_type, time.monotonic() + timeout)
            self._bytes += size
            while self._bytes > limit:
                self._drop(next(iter(self._pages)))

    def _drop(self, key: str) -> None:
        content, _, _ = self._pages.pop(key)
        self._bytes -= len(content) + len(key)

    def clear(self) -> None:
        with self._lock:
            self._pages.clear()
            self._bytes = 0

    def __len__(self) -> int:
        return len(self._pages)


_local = _LocalPages()


def _local_limit() -> int:
    """Bytes of pages this process keeps; 0 turns the local copy off (as with a per-process memory cache,
    which needs none)."""
    return getattr(settings, "PAGE_CACHE_LOCAL_BYTES", 0)


def read_through(key: str):
    """(content, content_type) cached under `key`: this process's copy, else the shared cache's (then kept
    here too), else None. Keys must carry the versions of what the content shows (see _LocalPages)."""
    limit = _local_limit()
    hit = _local.get(key) if limit else None
    if hit is None:
        hit = cache.get(key)
        if hit is not None and limit:
            _local.put(key, *hit, limit)
    return hit


def store(key: str, content: bytes, content_type: str, timeout: float = TIMEOUT) -> None:
    """Cache `content` under `key` in the shared cache and in this process's copy, for `timeout` seconds."""
    cache.set(key, (content, content_type), timeout)
    if limit := _local_limit():
        _local.put(key, content, content_type, limit, timeout)


def store_after_sent(response, key: str, content: bytes, content_type: str, timeout: float = TIMEOUT) -> None:
    """store(), once `response` has gone to the reader: a WSGI server closes the response after writing its
    body, and Django's close() runs the response's closers (its own list, also used for files). Under load a
    round trip to the shared cache waits for a turn on the CPU; the reader no longer waits with it."""
    response._resource_closers.append(lambda: store(key, content, content_type, timeout))


def _cacheable(request) -> bool:
    return (
        request.method == "GET"
        and not request.user.is_authenticated
        and settings.SESSION_COOKIE_NAME not in request.COOKIES
        and "messages" not in request.COOKIES
    )


def note_version(request, scope: str, version: int) -> None:
    """A view that read a scope's version in the same query as the content it shows records it here; the
    page is then cached with that version as its stamp (see `cache_public_page(stamped=…)`)."""
    request.__dict__.setdefault("_content_versions", {})[scope] = version


def _shared_versions(key: str, stamped) -> tuple[object, dict[str, int]]:
    """The cached page and the versions of its stamped scopes, in one round trip to the shared cache; a
    version this process read within the TTL is not asked for."""
    ttl = getattr(settings, "PAGE_CACHE_VERSION_TTL", 1.0)
    now = time.monotonic()
    current, wanted = {}, [key]
    for scope in stamped:
        known = _memo.get(scope)
        if known is not None and now - known[1] < ttl:
            current[scope] = known[0]
        elif ttl and scope not in _dirty:
            wanted.append(_version_key(scope))
    found = cache.get_many(wanted)
    for scope in stamped:
        version = found.get(_version_key(scope))
        if scope not in current and version is not None:
            current[scope] = version
            _memo[scope] = (version, now)
    return found.get(key), current


def _serve_stamped(request, render, key: str, stamped):
    """Pages whose own scope (one ТОС) is nearly always a miss: the page is cached under a key without that
    scope's version and carries the version it was rendered from as a stamp. A miss then costs no version
    lookup — the view reads the version in the query it runs anyway (`note_version`) — and a hit one round
    trip for the page and the version together. A stamp older than the scope's version is a miss, so a page
    rendered from data read before a change can never outlive it."""
    hit, current = _shared_versions(key, stamped)
    if hit is not None:
        content, content_type, stamps = hit
        # A page found without its scope's version known: one query is still cheaper than a render.
        if all(stamps.get(s) == (current[s] if s in current else content_version(s)) for s in stamped):
            response = HttpResponse(content, content_type=content_type)
            response["X-Page-Cache"] = "hit"
            return response
    response = render(request)
    noted = getattr(request, "_content_versions", {})
    # A view that did not note a version is not cached: a version read after rendering could be newer than
    # the data on the page and would stamp stale content as current.
    if _storable(response) and all(s in noted for s in stamped):
        cache.set(key, (response.content, response["Content-Type"], {s: noted[s] for s in stamped}), TIMEOUT)
        ttl = getattr(settings, "PAGE_CACHE_VERSION_TTL", 1.0)
        now = time.monotonic()
        for scope in stamped:
            if scope not in current:
                # Read from the database just now, like content_version's own reads: kept here and shared.
                _memo[scope] = (noted[scope], now)
                if ttl and scope not in _dirty:
                    cache.add(_version_key(scope), noted[scope], SHARED_VERSION_TTL)
    return response


def _storable(response) -> bool:
    return response.status_code == 200 and not response.streaming and not response.cookies


def _serve(request, render, scopes=(REGISTRY,), stamped=()):
    """Serve `render(request)` from the cache when the request is anonymous and the page public; the key
    carries the version of every scope the page shows, or the page a stamp of its `stamped` scopes."""
    if not _cacheable(request):
        return render(request)
    htmx = "1" if request.headers.get("HX-Request") else "0"
    versions = ".".join(str(content_version(scope)) for scope in scopes)
    key = f"page:{versions}:{htmx}:{request.get_full_path()}"
    if stamped:
        return _serve_stamped(request, render, key, stamped)
    hit = read_through(key)
    if hit is not None:
        content, content_type = hit
        response = HttpResponse(content, content_type=content_type)
        response["X-Page-Cache"] = "hit"
        return response
    response = render(request)
    if _storable(response):
        store(key, response.content, response["Content-Type"])
    return response


def serve_public(request, render, scopes=(REGISTRY,)):
    """The same cache for an answer that a view decides is public, e.g. the initiatives map API caches its tiles
    (which repeat across visitors) but not its arbitrary rectangles. `render(request)` must return an
    HttpResponse; `scopes` name every content version the answer shows."""
    return _serve(request, render, tuple(scopes))


def cache_public_page(view=None, *, scopes=None, stamped=None):
    """Cache an anonymous public page. `scopes(**url_kwargs)` names the content scopes it shows beyond the
    registry, carried in the key; `stamped(**url_kwargs)` names scopes carried as a stamp instead, whose
    version the view must report with `note_version` (the ТОС page reads its own in its one query)."""

    def decorate(view):
        @wraps(view)
        def wrapper(request, *args, **kwargs):
            extra = tuple(scopes(**kwargs)) if scopes else ()
            stamps = tuple(stamped(**kwargs)) if stamped else ()
            return _serve(request, lambda r: view(r, *args, **kwargs), (REGISTRY, *extra), stamps)

        return wrapper

    return decorate(view) if view is not None else decorate


class PublicApiCacheMiddleware:
    """The same cache for anonymous reads of the public API (registry, map, municipalities). Requests with a
    token or a session, and `/me`, always reach the API. Locate is left out: its points are arbitrary and
    never repeat, so caching it would only add a cache read and write to every request."""

    PREFIXES = ("/api/v1/tos", "/api/v1/municipalities")
    UNCACHED = ("/api/v1/tos/locate",)

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if (
            request.path.startswith(self.PREFIXES)
            and not request.path.startswith(self.UNCACHED)
            and "HTTP_AUTHORIZATION" not in request.META
        ):
            return _serve(request, self.get_response)
        return self.get_response(request)
