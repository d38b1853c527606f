"""The pages, as plain form posts without JavaScript: build, preview, answer screen by screen, results."""

from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone
from freezegun import freeze_time

from sosedi.accounts.tests.factories import ResidentFactory
from sosedi.surveys.models import Anonymity, Audience, Question, Response, ResponseStatus, Survey

from .factories import every_kind, opt, staff
from .test_services import first_section_ok, second_section_ok

pytestmark = pytest.mark.django_db


def test_the_list_is_in_the_navigation(client):
    page = client.get(reverse("surveys:list"))
    assert page.status_code == 200
    assert f'href="{reverse("surveys:list")}"' in page.content.decode()


def test_staff_create_a_survey_and_add_questions_through_the_pages(client):
    boss = staff()
    client.force_login(boss)
    page = client.post(
        reverse("surveys:create"),
        {
            "title": "Освещение улиц",
            "kind": "survey",
            "audience": "public",
            "anonymity": "anonymous",
            "opens_at": "2026-11-01T09:00",
            "closes_at": "2026-10-01T09:00",
        },
    )
    assert page.status_code == 200
    assert "закрываться позже" in page.content.decode()
    page = client.post(
        reverse("surveys:create"),
        {
            "title": "Освещение улиц",
            "kind": "survey",
            "audience": "public",
            "anonymity": "anonymous",
            "opens_at": "2026-11-01T09:00",
        },
    )
    survey = Survey.objects.get(title="Освещение улиц")
    assert page.url == reverse("surveys:edit", args=[survey.pk])
    client.post(reverse("surveys:section_add", args=[survey.pk]), {"title": "Улица"})
    section = survey.sections.get()
    page = client.post(
        reverse("surveys:question_add", args=[survey.pk, section.pk]),
        {"kind": "single", "text": "Светло?", "options": "Да"},
    )
    assert page.status_code == 200 and "не меньше двух вариантов" in page.content.decode()
    client.post(
        reverse("surveys:question_add", args=[survey.pk, section.pk]),
        {"kind": "single", "text": "Светло?", "options": "Да\nНет", "required": "on"},
    )
    assert Question.objects.filter(section=section).count() == 1
    assert client.get(reverse("surveys:preview", args=[survey.pk, 1])).status_code == 200
    client.post(reverse("surveys:state", args=[survey.pk, "publish"]))
    survey.refresh_from_db()
    assert survey.state == "published"


def test_a_template_launches_the_awareness_survey(client):
    client.force_login(staff())
    page = client.post(reverse("surveys:create"), {"t-template": "awareness"})
    survey = Survey.objects.get(template_key="awareness")
    assert page.url == reverse("surveys:edit", args=[survey.pk])
    assert survey.sections.count() == 6
    edit = client.get(page.url).content.decode()
    assert "Показывается, если" in edit


def test_residents_cannot_open_the_builder(client):
    s, *_ = every_kind()
    client.force_login(ResidentFactory())
    assert client.get(reverse("surveys:edit", args=[s.pk])).status_code == 403


def test_answering_screen_by_screen_with_an_error_and_the_draft_kept(client):
    s, one, two, q = every_kind(anonymity=Anonymity.ONE_PER_PERSON)
    person = ResidentFactory()
    client.force_login(person)
    first = client.get(reverse("surveys:answer", args=[s.pk, 1])).content.decode()
    assert "Раздел 1 из 2" in first
    bad = first_section_ok(q) | {f"q{q['scale'].pk}": "9"}
    page = client.post(reverse("surveys:answer", args=[s.pk, 1]), bad)
    assert page.status_code == 400
    html = page.content.decode()
    assert "от 1 до 5" in html and "Проверьте ответы" in html
    # What was typed stays on the page.
    assert f'value="{opt(q["multiple"], "Урны")}" checked' in html
    page = client.post(reverse("surveys:answer", args=[s.pk, 1]), first_section_ok(q))
    assert page.url == reverse("surveys:answer", args=[s.pk, 2])
    # The connection drops; coming back, the saved screen is still filled in.
    again = client.get(reverse("surveys:answer", args=[s.pk, 1])).content.decode()
    assert f'value="{opt(q["single"], "Да")}" checked' in again
    page = client.post(reverse("surveys:answer", args=[s.pk, 2]), second_section_ok(q))
    assert page.url == reverse("surveys:finish", args=[s.pk])
    page = client.post(reverse("surveys:finish", args=[s.pk]))
    assert page.url == reverse("surveys:thanks", args=[s.pk])
    assert Response.objects.get(survey=s).status == ResponseStatus.SUBMITTED
    detail = client.get(reverse("surveys:detail", args=[s.pk])).content.decode()
    assert "уже ответили" in detail


def test_a_public_link_lets_anyone_answer_an_anonymous_survey(client):
    s, one, two, q = every_kind(anonymity=Anonymity.ANONYMOUS, audience=Audience.PUBLIC)
    page = client.get(reverse("surveys:public", args=[s.public_token]))
    assert page.url == reverse("surveys:detail", args=[s.pk])
    client.post(reverse("surveys:answer", args=[s.pk, 1]), first_section_ok(q))
    client.post(reverse("surveys:answer", args=[s.pk, 2]), second_section_ok(q))
    client.post(reverse("surveys:finish", args=[s.pk]))
    response = Response.objects.get(survey=s)
    assert response.status == ResponseStatus.SUBMITTED and response.user is None


def test_a_late_answer_is_refused_politely(client):
    s, one, two, q = every_kind()
    client.force_login(ResidentFactory())
    client.post(reverse("surveys:answer", args=[s.pk, 1]), first_section_ok(q))
    with freeze_time(s.closes_at + timedelta(minutes=5)):
        page = client.post(reverse("surveys:answer", args=[s.pk, 2]), second_section_ok(q), follow=True)
    html = page.content.decode()
    assert "закрыт" in html and "Спасибо" in html
    assert not Response.objects.filter(status=ResponseStatus.SUBMITTED).exists()


def test_before_opening_the_page_says_so(client):
    s, *_ = every_kind(opens_at=timezone.now() + timedelta(days=2), closes_at=timezone.now() + timedelta(days=9))
    client.force_login(ResidentFactory())
    page = client.get(reverse("surveys:answer", args=[s.pk, 1]), follow=True)
    assert "другому кругу" not in page.content.decode() or "откроется" in page.content.decode()
    assert "откроется" in page.content.decode()
