"""Building a questionnaire and answering it: every question type's validation, conditions, anonymity modes,
refused edits once answers exist, late answers."""

from datetime import timedelta

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.http import QueryDict
from django.utils import timezone
from freezegun import freeze_time

from sosedi.accounts.models import Role
from sosedi.accounts.tests.factories import ResidentFactory, UserFactory, grant, member
from sosedi.surveys import services
from sosedi.surveys.models import (
    Anonymity,
    Answer,
    Audience,
    Participation,
    Response,
    ResponseStatus,
    SurveyState,
)
from sosedi.territories.tests.factories import TosFactory, municipality

from .factories import every_kind, opt, staff, survey

pytestmark = pytest.mark.django_db


def qd(**values) -> QueryDict:
    data = QueryDict(mutable=True)
    for key, value in values.items():
        for v in value if isinstance(value, list) else [value]:
            data.appendlist(key, v)
    return data


def first_section_ok(q):
    return {
        f"q{q['single'].pk}": opt(q["single"], "Да"),
        f"q{q['multiple'].pk}": [opt(q["multiple"], "Скамейки"), opt(q["multiple"], "Урны")],
        f"q{q['scale'].pk}": "4",
        f"q{q['number'].pk}": "2",
    }


def second_section_ok(q):
    return {
        f"q{q['date'].pk}": "2025-06-01",
        f"q{q['text'].pk}": "Нет освещения во дворе",
        f"q{q['matrix'].pk}_r{q['matrix'].options.get(label='Свет').pk}": opt(q["matrix"], "Плохо"),
        f"q{q['matrix'].pk}_r{q['matrix'].options.get(label='Дорога').pk}": opt(q["matrix"], "Хорошо"),
        f"q{q['ranking'].pk}_o{q['ranking'].options.get(label='Дороги').pk}": "1",
        f"q{q['ranking'].pk}_o{q['ranking'].options.get(label='Свет').pk}": "2",
        f"q{q['ranking'].pk}_o{q['ranking'].options.get(label='Вода').pk}": "3",
        f"q{q['conditional'].pk}": "Детская",
    }


def answer_all(person, s, one, two, q, *, key=None):
    r = services.response_save_section(
        actor=person, survey=s, section=one, data=qd(**first_section_ok(q)), draft_key=key
    )
    services.response_save_section(
        actor=person, survey=s, section=two, data=qd(**second_section_ok(q)), draft_key=r.draft_key
    )
    return services.response_submit(actor=person, survey=s, draft_key=r.draft_key)


# --- the builder ---------------------------------------------------------------------------------------------


def test_staff_build_a_survey_with_every_question_type():
    s, one, two, q = every_kind()
    assert s.state == SurveyState.PUBLISHED
    assert [x.kind for x in one.questions.all()] == ["single", "multiple", "scale", "number"]
    assert q["single"].options.filter(is_other=True).count() == 1
    assert q["matrix"].options.filter(role="row").count() == 2
    assert q["conditional"].show_if_option.label == "Да"


@pytest.mark.parametrize(
    ("kwargs", "field"),
    [
        ({"kind": "single", "text": "Один?", "options": "Только один"}, "options"),
        ({"kind": "single", "text": "", "options": "А\nБ"}, "text"),
        ({"kind": "matrix", "text": "Таблица", "options": "А\nБ", "rows": ""}, "rows"),
        ({"kind": "scale", "text": "Шкала", "scale_min": 5, "scale_max": 1}, "scale_max"),
        ({"kind": "single", "text": "Повтор", "options": "А\nА"}, "options"),
        ({"kind": "text", "text": "Баллы без верного", "points": 2}, "points"),
        ({"kind": "bogus", "text": "Странный"}, "kind"),
    ],
)
def test_bad_questions_are_refused_with_the_field_named(kwargs, field):
    actor = staff()
    s = survey(actor)
    section = services.section_add(actor=actor, survey=s, title="Раздел")
    with pytest.raises(ValidationError) as error:
        services.question_add(actor=actor, section=section, **kwargs)
    assert field in error.value.message_dict


