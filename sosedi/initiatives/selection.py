"""Competitive selection of initiative projects (ч. 11–12 ст. 26.1 131-ФЗ): the administration forms a commission,
half of whose members are nominated by the representative body (`initiative.commission_council_share`, checked
in integers); criteria with weights set per selection; each member scores each project except those they
declared a conflict of interest with; ranking by the weighted mean; a protocol (DOCX). Initiators are told the
date and place so they can attend and present their project.

Kept apart from services.py: a selection is its own process with its own writes."""

import io
from decimal import ROUND_HALF_UP, Decimal

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from sosedi.core.audit import audit_record
from sosedi.core.rulesets import parse_fraction, rule
from sosedi.notifications.services import notify

from .models import (
    CommissionMember,
    Criterion,
    InitiativeProject,
    ProjectStatus,
    Score,
    Selection,
    SelectionEntry,
    SelectionStatus,
)


def _require_official(actor, municipality) -> None:
    from sosedi.accounts.predicates import is_administrator, is_municipal_official_for

    if actor is None or not (is_administrator(actor) or is_municipal_official_for(actor, municipality)):
        raise PermissionDenied(_("Конкурсный отбор проводит администрация муниципального образования."))


def _require_forming(selection: Selection) -> None:
    if selection.status != SelectionStatus.FORMING:
        raise ValidationError({"__all__": [_("Итоги отбора уже подведены.")]})


@transaction.atomic
def selection_create(*, actor, municipality, title: str, meets_at, place: str, projects) -> Selection:
    _require_official(actor, municipality)
    projects = list(projects)
    errors: dict[str, list[str]] = {}
    if not (title or "").strip():
        errors["title"] = [_("Назовите отбор.")]
    if not (place or "").strip():
        errors["place"] = [_("Укажите место заседания: инициаторы вправе на нём присутствовать (ч. 12).")]
    if meets_at is None or meets_at <= timezone.now():
        errors["meets_at"] = [_("Заседание назначают на будущее время.")]
    if len(projects) < 2:
        errors["projects"] = [_("Конкурс проводят, когда внесено несколько проектов — выберите не меньше двух.")]
    for project in projects:
        if project.municipality_id != municipality.pk or project.status not in (
            ProjectStatus.SUBMITTED,
            ProjectStatus.PUBLISHED,
        ):
            errors.setdefault("projects", []).append(
                _("«%(t)s» не внесён в администрацию этого МО или уже рассмотрен.") % {"t": project.title}
            )
    if errors:
        raise ValidationError(errors)
    selection = Selection.objects.create(
        municipality=municipality, title=title.strip(), meets_at=meets_at, place=place.strip(), created_by=actor
    )
    for project in projects:
        SelectionEntry.objects.create(selection=selection, project=project)
        for person in _initiators_of(project):
            notify(
                user=person,
                kind="initiatives.selection",
                title=_("Проект «%(t)s» участвует в конкурсном отборе") % {"t": project.title},
                body=_("Заседание комиссии: %(when)s, %(place)s. Вы можете присутствовать и изложить позицию.")
                % {"when": timezone.localtime(meets_at).strftime("%d.%m.%Y %H:%M"), "place": selection.place},
                url=selection.get_absolute_url(),
            )
    audit_record(actor=actor, action="selection.create", obj=selection, payload={"projects": [p.pk for p in projects]})
    return selection


def _initiators_of(project: InitiativeProject) -> list:
    people = {project.created_by_id: project.created_by}
    for member in project.group_members.filter(confirmed_at__isnull=False).select_related("user"):
        people[member.user_id] = member.user
    return list(people.values())


def criterion_add(*, actor, selection: Selection, name: str, weight: int, max_score: int = 10) -> Criterion:
    _require_official(actor, selection.municipality)
    _require_forming(selection)
    errors: dict[str, list[str]] = {}
    if not (name or "").strip():
        errors["name"] = [_("Назовите критерий.")]
    if not weight or weight < 1:
        errors["weight"] = [_("Вес — целое число не меньше 1.")]
    if not max_score or max_score < 1:
        errors["max_score"] = [_("Максимальный балл — не меньше 1.")]
    if errors:
        raise ValidationError(errors)
    return Criterion.objects.create(selection=selection, name=name.strip(), weight=weight, max_score=max_score)


