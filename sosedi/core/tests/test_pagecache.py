import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from sosedi.accounts.tests.factories import UserFactory
from sosedi.territories.tests.factories import TosFactory

pytestmark = pytest.mark.django_db


def test_anonymous_page_is_cached_until_content_changes(client):
    tos = TosFactory(name="ТОС «Первый»")
    first = client.get("/tos/")
    assert "X-Page-Cache" not in first
    with CaptureQueriesContext(connection) as ctx:
        second = client.get("/tos/")
    assert second["X-Page-Cache"] == "hit" and len(ctx.captured_queries) == 1  # only the version
    assert second.content == first.content
    tos.name = "ТОС «Переименованный»"
    tos.save()
    third = client.get("/tos/")
    assert "X-Page-Cache" not in third and "Переименованный" in third.content.decode()


def test_htmx_and_full_page_cached_apart(client):
    TosFactory()
    full = client.get("/tos/").content
    partial = client.get("/tos/", HTTP_HX_REQUEST="true").content
    assert full != partial
    assert client.get("/tos/", HTTP_HX_REQUEST="true").content == partial


def test_signed_in_visitors_are_never_served_from_cache(client):
    tos = TosFactory()
    client.get(f"/tos/{tos.pk}/")
    client.force_login(UserFactory())
    response = client.get(f"/tos/{tos.pk}/")
    assert "X-Page-Cache" not in response
    assert "Войдите, чтобы вступить" not in response.content.decode()


def test_a_login_does_not_flush_the_cache(client):
    tos = TosFactory()
    user = UserFactory()
    client.get(f"/tos/{tos.pk}/")
    user.last_login = None
    user.save(update_fields=["last_login"])
    assert client.get(f"/tos/{tos.pk}/")["X-Page-Cache"] == "hit"


def test_anonymous_api_reads_cached_and_invalidated(client):
    tos = TosFactory(name="ТОС «Апи»")
    assert "X-Page-Cache" not in client.get("/api/v1/tos")
    assert client.get("/api/v1/tos")["X-Page-Cache"] == "hit"
    tos.name = "ТОС «Новое имя»"
    tos.save()
    fresh = client.get("/api/v1/tos")
    assert "X-Page-Cache" not in fresh and fresh.json()["items"][0]["name"] == "ТОС «Новое имя»"


def test_api_with_token_or_errors_is_not_cached(client):
    from sosedi.api.tokens import api_token_create

    TosFactory()
    _, raw = api_token_create(actor=UserFactory(), name="t")
    client.get("/api/v1/tos", HTTP_AUTHORIZATION=f"Bearer {raw}")
    assert "X-Page-Cache" not in client.get("/api/v1/tos", HTTP_AUTHORIZATION=f"Bearer {raw}")
    client.get("/api/v1/tos/999999")
    assert "X-Page-Cache" not in client.get("/api/v1/tos/999999")


def test_version_is_memoised_per_process_but_own_changes_show_at_once(client, settings):
    from sosedi.core import pagecache

    settings.PAGE_CACHE_VERSION_TTL = 60
    pagecache._memo.clear()
    tos = TosFactory(name="ТОС «Старое»")
    client.get("/tos/")
    with CaptureQueriesContext(connection) as ctx:
        assert client.get("/tos/")["X-Page-Cache"] == "hit"
    assert len(ctx.captured_queries) == 0  # neither the page nor the version touched the database
    tos.name = "ТОС «Свежее»"
    tos.save()  # this process bumped the version, so it forgets its memo
    assert "Свежее" in client.get("/tos/").content.decode()
    pagecache._memo.clear()


def test_a_new_member_refreshes_only_that_tos_page(client):
    from sosedi.territories.models import Membership

    first, second = TosFactory(), TosFactory()
    client.get(f"/tos/{first.pk}/")
    client.get(f"/tos/{second.pk}/")
    client.get("/tos/")
    Membership.objects.create(tos=first, user=UserFactory(), status="active", address="ул. Новая, 1")
    assert "X-Page-Cache" not in client.get(f"/tos/{first.pk}/")
    assert client.get(f"/tos/{second.pk}/")["X-Page-Cache"] == "hit"
    assert client.get("/tos/")["X-Page-Cache"] == "hit"