def test_a_resident_cannot_build_a_survey():
    with pytest.raises(PermissionDenied):
        survey(ResidentFactory())


def test_a_tos_chair_builds_for_the_tos_and_not_for_the_region():
    tos = TosFactory()
    chair = UserFactory()
    grant(chair, Role.CHAIR, tos=tos)
    s = services.survey_create(
        actor=chair, owner_tos=tos, title="С чего начать", audience=Audience.TOS_MEMBERS, audience_tos=tos
    )
    assert s.owner_tos == tos
    with pytest.raises(PermissionDenied):
        services.survey_create(actor=chair, title="Для всей области")


def test_audience_needs_its_target():
    with pytest.raises(ValidationError) as error:
        survey(audience=Audience.TOS_MEMBERS)
    assert "audience_tos" in error.value.message_dict


def test_closing_before_opening_is_refused():
    now = timezone.now()
    with pytest.raises(ValidationError) as error:
        survey(opens_at=now, closes_at=now - timedelta(hours=1))
    assert "closes_at" in error.value.message_dict


def test_publishing_an_empty_survey_is_refused():
    actor = staff()
    s = survey(actor)
    with pytest.raises(ValidationError):
        services.survey_publish(actor=actor, survey=s)


def test_edits_that_would_corrupt_answers_are_refused_once_answered():
    actor = staff()
    s, one, two, q = every_kind(actor)
    answer_all(ResidentFactory(), s, one, two, q)
    for call, field in [
        (lambda: services.question_update(actor=actor, question=q["single"], kind="multiple"), "kind"),
        (lambda: services.question_delete(actor=actor, question=q["text"]), "question"),
        (lambda: services.option_remove(actor=actor, option=q["multiple"].options.first()), "options"),
        (lambda: services.survey_update(actor=actor, survey=s, anonymity=Anonymity.IDENTIFIED), "anonymity"),
    ]:
        with pytest.raises(ValidationError) as error:
            call()
        assert field in error.value.message_dict
        assert "уже ответили" in error.value.message_dict[field][0]
    # Wording, «required» and a new option do not corrupt anything and stay allowed.
    services.question_update(actor=actor, question=q["single"], text="Есть ли во дворе детская площадка?")
    services.option_add(actor=actor, question=q["multiple"], label="Клумбы")
    assert q["multiple"].options.count() == 4


def test_before_answers_the_type_may_change_and_options_may_go():
    actor = staff()
    s, one, two, q = every_kind(actor)
    services.question_update(actor=actor, question=q["single"], kind="multiple")
    services.option_remove(actor=actor, option=q["multiple"].options.first())
    services.question_delete(actor=actor, question=q["text"])
    assert q["multiple"].options.count() == 2


# --- answering -----------------------------------------------------------------------------------------------


BAD_INPUT = [
    ("single", "999999", "Выберите вариант"),
    ("single", "abc", "Выберите вариант"),
    ("scale", "9", "от 1 до 5"),
    ("scale", "много", "Выберите значение"),
    ("number", "двадцать", "Введите число"),
    ("number", "25", "не больше 20"),
    ("number", "-1", "не меньше 0"),
    ("number", "inf", "Введите число"),
]


@pytest.mark.parametrize(("kind", "value", "message"), BAD_INPUT)
def test_bad_answers_get_a_russian_error_on_their_question(kind, value, message):
    s, one, two, q = every_kind()
    data = first_section_ok(q)
    data[f"q{q[kind].pk}"] = value
    with pytest.raises(ValidationError) as error:
        services.response_save_section(actor=ResidentFactory(), survey=s, section=one, data=qd(**data))
    assert message in error.value.message_dict[f"q{q[kind].pk}"][0]
    assert not Response.objects.exists()


