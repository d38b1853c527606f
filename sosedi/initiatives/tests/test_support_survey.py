"""A survey of residents as the support of a project (P4), where the municipal act allows it: built from the
yes/no template or linked, its «yes» answers are the count; the audience must be the project's territory."""

from datetime import date, timedelta

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import QueryDict
from django.utils import timezone

from sosedi.accounts.models import Role
from sosedi.accounts.tests.factories import grant, member
from sosedi.core.models import AuditEvent, RuleSet
from sosedi.initiatives import services, support_survey
from sosedi.initiatives.models import InitiatorKind, ProjectStatus
from sosedi.surveys import services as surveys
from sosedi.surveys.models import Audience, SurveyState
from sosedi.territories.tests.factories import TosFactory, municipality

from .factories import PARTS, TERRITORY, direction, resident, tos_project

pytestmark = pytest.mark.django_db


def allow_survey(muni=None, *, methods=("meeting", "conference", "survey"), min_supporters: int = 2):
    def r(value):
        return {"value": value, "basis": "решение Думы (тест)", "confidence": "V"}

    RuleSet.objects.update_or_create(
        regime="131-FZ",
        effective_from=date(2021, 1, 2),
        municipality=muni or municipality(),
        defaults={
            "title": "НПА (тест)",
            "rules": {"initiative.support_methods": r(list(methods)), "initiative.min_signatures": r(min_supporters)},
        },
    )


def answer(project, person, label):
    option = project.support_option
    question = option.question
    survey = question.section.survey
    choice = question.options.get(label=label)
    data = QueryDict(mutable=True)
    data[f"q{question.pk}"] = str(choice.pk)
    draft = surveys.response_save_section(actor=person, survey=survey, section=question.section, data=data)
    surveys.response_submit(actor=person, survey=survey, draft_key=draft.draft_key)


def closes():
    return timezone.now() + timedelta(days=14)


def test_tos_chair_builds_the_yes_no_survey_for_the_tos_members_and_it_is_linked():
    allow_survey()
    project = tos_project()
    project = support_survey.create_from_template(actor=project.created_by, project=project, closes_at=closes())
    survey = project.support_option.question.section.survey
    assert survey.state == SurveyState.PUBLISHED and survey.is_open()
    assert (survey.audience, survey.audience_tos_id) == (Audience.TOS_MEMBERS, project.tos_id)
    assert project.support_option.label == support_survey.YES
    assert AuditEvent.objects.filter(action="initiative.support_survey", object_id=str(project.pk)).exists()


def test_yes_answers_are_the_support_and_count_once_per_person():
    allow_survey(min_supporters=2)
    project = tos_project()
    services.project_open_support(actor=project.created_by, project=project)
    project = support_survey.create_from_template(actor=project.created_by, project=project, closes_at=closes())
    people = [member(project.tos, resident()).user for _ in range(3)]
    answer(project, people[0], support_survey.YES)
    assert "поддержали 1 из 1" in services.support_shortfall(project)
    answer(project, people[1], support_survey.YES)
    answer(project, people[2], support_survey.NO)
    with pytest.raises(ValidationError):
        answer(project, people[0], support_survey.YES)
    counts = services.support_counts(project)
    assert (counts["survey_yes"], counts["survey_answered"]) == (2, 3)
    assert services.support_shortfall(project) == ""


def test_a_majority_against_is_no_support_even_with_enough_yes():
    allow_survey(min_supporters=1)
    project = tos_project()
    project = support_survey.create_from_template(actor=project.created_by, project=project, closes_at=closes())
    people = [member(project.tos, resident()).user for _ in range(3)]
    answer(project, people[0], support_survey.YES)
    answer(project, people[1], support_survey.NO)
    answer(project, people[2], support_survey.NO)
    assert "поддержали 1 из 3" in services.support_shortfall(project)


def test_survey_is_refused_where_the_municipal_act_does_not_allow_it():
    project = tos_project()  # the default rule set: meeting and conference only
    with pytest.raises(ValidationError) as error:
        support_survey.create_from_template(actor=project.created_by, project=project, closes_at=closes())
    assert "не предусмотрен" in str(error.value)
    assert services.support_counts(project)["survey_yes"] == 0