def test_a_council_members_name_change_refreshes_their_tos_page(client):
    from sosedi.accounts.models import Role
    from sosedi.accounts.tests.factories import grant
    from sosedi.territories.models import Membership

    tos = TosFactory()
    person = UserFactory()
    Membership.objects.create(tos=tos, user=person, status="active", address="ул. Новая, 1")
    grant(person, Role.COUNCIL_MEMBER, tos=tos)
    client.get(f"/tos/{tos.pk}/")
    person.last_name = "Другая"
    person.save()
    assert "X-Page-Cache" not in client.get(f"/tos/{tos.pk}/")


def test_locate_is_never_cached(client):
    TosFactory()
    client.get("/api/v1/tos/locate", {"lat": 51.5, "lon": 46.0})
    assert "X-Page-Cache" not in client.get("/api/v1/tos/locate", {"lat": 51.5, "lon": 46.0})


def test_versions_are_shared_through_the_cache_and_a_commit_invalidates_them(
    settings, django_capture_on_commit_callbacks
):
    from django.core.cache import cache

    from sosedi.core import pagecache

    settings.PAGE_CACHE_VERSION_TTL = 60
    key = "tos:424242"
    assert pagecache.content_version(key) == 0
    assert cache.get(pagecache._version_key(key)) == 0  # other processes read it from here, not the database
    pagecache._memo.clear()  # as another process would
    with CaptureQueriesContext(connection) as ctx:
        assert pagecache.content_version(key) == 0
    assert len(ctx.captured_queries) == 0
    with django_capture_on_commit_callbacks(execute=True):
        pagecache.bump_content_version(key)
        assert pagecache.content_version(key) == 1  # the writer sees its own change before commit
        assert cache.get(pagecache._version_key(key)) is None  # the uncommitted number is not shared
    pagecache._memo.clear()
    assert pagecache.content_version(key) == 1
    assert cache.get(pagecache._version_key(key)) == 1 and key not in pagecache._dirty


def _contentversion_reads(ctx) -> int:
    """Statements that read a version on their own (the ТОС page reads its own inside its one query)."""
    return sum(q["sql"].startswith('SELECT "core_contentversion"') for q in ctx.captured_queries)


def test_a_tos_page_miss_reads_its_version_with_its_data_and_a_hit_asks_no_database(client, settings):
    from sosedi.core import pagecache

    settings.PAGE_CACHE_VERSION_TTL = 60
    other, tos = TosFactory(), TosFactory()
    client.get(f"/tos/{other.pk}/")  # a running process has served some ТОС page already
    with CaptureQueriesContext(connection) as ctx:
        first = client.get(f"/tos/{tos.pk}/")
    assert "X-Page-Cache" not in first
    assert len(ctx.captured_queries) == 1 and _contentversion_reads(ctx) == 0
    pagecache._memo.pop(pagecache.tos_scope(tos.pk))  # as another process would: it finds the version shared
    with CaptureQueriesContext(connection) as ctx:
        second = client.get(f"/tos/{tos.pk}/")
    assert second["X-Page-Cache"] == "hit" and second.content == first.content
    assert len(ctx.captured_queries) == 0


def _stamped_request(path="/tos/1/"):
    from django.contrib.auth.models import AnonymousUser
    from django.test import RequestFactory

    request = RequestFactory().get(path)
    request.user = AnonymousUser()
    return request


