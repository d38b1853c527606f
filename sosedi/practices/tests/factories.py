from decimal import Decimal

from django.utils import timezone

from sosedi.initiatives.models import InitiativeProject, ProjectStatus
from sosedi.initiatives.tests.factories import tos_project, tos_with_chair
from sosedi.practices.models import Practice, PracticeState


def reported_project(tos=None, chair=None, status=ProjectStatus.REPORTED, **fields):
    """A ТОС project whose final report is published. The road there is the initiatives app's business and is
    tested there; here only the status and the report fields matter, so they are set on the row."""
    if tos is None:
        tos, chair = tos_with_chair()
    project = tos_project(tos, chair, **fields)
    reported = status == ProjectStatus.REPORTED
    InitiativeProject.objects.filter(pk=project.pk).update(
        status=status,
        report_text="Площадка построена, жители сами покрасили ограждение и посадили кусты." if reported else "",
        spent_amount=Decimal("480000.00") if reported else None,
        reported_at=timezone.now() if reported else None,
    )
    return InitiativeProject.objects.select_related("tos", "municipality").get(pk=project.pk)


def practice(project, *, state=PracticeState.PROPOSED, decided_by=None, **fields) -> Practice:
    decided = state != PracticeState.PROPOSED
    return Practice.objects.create(
        title=fields.pop("title", project.title),
        summary=fields.pop("summary", "Построили детскую площадку силами жителей и на инициативные платежи."),
        direction_id=project.direction_id,
        municipality_id=project.municipality_id,
        tos_id=project.tos_id,
        project=project,
        cost=fields.pop("cost", project.spent_amount),
        proposed_by=project.created_by,
        state=state,
        decided_by=decided_by or (project.created_by if decided else None),
        decided_at=timezone.now() if decided else None,
        decline_reason="Мало подробностей." if state == PracticeState.DECLINED else "",
        **fields,
    )
