"""The catalogue pages, the proposal form, the review queue and GET /api/v1/practices."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from sosedi.accounts.tests.factories import UserFactory
from sosedi.initiatives.tests.factories import tos_with_chair
from sosedi.practices import services
from sosedi.practices.models import Practice, PracticeState
from sosedi.territories.tests.factories import TosFactory, municipality

from .factories import practice, reported_project
from .test_services import SUMMARY, staff

pytestmark = pytest.mark.django_db


def _accepted(n: int, **project_fields):
    for i in range(n):
        tos, chair = tos_with_chair()
        practice(reported_project(tos, chair, title=f"Площадка {i}", **project_fields), state=PracticeState.ACCEPTED)


def _count(client, url, **params) -> int:
    with CaptureQueriesContext(connection) as ctx:
        assert client.get(url, params).status_code == 200
    return len(ctx.captured_queries)


def test_catalogue_queries_do_not_grow_with_practices(client):
    _accepted(2)
    url = reverse("practices:catalogue")
    api = reverse("api:practice_list")
    client.get(url)  # warm per-process memos
    client.get(api)
    few, few_api = _count(client, url), _count(client, api)
    _accepted(8)
    assert _count(client, url) == few
    assert _count(client, api) == few_api


def test_catalogue_shows_accepted_only_and_filters_by_municipality(client):
    _accepted(1)
    hidden = practice(reported_project(title="Предложенная площадка"))
    other = TosFactory(municipality=municipality("Энгельсский муниципальный район"))
    page = client.get(reverse("practices:catalogue")).content.decode()
    assert "Площадка 0" in page and "Предложенная площадка" not in page
    assert client.get(reverse("practices:detail", args=[hidden.pk])).status_code == 404
    filtered = client.get(reverse("practices:catalogue"), {"municipality": other.municipality_id}).content.decode()
    assert "Практик по этим условиям пока нет" in filtered


def test_api_lists_accepted_practices_only(client):
    _accepted(1)
    practice(reported_project(title="Предложенная площадка"))
    body = client.get("/api/v1/practices").json()
    assert body["count"] == 1 and body["items"][0]["title"] == "Площадка 0"
    assert body["items"][0]["cost"] is not None
    assert client.get("/api/v1/practices", {"page_size": 0}).status_code == 422


def test_initiator_proposes_through_the_prefilled_form(client):
    project = reported_project()
    client.force_login(project.created_by)
    detail = client.get(project.get_absolute_url()).content.decode()
    assert "Предложить в каталог лучших практик" in detail
    form = client.get(reverse("practices:propose", args=[project.pk])).content.decode()
    assert project.report_text in form
    bad = client.post(reverse("practices:propose", args=[project.pk]), {"title": project.title, "summary": "Да."})
    assert bad.status_code == 200 and "Опишите практику" in bad.content.decode()
    ok = client.post(reverse("practices:propose", args=[project.pk]), {"title": project.title, "summary": SUMMARY})
    assert ok.status_code == 302 and Practice.objects.get().state == PracticeState.PROPOSED
    assert "предложен в каталог" in client.get(project.get_absolute_url()).content.decode()


def test_strangers_get_no_button_and_no_form(client):
    project = reported_project()
    client.force_login(UserFactory())
    assert "Предложить в каталог" not in client.get(project.get_absolute_url()).content.decode()
    assert client.get(reverse("practices:propose", args=[project.pk])).status_code == 403
    assert client.get(reverse("practices:review")).status_code == 403


def test_staff_declines_without_reason_gets_the_error_next_to_the_field(client):
    proposed = practice(reported_project())
    client.force_login(staff())
    assert proposed.title in client.get(reverse("practices:review")).content.decode()
    bad = client.post(reverse("practices:decide", args=[proposed.pk]), {"decision": "decline", "reason": ""})
    assert bad.status_code == 400 and "Укажите причину отказа" in bad.content.decode()
    ok = client.post(reverse("practices:decide", args=[proposed.pk]), {"decision": "accept"})
    assert ok.status_code == 302
    proposed.refresh_from_db()
    assert proposed.state == PracticeState.ACCEPTED


def test_after_a_decline_the_initiator_sees_the_reason_and_proposes_again_through_the_page(client):
    project = reported_project()
    declined = practice(project)
    services.practice_decide(actor=staff(), practice=declined, accept=False, reason="Мало подробностей.")
    declined.refresh_from_db()
    assert "Мало подробностей" not in client.get(project.get_absolute_url()).content.decode()  # not public
    client.force_login(UserFactory())
    assert "Предложить снова" not in client.get(project.get_absolute_url()).content.decode()
    client.force_login(project.created_by)
    detail = client.get(project.get_absolute_url()).content.decode()
    assert "Причина: Мало подробностей." in detail and "Предложить снова" in detail
    url = reverse("practices:propose", args=[project.pk])
    form = client.get(url).content.decode()
    assert "Мало подробностей." in form and declined.summary in form and "Предложить снова</button>" in form
    bad = client.post(url, {"title": declined.title, "summary": "Да."})
    assert bad.status_code == 200 and "Опишите практику" in bad.content.decode()
    ok = client.post(url, {"title": declined.title, "summary": SUMMARY})
    assert ok.status_code == 302
    declined.refresh_from_db()
    assert (declined.state, declined.summary) == (PracticeState.PROPOSED, SUMMARY)
    assert Practice.objects.count() == 1
    assert "предложен в каталог лучших практик: предложена" in client.get(project.get_absolute_url()).content.decode()
    client.force_login(staff())
    queue = client.get(reverse("practices:review")).content.decode()
    assert "Предложено снова после отказа. Прежняя причина: Мало подробностей." in queue