def member_add(
    *, actor, selection: Selection, full_name: str, from_council: bool, position: str = ""
) -> CommissionMember:
    _require_official(actor, selection.municipality)
    _require_forming(selection)
    if len((full_name or "").split()) < 2:
        raise ValidationError({"full_name": [_("Укажите фамилию и инициалы члена комиссии.")]})
    try:
        with transaction.atomic():
            member = CommissionMember.objects.create(
                selection=selection, full_name=" ".join(full_name.split()), position=position, from_council=from_council
            )
            audit_record(actor=actor, action="selection.member", obj=selection, payload={"member": member.pk})
    except IntegrityError:
        raise ValidationError({"full_name": [_("Этот человек уже в комиссии.")]}) from None
    return member


def conflict_declare(*, actor, member: CommissionMember, project: InitiativeProject) -> None:
    """A member with a personal interest in a project does not score it (and is recorded as such)."""
    _require_official(actor, member.selection.municipality)
    _require_forming(member.selection)
    with transaction.atomic():
        member.conflicts.add(project)
        Score.objects.filter(member=member, project=project).delete()
        audit_record(
            actor=actor,
            action="selection.conflict",
            obj=member.selection,
            payload={"member": member.pk, "project": project.pk},
        )


def composition_error(selection: Selection) -> str:
    """Why the commission does not satisfy ч. 12 ст. 26.1, or "": the share nominated by the representative body
    must equal `initiative.commission_council_share` of all members exactly (integers: 2·council == total)."""
    share = rule("initiative.commission_council_share", municipality=selection.municipality)
    fraction = parse_fraction(share.value)
    members = list(selection.members.values_list("from_council", flat=True))
    council = sum(1 for m in members if m)
    if not members or fraction.denominator * council != fraction.numerator * len(members):
        return _(
            "По предложению представительного органа должно быть назначено %(share)s членов комиссии "
            "(%(basis)s); сейчас %(council)s из %(total)s."
        ) % {"share": share.value, "basis": share.basis, "council": council, "total": len(members)}
    return ""


def score_set(
    *, actor, member: CommissionMember, project: InitiativeProject, criterion: Criterion, value: int
) -> Score:
    """The secretary of the commission enters a member's score from the scoring sheet."""
    selection = member.selection
    _require_official(actor, selection.municipality)
    _require_forming(selection)
    if criterion.selection_id != selection.pk or not selection.entries.filter(project=project).exists():
        raise ValidationError({"__all__": [_("Критерий или проект не относится к этому отбору.")]})
    if member.conflicts.filter(pk=project.pk).exists():
        raise ValidationError(
            {"value": [_("Член комиссии заявил конфликт интересов по этому проекту и не оценивает его.")]}
        )
    if value is None or not 0 <= value <= criterion.max_score:
        raise ValidationError({"value": [_("Балл — от 0 до %(max)s.") % {"max": criterion.max_score}]})
    with transaction.atomic():
        score, _created = Score.objects.update_or_create(
            member=member, project=project, criterion=criterion, defaults={"value": value}
        )
    return score


def ranking(selection: Selection) -> list[tuple[SelectionEntry, Decimal]]:
    """Each project's weighted mean over the members who scored it (conflicted members excluded): Σ(weight·score)
    per member, averaged over those members. Ties keep the order of entry."""
    criteria = {c.pk: c.weight for c in selection.criteria.all()}
    entries = list(selection.entries.select_related("project"))
    sums: dict[tuple[int, int], int] = {}
    for member_id, project_id, criterion_id, value in Score.objects.filter(member__selection=selection).values_list(
        "member_id", "project_id", "criterion_id", "value"
    ):
        key = (project_id, member_id)
        sums[key] = sums.get(key, 0) + criteria[criterion_id] * value
    result = []
    for entry in entries:
        per_member = [v for (project_id, _m), v in sums.items() if project_id == entry.project_id]
        total = (
            (Decimal(sum(per_member)) / len(per_member)).quantize(Decimal("0.01"), ROUND_HALF_UP)
            if per_member
            else Decimal(0)
        )
        result.append((entry, total))
    result.sort(key=lambda pair: -pair[1])
    return result


