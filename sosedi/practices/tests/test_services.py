"""The proposal and decision rules of the best-practice catalogue, through the services."""

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction

from sosedi.accounts.models import Role
from sosedi.accounts.tests.factories import UserFactory, grant, member
from sosedi.core.models import AuditEvent
from sosedi.initiatives.models import ProjectStatus
from sosedi.notifications.models import Notification
from sosedi.practices import services
from sosedi.practices.models import Practice, PracticeState
from sosedi.territories.tests.factories import saratov_region

from .factories import practice, reported_project

pytestmark = pytest.mark.django_db
SUMMARY = "Построили детскую площадку: 480 тыс. руб., 40 жителей красили и сажали кусты, 2 субботника."


def staff():
    user = UserFactory()
    grant(user, Role.ASSOCIATION_STAFF, region=saratov_region())
    return user


def test_initiator_proposes_a_reported_project_with_the_project_data_copied():
    project = reported_project()
    result = services.practice_propose(actor=project.created_by, project=project, summary=SUMMARY)
    assert result.state == PracticeState.PROPOSED
    assert (result.title, result.municipality_id, result.tos_id, result.direction_id) == (
        project.title,
        project.municipality_id,
        project.tos_id,
        project.direction_id,
    )
    assert result.cost == project.spent_amount
    assert AuditEvent.objects.filter(action="practice.proposed", object_id=str(result.pk)).exists()


def test_the_form_draft_is_made_from_the_report():
    project = reported_project()
    text = services.summary_from_project(project)
    assert project.report_text in text and "480 000.00" in text


def test_council_member_of_the_tos_may_propose():
    project = reported_project()
    councillor = UserFactory()
    member(project.tos, councillor)
    grant(councillor, Role.COUNCIL_MEMBER, tos=project.tos)
    assert services.practice_propose(actor=councillor, project=project, summary=SUMMARY).proposed_by == councillor


@pytest.mark.parametrize("status", [s for s in ProjectStatus if s != ProjectStatus.REPORTED], ids=lambda s: s.value)
def test_a_project_without_a_published_report_is_refused(status):
    project = reported_project(status=status)
    with pytest.raises(ValidationError) as error:
        services.practice_propose(actor=project.created_by, project=project, summary=SUMMARY)
    assert "опубликованным отчётом" in str(error.value)
    assert not Practice.objects.exists()


def test_a_stranger_may_not_propose():
    project = reported_project()
    with pytest.raises(PermissionDenied):
        services.practice_propose(actor=UserFactory(), project=project, summary=SUMMARY)


def test_a_second_proposal_of_the_same_project_is_refused():
    project = reported_project()
    services.practice_propose(actor=project.created_by, project=project, summary=SUMMARY)
    with pytest.raises(ValidationError, match="уже предложен"):
        services.practice_propose(actor=project.created_by, project=project, summary=SUMMARY)
    assert Practice.objects.count() == 1


def test_the_database_keeps_one_practice_per_project():
    project = reported_project()
    practice(project)
    with pytest.raises(IntegrityError), transaction.atomic():
        practice(project)


def test_a_short_summary_is_refused_next_to_the_field():
    project = reported_project()
    with pytest.raises(ValidationError) as error:
        services.practice_propose(actor=project.created_by, project=project, summary="Хорошо.")
    assert "summary" in error.value.message_dict


def test_staff_accepts_and_the_proposer_is_told(django_capture_on_commit_callbacks):
    proposed = practice(reported_project())
    reviewer = staff()
    with django_capture_on_commit_callbacks(execute=True):
        services.practice_decide(actor=reviewer, practice=proposed, accept=True)
    proposed.refresh_from_db()
    assert (proposed.state, proposed.decided_by) == (PracticeState.ACCEPTED, reviewer)
    note = Notification.objects.get(user=proposed.proposed_by)
    assert note.kind == "practices.accepted" and note.url == proposed.get_absolute_url()
    assert AuditEvent.objects.filter(action="practice.accepted", object_id=str(proposed.pk)).exists()


def test_decline_needs_a_reason():
    proposed = practice(reported_project())
    with pytest.raises(ValidationError) as error:
        services.practice_decide(actor=staff(), practice=proposed, accept=False, reason="  ")
    assert "reason" in error.value.message_dict
    proposed.refresh_from_db()
    assert proposed.state == PracticeState.PROPOSED


def test_the_database_refuses_a_decline_without_reason():
    proposed = practice(reported_project())
    with pytest.raises(IntegrityError), transaction.atomic():
        Practice.objects.filter(pk=proposed.pk).update(state=PracticeState.DECLINED, decided_by=staff())


