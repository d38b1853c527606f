"""Submission and municipal review (ч. 5–8 ст. 26.1): deadlines in working days across holidays, 30 days for the
decision, remarks by residents of the required age, the official's screen of what is due and late, a decision
that supports with a budget line or refuses on a ground of the closed list, audit and notifications."""

from datetime import date, timedelta

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from freezegun import freeze_time

import config.urls  # noqa: F401  (the API builds its schemas on import; not under a frozen clock)
from sosedi.accounts.models import Role
from sosedi.accounts.tests.factories import grant
from sosedi.core.models import AuditEvent
from sosedi.initiatives import selectors, services
from sosedi.initiatives.models import InitiativeProject, ProjectStatus, RejectionGround
from sosedi.notifications.models import Notification
from sosedi.territories.tests.factories import municipality

from .factories import allow_signatures, resident, signed_by, tos_project, tos_with_chair

pytestmark = pytest.mark.django_db


def official(muni=None):
    person = resident()
    grant(person, Role.MUNICIPAL_OFFICIAL, municipality=muni or municipality())
    return person


def ready_project(n_signatures: int = 3):
    """A project with enough signatures to be submitted; returns (project, chair, signers)."""
    allow_signatures(min_signatures=n_signatures)
    tos, chair = tos_with_chair()
    project = tos_project(tos, chair)
    services.project_open_support(actor=chair, project=project)
    signers = signed_by(project, n_signatures)
    return project, chair, signers


def submitted(on: str):
    with freeze_time(on):
        project, chair, signers = ready_project()
        services.project_submit(actor=chair, project=project)
    project.refresh_from_db()
    return project, chair, signers


def published(submit_on: str, publish_on: str):
    project, chair, signers = submitted(submit_on)
    clerk = official()
    with freeze_time(publish_on):
        services.project_publish(actor=clerk, project=project)
    project.refresh_from_db()
    return project, clerk, chair, signers


def test_submission_needs_support_and_freezes_the_deadlines():
    project, chair, _ = ready_project()
    Signature = project.signatures.model
    Signature.objects.filter(project=project).first().delete()
    with pytest.raises(ValidationError) as error:
        services.project_submit(actor=chair, project=project)
    assert "подписей" in str(error.value)
    assert InitiativeProject.objects.get(pk=project.pk).status == ProjectStatus.COLLECTING


def test_a_group_too_small_cannot_submit():
    from sosedi.initiatives.models import InitiatorKind

    from .factories import PARTS, TERRITORY, direction

    allow_signatures(min_signatures=0)
    person = resident()
    project = services.project_create(
        actor=person,
        municipality=municipality(),
        initiator_kind=InitiatorKind.GROUP,
        direction=direction(),
        title="Тротуар",
        territory_geojson=TERRITORY,
        **PARTS,
    )
    services.project_open_support(actor=person, project=project)
    with pytest.raises(ValidationError) as error:
        services.project_submit(actor=person, project=project)
    assert "не менее 10" in str(error.value)


@pytest.mark.parametrize(
    ("submit_on", "publication", "review"),
    [
        # Tuesday 29.12.2026: 31.12 is a day off moved from 03.01 and 1–10.01.2027 are holidays and weekend.
        ("2026-12-29 10:00", date(2027, 1, 12), date(2027, 1, 28)),
        # Monday 02.11.2026: 04.11 is the Day of National Unity.
        ("2026-11-02 10:00", date(2026, 11, 6), date(2026, 12, 2)),
        # Friday 20.11.2026: the weekend does not count.
        ("2026-11-20 10:00", date(2026, 11, 25), date(2026, 12, 20)),
    ],
)
def test_deadlines_are_working_days_across_holidays_and_30_days(submit_on, publication, review):
    project, _chair, _ = submitted(submit_on)
    assert project.status == ProjectStatus.SUBMITTED
    assert project.publication_deadline == publication
    assert project.review_deadline == review
    assert project.deadline_basis["publication"] == "ч. 5 ст. 26.1 131-ФЗ"


def test_remarks_stay_open_five_working_days_from_publication():
    project, _clerk, _chair, _ = published("2026-12-28 10:00", "2026-12-30 10:00")
    assert project.remarks_until == date(2027, 1, 15)
    assert project.status == ProjectStatus.PUBLISHED


def test_submission_and_publication_are_audited_and_announced():
    on_duty = official()
    project, clerk, chair, signers = published("2026-11-23 10:00", "2026-11-24 10:00")
    actions = set(AuditEvent.objects.filter(object_id=str(project.pk)).values_list("action", flat=True))
    assert {"initiative.create", "initiative.collecting", "initiative.submitted", "initiative.published"} <= actions
    for person in (chair, *signers):
        kinds = set(Notification.objects.filter(user=person).values_list("kind", flat=True))
        assert {"initiatives.submitted", "initiatives.published"} <= kinds
    assert Notification.objects.filter(user=on_duty, kind="initiatives.to_review").exists()


def test_only_officials_of_the_municipality_publish():
    project, _chair, _ = submitted("2026-11-23 10:00")
    with pytest.raises(PermissionDenied):
        services.project_publish(actor=official(municipality("Энгельсский муниципальный район")), project=project)
    with pytest.raises(PermissionDenied):
        services.project_publish(actor=project.created_by, project=project)


def test_remarks_by_residents_of_age_within_the_period():
    project, _clerk, _chair, _ = published("2026-11-23 10:00", "2026-11-24 10:00")
    assert project.remarks_until == date(2026, 12, 1)
    with freeze_time("2026-12-01 10:00"):
        services.remark_add(actor=resident(), project=project, text="Добавьте освещение площадки.")
        minor = resident(birth_date=date(2011, 1, 1))
        with pytest.raises(ValidationError):
            services.remark_add(actor=minor, project=project, text="Хочу горку.")
    with freeze_time("2026-12-02 09:00"), pytest.raises(ValidationError) as error:
        services.remark_add(actor=resident(), project=project, text="Поздно.")
    assert "истёк" in str(error.value)
    assert project.remarks.count() == 1


