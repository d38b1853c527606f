"""Implementation and report (ч. 13–14 ст. 26.1): start after support, milestones with photos and spending, the
report due within N calendar days of completion."""

from datetime import date
from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from freezegun import freeze_time

import config.urls  # noqa: F401  (the API builds its schemas on import; not under a frozen clock)
from sosedi.core.models import AuditEvent
from sosedi.initiatives import services
from sosedi.initiatives.models import ProjectStatus
from sosedi.notifications.models import Notification

from .factories import resident
from .test_ideas import _png
from .test_review import _decide, published

pytestmark = pytest.mark.django_db


def _supported():
    project, clerk, chair, signers = published("2026-11-23 10:00", "2026-11-24 10:00")
    _decide(project, clerk)
    project.refresh_from_db()
    return project, clerk, chair, signers


def test_from_support_to_a_published_report():
    project, clerk, chair, signers = _supported()
    with freeze_time("2027-05-10 10:00"):
        services.project_start(actor=chair, project=project)
        services.milestone_add(
            actor=chair, project=project, kind="before", title="Участок до начала работ",
            happened_on=date(2027, 5, 10), photo=_png(),
        )  # fmt: skip
    with freeze_time("2027-08-20 10:00"):
        services.milestone_add(
            actor=clerk, project=project, kind="after", title="Площадка принята", happened_on=date(2027, 8, 20),
            spent=Decimal("840000"), photo=_png(),
        )  # fmt: skip
        project = services.project_complete(actor=chair, project=project)
    assert project.report_deadline == date(2027, 9, 19)
    with freeze_time("2027-09-19 10:00"):
        project = services.project_report(
            actor=chair, project=project, spent_amount=Decimal("840000"),
            text="Площадка построена: 120 м², горка и качели; израсходовано 840 000 ₽ из 850 000 ₽.",
        )  # fmt: skip
    assert project.status == ProjectStatus.REPORTED
    event = AuditEvent.objects.filter(action="initiative.reported", object_id=str(project.pk)).get()
    assert event.payload["late"] is False
    for person in (chair, *signers):
        assert Notification.objects.filter(user=person, kind="initiatives.reported").exists()
    assert project.milestones.filter(kind="after").get().photo


def test_a_report_after_the_deadline_is_recorded_as_late():
    project, _clerk, chair, _ = _supported()
    with freeze_time("2027-06-01 10:00"):
        services.project_start(actor=chair, project=project)
        project = services.project_complete(actor=chair, project=project, completed_on=date(2027, 6, 1))
    with freeze_time("2027-07-02 10:00"):
        services.project_report(actor=chair, project=project, spent_amount=Decimal("1"), text="Итоги: " + "x" * 30)
    assert AuditEvent.objects.filter(action="initiative.reported").get().payload["late"] is True


def test_implementation_steps_are_checked():
    project, _clerk, chair, _ = _supported()
    with pytest.raises(ValidationError):
        services.project_complete(actor=chair, project=project)
    with pytest.raises(PermissionDenied):
        services.project_start(actor=resident(), project=project)
    services.project_start(actor=chair, project=project)
    with pytest.raises(ValidationError) as error:
        services.milestone_add(actor=chair, project=project, title="", happened_on=date(2099, 1, 1), spent=-1)
    assert {"title", "happened_on", "spent"} <= set(error.value.message_dict)
    with pytest.raises(ValidationError):
        services.project_report(actor=chair, project=project, spent_amount=Decimal("1"), text="Итоги: " + "x" * 30)


def test_implementation_pages_without_javascript(client):
    project, _clerk, chair, _ = _supported()
    client.force_login(chair)
    client.post(f"/initiatives/{project.pk}/do/start/")
    response = client.post(
        f"/initiatives/{project.pk}/milestone/",
        {"kind": "after", "title": "Площадка построена", "happened_on": "2026-11-25", "spent": "800000",
         "photo": _png()},
    )  # fmt: skip
    assert response.status_code == 302
    client.post(f"/initiatives/{project.pk}/complete/", {"completed_on": "2026-11-25"})
    bad = client.post(f"/initiatives/{project.pk}/report/", {"text": "", "spent_amount": "800000"}, follow=True)
    assert "Отчёт об итогах" in bad.content.decode()
    client.post(
        f"/initiatives/{project.pk}/report/",
        {"text": "Площадка построена и принята; израсходовано 800 000 ₽.", "spent_amount": "800000"},
    )
    page = client.get(f"/initiatives/{project.pk}/").content.decode()
    assert "Отчёт об итогах" in page and "800" in page and "milestone-photo" in page
    project.refresh_from_db()
    assert project.status == ProjectStatus.REPORTED
    assert client.post(f"/initiatives/{project.pk}/milestone/", {}).status_code == 403