def test_only_a_survey_of_the_projects_territory_can_be_linked():
    allow_survey()
    project = tos_project()
    official = resident()
    grant(official, Role.MUNICIPAL_OFFICIAL, municipality=project.municipality)
    other_tos = TosFactory(municipality=project.municipality)

    def built(**audience):
        s = surveys.survey_create(actor=official, owner_municipality=project.municipality, title="Опрос", **audience)
        section = surveys.section_add(actor=official, survey=s, title="Раздел")
        q = surveys.question_add(actor=official, section=section, kind="single", text="Согласны?", options="Да\nНет")
        surveys.survey_publish(actor=official, survey=s)
        return q.options.get(label="Да")

    municipal = built(audience=Audience.MUNICIPALITY, audience_municipality=project.municipality)
    foreign = built(audience=Audience.TOS_MEMBERS, audience_tos=other_tos)
    public = built(audience=Audience.PUBLIC)
    linkable = set(support_survey.linkable_options(project).values_list("pk", flat=True))
    assert municipal.pk in linkable and foreign.pk not in linkable and public.pk not in linkable
    for option in (foreign, public):
        with pytest.raises(ValidationError):
            support_survey.link(actor=project.created_by, project=project, option=option)
    support_survey.link(actor=project.created_by, project=project, option=municipal)
    project.refresh_from_db()
    assert project.support_option_id == municipal.pk


def test_an_initiator_who_may_not_run_surveys_is_told_whom_to_ask():
    allow_survey()
    author = resident()
    group_project = services.project_create(
        actor=author,
        municipality=municipality(),
        initiator_kind=InitiatorKind.GROUP,
        title="Сквер у школы",
        direction=direction(),
        territory_geojson=TERRITORY,
        **PARTS,
    )
    with pytest.raises(ValidationError) as error:
        support_survey.create_from_template(actor=author, project=group_project, closes_at=closes())
    assert "попросите" in str(error.value)
    with pytest.raises(PermissionDenied):  # not an initiator at all
        support_survey.create_from_template(actor=resident(), project=group_project, closes_at=closes())


def test_survey_cannot_be_changed_after_submission():
    allow_survey(min_supporters=1)
    project = tos_project()
    services.project_open_support(actor=project.created_by, project=project)
    project = support_survey.create_from_template(actor=project.created_by, project=project, closes_at=closes())
    answer(project, member(project.tos, resident()).user, support_survey.YES)
    services.project_submit(actor=project.created_by, project=project)
    project.refresh_from_db()
    assert project.status == ProjectStatus.SUBMITTED
    with pytest.raises((ValidationError, PermissionDenied)):
        support_survey.link(actor=project.created_by, project=project, option=project.support_option)


def test_project_page_and_api_show_the_survey_count(client):
    allow_survey(min_supporters=1)
    project = tos_project()
    services.project_open_support(actor=project.created_by, project=project)
    project = support_survey.create_from_template(actor=project.created_by, project=project, closes_at=closes())
    answer(project, member(project.tos, resident()).user, support_survey.YES)
    page = client.get(f"/initiatives/{project.pk}/").content.decode()
    assert "дали <strong>1</strong> из 1" in page
    body = client.get(f"/api/v1/initiatives/{project.pk}").json()
    assert (body["support"]["survey_yes"], body["support"]["survey_answered"]) == (1, 1)
    listed = client.get("/api/v1/initiatives").json()["items"][0]
    assert listed["support"]["survey_yes"] == 1


def test_pages_link_and_build_the_survey(client):
    allow_survey()
    project = tos_project()
    client.force_login(project.created_by)
    page = client.get(f"/initiatives/{project.pk}/").content.decode()
    assert "Опрос жителей о поддержке проекта" in page
    response = client.post(f"/initiatives/{project.pk}/survey/new/", {"closes_at": "garbage"})
    assert response.status_code == 302
    project.refresh_from_db()
    assert project.support_option_id is None
    when = (timezone.localtime() + timedelta(days=7)).strftime("%Y-%m-%dT%H:%M")
    client.post(f"/initiatives/{project.pk}/survey/new/", {"closes_at": when})
    project.refresh_from_db()
    assert project.support_option is not None
    response = client.post(f"/initiatives/{project.pk}/survey/", {"option": "999999"}, follow=True)
    assert "Выберите ответ из опроса" in response.content.decode()