def test_decline_with_reason_tells_the_proposer(django_capture_on_commit_callbacks):
    proposed = practice(reported_project())
    with django_capture_on_commit_callbacks(execute=True):
        services.practice_decide(actor=staff(), practice=proposed, accept=False, reason="Нет фотографий результата.")
    proposed.refresh_from_db()
    assert proposed.state == PracticeState.DECLINED and proposed.decline_reason == "Нет фотографий результата."
    assert Notification.objects.get(user=proposed.proposed_by).body == "Нет фотографий результата."


def test_a_decided_practice_is_not_decided_again():
    decided = practice(reported_project(), state=PracticeState.ACCEPTED)
    with pytest.raises(ValidationError, match="уже принято"):
        services.practice_decide(actor=staff(), practice=decided, accept=False, reason="Передумали.")


@pytest.mark.parametrize("role", [Role.EXPERT, Role.RESIDENT])
def test_only_staff_decide(role):
    proposed = practice(reported_project())
    user = UserFactory()
    if role != Role.RESIDENT:
        grant(user, role, region=saratov_region())
    with pytest.raises(PermissionDenied):
        services.practice_decide(actor=user, practice=proposed, accept=True)
    with pytest.raises(PermissionDenied):
        services.practice_decide(actor=proposed.proposed_by, practice=proposed, accept=True)


BETTER = "Цветники на 600 м²: 1 200 растений, газон 450 м²; 480 000 ₽, из них 22 500 ₽ — платежи жителей; фото."


def test_a_declined_proposal_is_proposed_again_as_the_same_row_and_the_decline_stays_in_the_audit_log():
    project = reported_project()
    first = services.practice_propose(actor=project.created_by, project=project, summary=SUMMARY)
    services.practice_decide(actor=staff(), practice=first, accept=False, reason="Нет фотографий результата.")
    again = services.practice_propose_again(actor=project.created_by, practice=first, summary=BETTER, title="Цветы")
    assert again.pk == first.pk and Practice.objects.count() == 1
    again.refresh_from_db()
    assert (again.state, again.summary, again.title) == (PracticeState.PROPOSED, BETTER, "Цветы")
    assert (again.decided_by, again.decided_at, again.decline_reason) == (None, None, "")
    event = AuditEvent.objects.get(action="practice.proposed_again", object_id=str(again.pk))
    assert event.payload["declined"]["reason"] == "Нет фотографий результата."
    assert services.practice_decide(actor=staff(), practice=again, accept=True).state == PracticeState.ACCEPTED


def test_the_review_queue_shows_the_earlier_reason_of_a_proposal_sent_again():
    from sosedi.practices import selectors

    practice(reported_project())  # a first proposal: no earlier reason
    again = practice(reported_project())
    services.practice_decide(actor=staff(), practice=again, accept=False, reason="Мало подробностей.")
    services.practice_propose_again(actor=again.proposed_by, practice=again, summary=BETTER)
    services.practice_decide(actor=staff(), practice=again, accept=False, reason="Нет фотографий.")
    services.practice_propose_again(actor=again.proposed_by, practice=again, summary=BETTER + " Фото есть.")
    queue = selectors.review_queue()
    assert len(queue) == 2
    assert selectors.earlier_decline_reasons(queue) == {again.pk: "Нет фотографий."}  # the latest decline


def test_a_practice_proposed_again_waits_in_the_queue_from_then():
    from sosedi.practices import selectors

    first = practice(reported_project())
    again = practice(reported_project())
    services.practice_decide(actor=staff(), practice=again, accept=False, reason="Мало подробностей.")
    between = practice(reported_project())
    services.practice_propose_again(actor=again.proposed_by, practice=again, summary=BETTER)
    assert [p.pk for p in selectors.review_queue()] == [first.pk, between.pk, again.pk]


@pytest.mark.parametrize("state", [PracticeState.PROPOSED, PracticeState.ACCEPTED], ids=lambda s: s.value)
def test_only_a_declined_practice_is_proposed_again(state):
    existing = practice(reported_project(), state=state)
    with pytest.raises(ValidationError, match="только практику, которую отклонили"):
        services.practice_propose_again(actor=existing.proposed_by, practice=existing, summary=BETTER)
    existing.refresh_from_db()
    assert existing.state == state and existing.summary != BETTER
    assert not AuditEvent.objects.filter(action="practice.proposed_again").exists()


def test_proposing_again_needs_the_proposing_permission_and_a_real_summary():
    declined = practice(reported_project(), state=PracticeState.DECLINED)
    for outsider in (UserFactory(), staff()):
        with pytest.raises(PermissionDenied):
            services.practice_propose_again(actor=outsider, practice=declined, summary=BETTER)
    with pytest.raises(ValidationError) as error:
        services.practice_propose_again(actor=declined.proposed_by, practice=declined, summary="Исправили.")
    assert "summary" in error.value.message_dict
    declined.refresh_from_db()
    assert declined.state == PracticeState.DECLINED