@transaction.atomic
def selection_close(*, actor, selection: Selection) -> Selection:
    selection = Selection.objects.select_for_update().get(pk=selection.pk)
    _require_official(actor, selection.municipality)
    _require_forming(selection)
    problems = []
    if error := composition_error(selection):
        problems.append(error)
    if not selection.criteria.exists():
        problems.append(_("Задайте критерии отбора и их веса."))
    criteria = selection.criteria.count()
    for member in selection.members.prefetch_related("conflicts"):
        conflicted = {p.pk for p in member.conflicts.all()}
        for entry in selection.entries.all():
            if entry.project_id in conflicted:
                continue
            if member.scores.filter(project_id=entry.project_id).count() != criteria:
                problems.append(_("%(m)s не оценил(а) проект по всем критериям.") % {"m": member.full_name})
                break
    if problems:
        raise ValidationError({"__all__": problems})
    for rank, (entry, total) in enumerate(ranking(selection), start=1):
        entry.total, entry.rank = total, rank
        entry.save(update_fields=["total", "rank"])
    selection.status = SelectionStatus.CLOSED
    selection.closed_at = timezone.now()
    selection.save(update_fields=["status", "closed_at", "updated_at"])
    audit_record(
        actor=actor,
        action="selection.close",
        obj=selection,
        payload={"ranking": [[e.project_id, str(e.total)] for e in selection.entries.order_by("rank")]},
    )
    for entry in selection.entries.select_related("project"):
        for person in _initiators_of(entry.project):
            notify(
                user=person,
                kind="initiatives.selection_result",
                title=_("Итоги отбора: «%(t)s» — %(rank)s место") % {"t": entry.project.title, "rank": entry.rank},
                url=selection.get_absolute_url(),
            )
    return selection


def protocol_docx(selection: Selection) -> bytes:
    """The commission's protocol: composition with the council's share, criteria and weights, conflicts declared,
    scores and ranking."""
    from docx import Document
    from docx.shared import Pt

    document = Document()
    style = document.styles["Normal"]
    style.font.name = "Times New Roman"
    style.font.size = Pt(12)
    document.add_heading(f"ПРОТОКОЛ заседания конкурсной комиссии: {selection.title}", level=1)
    document.add_paragraph(
        f"{selection.municipality.name}. Дата и время: {timezone.localtime(selection.meets_at):%d.%m.%Y %H:%M}. "
        f"Место: {selection.place}."
    )
    document.add_paragraph("Состав комиссии (ч. 12 ст. 26.1 131-ФЗ):")
    members = list(selection.members.prefetch_related("conflicts"))
    for member in members:
        nominated = "по предложению представительного органа" if member.from_council else "от администрации"
        line = f"{member.full_name}{', ' + member.position if member.position else ''} — {nominated}"
        if member.conflicts.all():
            line += "; заявлен конфликт интересов: " + ", ".join(f"«{p.title}»" for p in member.conflicts.all())
        document.add_paragraph(line, style="List Bullet")
    document.add_paragraph("Критерии и веса:")
    for criterion in selection.criteria.all():
        document.add_paragraph(
            f"{criterion.name} — вес {criterion.weight}, балл от 0 до {criterion.max_score}", style="List Bullet"
        )
    document.add_paragraph("Итоги (средневзвешенный балл по членам комиссии, оценивавшим проект):")
    table = document.add_table(rows=1, cols=3)
    table.style = "Table Grid"
    header = table.rows[0].cells
    header[0].text, header[1].text, header[2].text = "Место", "Проект", "Балл"
    for entry in selection.entries.select_related("project").order_by("rank", "id"):
        row = table.add_row().cells
        row[0].text = str(entry.rank or "—")
        row[1].text = entry.project.title
        row[2].text = str(entry.total if entry.total is not None else "—")
    document.add_paragraph("")
    document.add_paragraph("Председатель комиссии ______________    Секретарь комиссии ______________")
    buffer = io.BytesIO()
    document.save(buffer)
    return buffer.getvalue()