def test_a_page_rendered_from_data_read_before_a_change_is_not_served_after_it(django_capture_on_commit_callbacks):
    """A writer commits while the page renders: the stamp is the version read with the data, so the next
    visitor gets a new render, not the page of the old data."""
    from django.http import HttpResponse

    from sosedi.core import pagecache

    scope = "tos:777"
    renders = []

    def render(request, bump=False):
        version = pagecache.content_version(scope)
        pagecache.note_version(request, scope, version)
        if bump:
            with django_capture_on_commit_callbacks(execute=True):
                pagecache.bump_content_version(scope)
        renders.append(version)
        return HttpResponse(f"версия {version}")

    pagecache._serve(_stamped_request(), lambda r: render(r, bump=True), stamped=(scope,))
    pagecache._memo.clear()
    again = pagecache._serve(_stamped_request(), render, stamped=(scope,))
    assert renders == [0, 1] and again.content == "версия 1".encode()
    pagecache._memo.clear()
    assert pagecache._serve(_stamped_request(), render, stamped=(scope,))["X-Page-Cache"] == "hit"


def test_a_view_that_does_not_note_its_version_is_not_cached():
    from django.http import HttpResponse

    from sosedi.core import pagecache

    calls = []

    def render(request):
        calls.append(1)
        return HttpResponse("без версии")

    for _ in range(2):
        assert "X-Page-Cache" not in pagecache._serve(_stamped_request(), render, stamped=("tos:778",))
    assert len(calls) == 2


def test_local_copy_serves_a_hit_without_the_shared_cache_and_follows_the_version(client, settings):
    from django.core.cache import cache

    settings.PAGE_CACHE_LOCAL_BYTES = 1 << 20
    tos = TosFactory(name="ТОС «Местный»")
    first = client.get("/tos/")
    cache.clear()  # what is left is the process's own copy
    second = client.get("/tos/")
    assert second["X-Page-Cache"] == "hit" and second.content == first.content
    tos.name = "ТОС «После правки»"
    tos.save()  # a new version means a new key: the local copy of the old page is never served again
    third = client.get("/tos/")
    assert "X-Page-Cache" not in third and "После правки" in third.content.decode()


def test_local_copy_fills_from_the_shared_cache(client, settings):
    from django.core.cache import cache

    from sosedi.core import pagecache

    TosFactory()
    client.get("/tos/")  # stored in the shared cache only: the local copy is off
    settings.PAGE_CACHE_LOCAL_BYTES = 1 << 20
    assert client.get("/tos/")["X-Page-Cache"] == "hit"  # from the shared cache, now copied locally
    cache.clear()
    assert client.get("/tos/")["X-Page-Cache"] == "hit" and len(pagecache._local) == 1


def test_local_copy_is_bounded_and_evicts_the_least_recently_used():
    from sosedi.core.pagecache import _LocalPages

    pages = _LocalPages()
    limit = 8 * 100
    for n in range(10):
        pages.put(f"k{n}", b"x" * 90, "text/html", limit)  # 92 bytes with the key: eight fit
        pages.get("k0")  # the first page stays in use
    assert pages.get("k0") is not None and pages.get("k1") is None and pages.get("k9") is not None
    assert sum(len(c) + len(k) for k, (c, _, _) in pages._pages.items()) <= limit
    pages.put("huge", b"x" * 200, "text/html", limit)  # more than an eighth of the limit: not kept
    assert pages.get("huge") is None


def test_local_copy_expires_with_the_shared_timeout(monkeypatch):
    from sosedi.core import pagecache

    pages = pagecache._LocalPages()
    pages.put("k", b"page", "text/html", 1000)
    now = pagecache.time.monotonic()
    monkeypatch.setattr(pagecache.time, "monotonic", lambda: now + pagecache.TIMEOUT + 1)
    assert pages.get("k") is None and len(pages) == 0


def test_stored_after_sent_is_cached_only_once_the_response_is_closed():
    """A WSGI server closes the response after writing its body; the content reaches the cache then, so the
    reader does not wait for the shared cache's round trip."""
    from django.http import HttpResponse

    from sosedi.core import pagecache

    response = HttpResponse(b"{}", content_type="application/json")
    pagecache.store_after_sent(response, "test-after-sent", b"{}", "application/json", 60)
    assert pagecache.read_through("test-after-sent") is None
    response.close()
    assert pagecache.read_through("test-after-sent") == (b"{}", "application/json")