def test_single_choice_takes_one_value_and_other_needs_its_text():
    s, one, two, q = every_kind()
    data = first_section_ok(q)
    data[f"q{q['single'].pk}"] = [opt(q["single"], "Да"), opt(q["single"], "Нет")]
    with pytest.raises(ValidationError, match="только один"):
        services.response_save_section(actor=ResidentFactory(), survey=s, section=one, data=qd(**data))
    data[f"q{q['single'].pk}"] = opt(q["single"], "Другое")
    with pytest.raises(ValidationError, match="напишите, что именно"):
        services.response_save_section(actor=ResidentFactory(), survey=s, section=one, data=qd(**data))
    data[f"q{q['single'].pk}_other"] = "Строится"
    r = services.response_save_section(actor=ResidentFactory(), survey=s, section=one, data=qd(**data))
    assert r.answers.get(question=q["single"]).text == "Строится"


def test_required_questions_must_be_answered():
    s, one, two, q = every_kind()
    data = first_section_ok(q)
    del data[f"q{q['scale'].pk}"]
    with pytest.raises(ValidationError) as error:
        services.response_save_section(actor=ResidentFactory(), survey=s, section=one, data=qd(**data))
    assert error.value.message_dict == {f"q{q['scale'].pk}": ["Ответьте на этот вопрос."]}


@pytest.mark.parametrize(
    ("change", "message"),
    [
        ({"date": "25.13.2025"}, "ГГГГ-ММ-ДД"),
        ({"date": "1812-09-07"}, "год"),
        ({"text": "я" * 4001}, "длиннее"),
        ({"matrix_row": "12345678"}, "выберите вариант"),
        ({"rank_dup": "1"}, "Одно и то же место"),
        ({"rank_range": "7"}, "от 1 до 3"),
    ],
)
def test_bad_answers_on_the_second_screen(change, message):
    s, one, two, q = every_kind()
    data = second_section_ok(q)
    light = f"q{q['matrix'].pk}_r{q['matrix'].options.get(label='Свет').pk}"
    road, water = (f"q{q['ranking'].pk}_o{q['ranking'].options.get(label=x).pk}" for x in ("Свет", "Вода"))
    key = {
        "date": f"q{q['date'].pk}",
        "text": f"q{q['text'].pk}",
        "matrix_row": light,
        "rank_dup": road,
        "rank_range": water,
    }
    name, value = next(iter(change.items()))
    data[key[name]] = value
    with pytest.raises(ValidationError) as error:
        services.response_save_section(actor=ResidentFactory(), survey=s, section=two, data=qd(**data))
    assert message in " ".join(error.value.messages)


def test_a_hidden_question_is_neither_required_nor_kept():
    s, one, two, q = every_kind()
    person = ResidentFactory()
    data = first_section_ok(q)
    data[f"q{q['single'].pk}"] = opt(q["single"], "Нет")
    r = services.response_save_section(actor=person, survey=s, section=one, data=qd(**data))
    second = second_section_ok(q)
    second[f"q{q['conditional'].pk}"] = "это не должно сохраниться"
    services.response_save_section(actor=person, survey=s, section=two, data=qd(**second), draft_key=r.draft_key)
    assert not Answer.objects.filter(question=q["conditional"]).exists()
    # …and when «Да» is chosen, it becomes required.
    data[f"q{q['single'].pk}"] = opt(q["single"], "Да")
    services.response_save_section(actor=person, survey=s, section=one, data=qd(**data), draft_key=r.draft_key)
    with pytest.raises(ValidationError, match="Подробности"):
        services.response_submit(actor=person, survey=s, draft_key=r.draft_key)


def test_the_draft_keeps_each_saved_section():
    s, one, two, q = every_kind()
    person = ResidentFactory()
    r = services.response_save_section(actor=person, survey=s, section=one, data=qd(**first_section_ok(q)))
    assert r.status == ResponseStatus.DRAFT and r.draft_key
    # Saving the same section again replaces, never duplicates, its answers.
    services.response_save_section(
        actor=person, survey=s, section=one, data=qd(**first_section_ok(q)), draft_key=r.draft_key
    )
    assert Answer.objects.filter(response=r, question=q["multiple"]).count() == 2


