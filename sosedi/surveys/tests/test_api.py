"""API v1: the survey list and results — counts per option and the total, under the same permission as the
page."""

import pytest

from sosedi.accounts.tests.factories import ResidentFactory
from sosedi.api.tokens import api_token_create
from sosedi.surveys import services
from sosedi.surveys.models import Response, ResponseStatus

from .factories import every_kind, staff
from .test_results import _answer

pytestmark = pytest.mark.django_db


def test_list_shows_published_surveys_and_hides_drafts(client):
    boss = staff()
    published, *_ = every_kind(boss, title="Опубликованный")
    services.survey_create(actor=boss, title="Черновик")
    body = client.get("/api/v1/surveys").json()
    assert [s["title"] for s in body["items"]] == ["Опубликованный"]
    assert body["items"][0]["status"] == "идёт" and body["count"] == 1
    client.force_login(boss)
    assert client.get("/api/v1/surveys").json()["count"] == 2


def test_results_give_counts_per_option_and_the_total(client):
    boss = staff()
    s, one, two, q = every_kind(boss)
    _answer(s, one, two, q, single="Да")
    _answer(s, one, two, q, single="Нет")
    assert client.get(f"/api/v1/surveys/{s.pk}/results").status_code == 404  # results not public
    _token, key = api_token_create(actor=boss, name="тест")
    body = client.get(f"/api/v1/surveys/{s.pk}/results", HTTP_AUTHORIZATION=f"Bearer {key}").json()
    assert body["responses"] == Response.objects.filter(survey=s, status=ResponseStatus.SUBMITTED).count() == 2
    single = next(x for x in body["questions"] if x["id"] == q["single"].pk)
    assert [(o["label"], o["count"], o["percent"]) for o in single["options"]] == [
        ("Да", 1, 50.0),
        ("Нет", 1, 50.0),
        ("Другое", 0, 0.0),
    ]
    matrix = next(x for x in body["questions"] if x["id"] == q["matrix"].pk)
    assert matrix["matrix"][0]["row"] == "Свет"


def test_public_results_are_open_and_a_bad_id_is_404(client):
    boss = staff()
    s, *_ = every_kind(boss, results_public=True)
    assert client.get(f"/api/v1/surveys/{s.pk}/results").json()["responses"] == 0
    missing = client.get("/api/v1/surveys/999999/results")
    assert missing.status_code == 404 and missing.json()["detail"] == "Опрос не найден."
    client.force_login(ResidentFactory())
    assert client.get("/api/v1/surveys?page=0").status_code == 422
