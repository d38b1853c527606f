"""Surveys for tests: one with every question type, built through the services as staff would."""

from datetime import timedelta

from django.utils import timezone

from sosedi.accounts.models import Role
from sosedi.accounts.tests.factories import UserFactory, grant
from sosedi.surveys import services
from sosedi.surveys.models import Anonymity, Audience, SurveyKind


def staff():
    user = UserFactory()
    grant(user, Role.ASSOCIATION_STAFF, region=_region())
    return user


def _region():
    from sosedi.territories.tests.factories import saratov_region

    return saratov_region()


def survey(actor=None, *, anonymity=Anonymity.ONE_PER_PERSON, audience=Audience.REGION, publish=True, **fields):
    actor = actor or staff()
    s = services.survey_create(
        actor=actor,
        title=fields.pop("title", "Опрос о дворе"),
        anonymity=anonymity,
        audience=audience,
        opens_at=fields.pop("opens_at", timezone.now() - timedelta(days=1)),
        closes_at=fields.pop("closes_at", timezone.now() + timedelta(days=10)),
        **fields,
    )
    return s


def every_kind(actor=None, **fields):
    """Two sections: (1) single with «другое», multiple, scale, number; (2) date, text, matrix, ranking, and a
    question shown only if the first answer was «Да»."""
    actor = actor or staff()
    s = survey(actor, **fields)
    one = services.section_add(actor=actor, survey=s, title="Двор")
    two = services.section_add(actor=actor, survey=s, title="Подробности")
    q = {}
    q["single"] = services.question_add(
        actor=actor,
        section=one,
        kind="single",
        text="Есть ли во дворе площадка?",
        options="Да\nНет",
        allow_other=True,
        required=True,
    )
    q["multiple"] = services.question_add(
        actor=actor, section=one, kind="multiple", text="Что нужно?", options="Скамейки\nФонари\nУрны"
    )
    q["scale"] = services.question_add(
        actor=actor, section=one, kind="scale", text="Оцените двор", scale_min=1, scale_max=5, required=True
    )
    q["number"] = services.question_add(
        actor=actor, section=one, kind="number", text="Сколько детей в семье?", number_min=0, number_max=20
    )
    q["date"] = services.question_add(actor=actor, section=two, kind="date", text="Когда был ремонт?")
    q["text"] = services.question_add(actor=actor, section=two, kind="text", text="Что мешает?")
    q["matrix"] = services.question_add(
        actor=actor,
        section=two,
        kind="matrix",
        text="Оцените",
        options="Хорошо\nПлохо",
        rows="Свет\nДорога",
    )
    q["ranking"] = services.question_add(
        actor=actor, section=two, kind="ranking", text="Что важнее?", options="Дороги\nСвет\nВода"
    )
    yes = q["single"].options.get(label="Да")
    q["conditional"] = services.question_add(
        actor=actor, section=two, kind="text", text="Какая площадка?", required=True, show_if_option=yes
    )
    if fields.get("kind") != SurveyKind.TEST:
        services.survey_publish(actor=actor, survey=s)
    s.refresh_from_db()
    return s, one, two, q


def opt(question, label):
    return str(question.options.get(label=label).pk)
