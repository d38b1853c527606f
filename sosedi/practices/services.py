"""Writes of the best-practice catalogue. Every change is checked against the permission, recorded in the
audit log, and the proposer hears of the decision once it is committed."""

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from sosedi.core.audit import audit_record
from sosedi.initiatives.models import InitiativeProject, ProjectStatus
from sosedi.notifications.services import notify

from .models import Practice, PracticeState

MIN_SUMMARY = 40


def _require(actor, perm: str, obj=None) -> None:
    if actor is None or not actor.has_perm(perm, obj):
        raise PermissionDenied(_("Недостаточно прав для этого действия."))


def summary_from_project(project: InitiativeProject) -> str:
    """A first draft for the form: the report with the money and the participation from the project."""
    parts = [project.report_text.strip() or project.expected_result.strip()]
    if project.spent_amount is not None:
        parts.append(_("Израсходовано: %(s)s руб.") % {"s": f"{project.spent_amount:,.2f}".replace(",", " ")})
    if project.participation.strip():
        parts.append(_("Участие жителей: %(p)s") % {"p": project.participation.strip()})
    return "\n\n".join(parts)


def _summary(summary: str, errors: dict[str, list[str]]) -> str:
    summary = (summary or "").strip()
    if len(summary) < MIN_SUMMARY:
        errors["summary"] = [_("Опишите практику: что сделано, какой результат, сколько стоило, кто участвовал.")]
    return summary


@transaction.atomic
def practice_propose(*, actor, project: InitiativeProject, summary: str, title: str = "") -> Practice:
    project = InitiativeProject.objects.select_for_update(of=("self",)).select_related("tos").get(pk=project.pk)
    errors: dict[str, list[str]] = {}
    if project.status != ProjectStatus.REPORTED:
        errors["__all__"] = [_("Предложить можно только реализованный проект с опубликованным отчётом.")]
    else:
        _require(actor, "practices.propose_practice", project)
        if Practice.objects.filter(project=project).exists():
            errors["__all__"] = [_("Этот проект уже предложен в каталог.")]
    summary = _summary(summary, errors)
    if errors:
        raise ValidationError(errors)
    practice = Practice(
        title=(title or "").strip() or project.title,
        summary=summary,
        direction_id=project.direction_id,
        municipality_id=project.municipality_id,
        tos_id=project.tos_id,
        project=project,
        cost=project.spent_amount,
        proposed_by=actor,
    )
    try:
        with transaction.atomic():
            practice.save()
    except IntegrityError as exc:  # a proposal from a concurrent request won the race
        raise ValidationError({"__all__": [_("Этот проект уже предложен в каталог.")]}) from exc
    audit_record(actor=actor, action="practice.proposed", obj=practice, payload={"project": project.pk})
    return practice


@transaction.atomic
def practice_decide(*, actor, practice: Practice, accept: bool, reason: str = "") -> Practice:
    practice = Practice.objects.select_for_update().get(pk=practice.pk)
    if practice.state != PracticeState.PROPOSED:
        raise ValidationError({"__all__": [_("По этой практике решение уже принято.")]})
    _require(actor, "practices.decide_practice", practice)
    reason = (reason or "").strip()
    if not accept and not reason:
        raise ValidationError({"reason": [_("Укажите причину отказа — её увидит автор предложения.")]})
    practice.state = PracticeState.ACCEPTED if accept else PracticeState.DECLINED
    practice.decline_reason = "" if accept else reason
    practice.decided_by = actor
    practice.decided_at = timezone.now()
    practice.save(update_fields=["state", "decline_reason", "decided_by", "decided_at", "updated_at"])
    audit_record(actor=actor, action=f"practice.{practice.state}", obj=practice, payload={"reason": reason})
    if accept:
        title = _("Практика «%(t)s» включена в каталог лучших практик") % {"t": practice.title}
        url = practice.get_absolute_url()
    else:
        title = _("Практика «%(t)s» не включена в каталог") % {"t": practice.title}
        url = practice.project.get_absolute_url() if practice.project_id else ""
    proposer = practice.proposed_by
    transaction.on_commit(
        lambda: notify(user=proposer, kind=f"practices.{practice.state}", title=title, body=reason, url=url)
    )
    return practice


@transaction.atomic
def practice_propose_again(*, actor, practice: Practice, summary: str, title: str = "") -> Practice:
    """After a decline the project's leaders may improve the text and send it again. The same row goes back to
    the reviewers (a project has one practice, a database constraint); the decision it replaces — reason, who,
    when — stays in the audit log, where the review queue finds the reason."""
    practice = Practice.objects.select_for_update(of=("self",)).select_related("project").get(pk=practice.pk)
    if practice.state != PracticeState.DECLINED:
        raise ValidationError({"__all__": [_("Предложить снова можно только практику, которую отклонили.")]})
    _require(actor, "practices.propose_again", practice)
    errors: dict[str, list[str]] = {}
    summary = _summary(summary, errors)
    if errors:
        raise ValidationError(errors)
    declined = {
        "reason": practice.decline_reason,
        "declined_by": practice.decided_by_id,
        "declined_at": practice.decided_at.isoformat(),
    }
    practice.title = (title or "").strip() or practice.title
    practice.summary = summary
    practice.state = PracticeState.PROPOSED
    practice.proposed_by = actor
    practice.decided_by, practice.decided_at, practice.decline_reason = None, None, ""
    practice.save(
        update_fields=[
            "title",
            "summary",
            "state",
            "proposed_by",
            "decided_by",
            "decided_at",
            "decline_reason",
            "updated_at",
        ]
    )
    audit_record(
        actor=actor,
        action="practice.proposed_again",
        obj=practice,
        payload={"project": practice.project_id, "declined": declined},
    )
    return practice