def _decide(project, clerk, on="2026-12-02 10:00", **kwargs):
    data = {"decision": "support", "text": "Поддержать.", "budget_line": "КБК 901 0503 ... мероприятие 12", **kwargs}
    with freeze_time(on):
        return services.project_decide(actor=clerk, project=project, **data)


def test_no_decision_while_remarks_are_open():
    project, clerk, _chair, _ = published("2026-11-23 10:00", "2026-11-24 10:00")
    with pytest.raises(ValidationError) as error:
        _decide(project, clerk, on="2026-12-01 10:00")
    assert "01.12.2026" in str(error.value)


@pytest.mark.parametrize(
    ("kwargs", "field"),
    [
        ({"decision": "reject", "budget_line": ""}, "ground"),
        ({"decision": "reject", "ground": 7}, "ground"),
        ({"decision": "reject", "ground": 5}, "rework_offer"),
        ({"budget_line": " "}, "budget_line"),
        ({"ground": 4}, "ground"),
        ({"text": ""}, "text"),
        ({"decision": "maybe"}, "decision"),
    ],
)
def test_a_decision_without_its_required_parts_is_refused(kwargs, field):
    project, clerk, _chair, _ = published("2026-11-23 10:00", "2026-11-24 10:00")
    with pytest.raises(ValidationError) as error:
        _decide(project, clerk, **kwargs)
    assert field in error.value.message_dict
    assert InitiativeProject.objects.get(pk=project.pk).status == ProjectStatus.PUBLISHED


def test_support_with_a_budget_line_tells_initiators_and_supporters():
    project, clerk, chair, signers = published("2026-11-23 10:00", "2026-11-24 10:00")
    project = _decide(project, clerk)
    assert project.status == ProjectStatus.SUPPORTED and project.decided_by == clerk
    for person in (chair, *signers):
        assert Notification.objects.filter(user=person, kind="initiatives.decision").exists()
    event = AuditEvent.objects.filter(action="initiative.supported", object_id=str(project.pk)).get()
    assert event.payload["late"] is False


def test_refusal_on_ground_5_offers_rework_and_is_recorded():
    project, clerk, chair, _ = published("2026-11-23 10:00", "2026-11-24 10:00")
    project = _decide(
        project,
        clerk,
        on="2026-12-30 10:00",
        decision="reject",
        ground=RejectionGround.BETTER_WAY,
        budget_line="",
        rework_offer="Предлагаем совместно доработать проект: площадку разместить у школы.",
    )
    assert project.status == ProjectStatus.REJECTED and project.rejection_ground == 5
    event = AuditEvent.objects.filter(action="initiative.rejected", object_id=str(project.pk)).get()
    assert event.payload["ground"] == 5 and event.payload["late"] is True
    title = Notification.objects.filter(user=chair, kind="initiatives.decision").get().title
    assert "иным способом" in title


def test_the_database_refuses_a_refusal_without_a_ground():
    project, _chair, _ = submitted("2026-11-23 10:00")
    with pytest.raises(IntegrityError), transaction.atomic():
        InitiativeProject.objects.filter(pk=project.pk).update(decision="reject", rejection_ground=None)
    with pytest.raises(IntegrityError), transaction.atomic():
        InitiativeProject.objects.filter(pk=project.pk).update(decision="reject", rejection_ground=5, rework_offer="")


def test_the_officials_screen_shows_what_is_due_and_late():
    late_publish, _c1, _ = submitted("2026-11-02 10:00")
    on_time, clerk, _c2, _ = published("2026-11-23 10:00", "2026-11-24 10:00")
    elsewhere = official(municipality("Энгельсский муниципальный район"))
    with freeze_time("2026-11-26 10:00"):
        rows = selectors.review_queue(clerk)
        assert [(r.project.pk, r.what, r.late) for r in rows] == [
            (late_publish.pk, "publish", True),
            (on_time.pk, "decide", False),
        ]
        assert selectors.review_queue(elsewhere) == []


def test_review_pages_publish_and_decide_without_javascript(client):
    project, _chair, _ = submitted("2026-11-23 10:00")
    clerk = official()
    client.force_login(clerk)
    with freeze_time("2026-11-24 10:00"):
        page = client.get("/initiatives/review/").content.decode()
        assert project.title in page and "опубликовать" in page
        client.post(f"/initiatives/{project.pk}/do/publish/")
    with freeze_time("2026-12-02 10:00"):
        response = client.post(f"/initiatives/{project.pk}/decide/", {"decision": "reject", "text": "Отказать."})
        assert response.status_code == 200 and "ч. 7 ст. 26.1" in response.content.decode()
        response = client.post(
            f"/initiatives/{project.pk}/decide/",
            {"decision": "support", "text": "Поддержать.", "budget_line": "КБК 901 0503"},
        )
        assert response.status_code == 302
        page = client.get(f"/initiatives/{project.pk}/").content.decode()
    assert "КБК 901 0503" in page and "Поддержать" in page


def test_no_stale_second_decision():
    project, clerk, _chair, _ = published("2026-11-23 10:00", "2026-11-24 10:00")
    _decide(project, clerk)
    with pytest.raises(PermissionDenied):
        _decide(InitiativeProject.objects.get(pk=project.pk), clerk)
    assert timedelta(days=30) == project.review_deadline - date(2026, 11, 23)