def test_one_per_person_mode_stores_no_link_between_person_and_answers():
    s, one, two, q = every_kind(anonymity=Anonymity.ONE_PER_PERSON)
    person = ResidentFactory(municipality=municipality())
    response = answer_all(person, s, one, two, q)
    response.refresh_from_db()
    assert response.user_id is None and response.draft_key is None
    assert Participation.objects.filter(survey=s, user=person).count() == 1
    # Nothing in the participation row or the response points at the other.
    assert {f.name for f in Participation._meta.get_fields()} == {"id", "survey", "user"}
    assert not hasattr(response, "participation")
    assert response.submitted_on == timezone.localdate()
    # The cross-tab gets the coarse profile only.
    assert response.municipality == person.municipality and response.age_group == "30–44"
    with pytest.raises(ValidationError, match="уже ответили"):
        answer_all(person, s, one, two, q)
    assert Response.objects.filter(survey=s, status=ResponseStatus.SUBMITTED).count() == 1


def test_participation_is_unique_in_the_database():
    s, *_ = every_kind()
    person = ResidentFactory()
    Participation.objects.create(survey=s, user=person)
    with pytest.raises(IntegrityError), transaction.atomic():
        Participation.objects.create(survey=s, user=person)


def test_anonymous_mode_needs_no_account_and_records_no_person():
    s, one, two, q = every_kind(anonymity=Anonymity.ANONYMOUS, audience=Audience.PUBLIC)
    from django.contrib.auth.models import AnonymousUser

    response = answer_all(AnonymousUser(), s, one, two, q)
    assert response.user_id is None and not Participation.objects.exists()


def test_one_per_person_and_identified_need_an_account():
    from django.contrib.auth.models import AnonymousUser

    s, one, two, q = every_kind(anonymity=Anonymity.ONE_PER_PERSON, audience=Audience.PUBLIC)
    with pytest.raises(PermissionDenied, match="войдите"):
        services.response_save_section(actor=AnonymousUser(), survey=s, section=one, data=qd(**first_section_ok(q)))


def test_identified_mode_keeps_the_person_and_one_response():
    s, one, two, q = every_kind(anonymity=Anonymity.IDENTIFIED)
    person = ResidentFactory()
    response = answer_all(person, s, one, two, q)
    assert response.user == person
    with pytest.raises(ValidationError, match="уже ответили"):
        services.response_save_section(actor=person, survey=s, section=one, data=qd(**first_section_ok(q)))


def test_late_answers_are_refused_politely():
    s, one, two, q = every_kind()
    person = ResidentFactory()
    r = services.response_save_section(actor=person, survey=s, section=one, data=qd(**first_section_ok(q)))
    with freeze_time(s.closes_at + timedelta(minutes=1)), pytest.raises(ValidationError) as error:
        services.response_submit(actor=person, survey=s, draft_key=r.draft_key)
    assert "закрыт" in error.value.messages[0] and "Спасибо" in error.value.messages[0]


def test_the_audience_decides_who_answers():
    tos = TosFactory()
    s, one, two, q = every_kind(audience=Audience.TOS_MEMBERS, audience_tos=tos)
    with pytest.raises(PermissionDenied, match="другому кругу"):
        services.response_save_section(actor=ResidentFactory(), survey=s, section=one, data=qd(**first_section_ok(q)))
    neighbour = ResidentFactory()
    member(tos, neighbour)
    assert answer_all(neighbour, s, one, two, q).status == ResponseStatus.SUBMITTED


def test_municipal_audience_includes_settlements_of_the_district():
    district = municipality("Энгельсский муниципальный район")
    s, one, two, q = every_kind(audience=Audience.MUNICIPALITY, audience_municipality=district)
    outsider = ResidentFactory(municipality=municipality())
    assert not outsider.has_perm("surveys.answer_survey", s)
    insider = ResidentFactory(municipality=district)
    assert insider.has_perm("surveys.answer_survey", s)


def test_template_surveys_build():
    actor = staff()
    for key in ("awareness", "priorities", "law_test"):
        s = services.survey_from_template(actor=actor, key=key)
        assert s.sections.count() >= 1 and s.template_key == key
