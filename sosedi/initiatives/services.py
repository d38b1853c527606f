"""Writes of the initiatives capability. Pages, the API, the demo loader and tests all go through these.

Each service checks permission, then validation, then writes atomically; every change of a project's status
is appended to the hash-chained audit log, and the people concerned are notified after commit. Errors are
ValidationError keyed by the field they are about, so a form shows them next to the field and the API names
the field.
"""

from datetime import date, timedelta

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from sosedi.accounts.ages import is_at_least
from sosedi.accounts.predicates import is_tos_leader
from sosedi.core.audit import audit_record
from sosedi.core.rulesets import rule
from sosedi.core.workdays import add_working_days
from sosedi.meetings.models import AgendaItem, MeetingState, VoteState
from sosedi.notifications.services import notify
from sosedi.territories.geometry import parse_boundary, to_geojson
from sosedi.territories.models import MembershipStatus

from .models import (
    Decision,
    GroupMember,
    Idea,
    IdeaComment,
    IdeaPhoto,
    IdeaStatus,
    IdeaSupport,
    InitiativeProject,
    InitiatorKind,
    ProjectStatus,
    RejectionGround,
    Remark,
    Signature,
    SignatureSource,
)

PHOTO_TYPES = {".jpg", ".jpeg", ".png", ".webp"}
PHOTO_MAX_BYTES = 10 * 1024 * 1024
PROTOCOL_TYPES = {".pdf", ".doc", ".docx", ".odt", ".jpg", ".jpeg", ".png"}
PROTOCOL_MAX_BYTES = 20 * 1024 * 1024
MAX_PHOTOS = 5

PROJECT_FIELDS = (
    "title",
    "direction",
    "problem",
    "justification",
    "expected_result",
    "cost_estimate",
    "cost_breakdown",
    "timeline",
    "participation",
    "budget_amount",
    "territory_description",
    "territory_geojson",
    "other_info",
    "lat",
    "lon",
)


def _require(actor, perm: str, obj=None) -> None:
    if actor is None or not actor.has_perm(perm, obj):
        raise PermissionDenied(_("Недостаточно прав для этого действия."))


def _today() -> date:
    return timezone.localdate()


def _extension(name: str) -> str:
    return ("." + name.rsplit(".", 1)[-1].lower()) if "." in name else ""


def _check_file(file, *, field: str, types: set[str], max_bytes: int) -> None:
    if _extension(file.name) not in types:
        raise ValidationError({field: [_("Допустимые форматы: %(types)s.") % {"types": ", ".join(sorted(types))}]})
    if file.size > max_bytes:
        raise ValidationError({field: [_("Файл больше %(mb)s МБ.") % {"mb": max_bytes // (1024 * 1024)}]})


def _check_point(lat, lon, errors: dict) -> None:
    if (lat is None) != (lon is None):
        errors["lat"] = [_("Укажите обе координаты точки или ни одной.")]
    elif lat is not None and not (-90 <= lat <= 90 and -180 <= lon <= 180):
        errors["lat"] = [_("Координаты вне допустимого диапазона.")]


def _log(actor, action: str, obj, payload: dict | None = None):
    return audit_record(actor=actor, action=action, obj=obj, payload=payload or {})


def normal_name(full_name: str) -> str:
    """Case, ё/е and spacing do not matter."""
    return " ".join((full_name or "").lower().replace("ё", "е").split())


def person_key(full_name: str, birth_date: date) -> str:
    """Same person, however typed: the normalised surname and first name (a paper sheet may omit the patronymic
    the profile has) and the birth date."""
    return f"{' '.join(normal_name(full_name).split()[:2])}|{birth_date.isoformat()}"


# ---------------------------------------------------------------- residents


def _municipality_chain(municipality) -> set[int]:
    ids: set[int] = set()
    while municipality is not None and municipality.pk not in ids:
        ids.add(municipality.pk)
        municipality = municipality.parent
    return ids


def lives_in(user, municipality) -> bool:
    """A resident of the municipality: their profile names it (or a settlement inside it), or they are an
    active member of a ТОС in it — a membership is granted only after the ТОС confirmed the address."""
    if user.municipality_id is not None and municipality.pk in _municipality_chain(user.municipality):
        return True
    from sosedi.territories.models import Municipality

    member_municipalities = Municipality.objects.filter(
        tos_set__memberships__user=user, tos_set__memberships__status=MembershipStatus.ACTIVE
    ).select_related("parent__parent")
    return any(municipality.pk in _municipality_chain(m) for m in member_municipalities)


def resident_error(user, municipality, *, key: str = "initiative.min_age", on: date | None = None) -> str:
    """Why `user` may not act as a resident of the required age of `municipality`, or "" when they may."""
    on = on or _today()
    min_age = rule(key, municipality=municipality, on=on)
    if not user.is_authenticated:
        return _("Войдите на сайт.")
    if user.birth_date is None:
        return _("Укажите дату рождения в профиле: участвуют жители с %(age)s лет (%(basis)s).") % {
            "age": min_age.value,
            "basis": min_age.basis,
        }
    if not is_at_least(user.birth_date, int(min_age.value), on):
        return _("Участвуют жители, достигшие %(age)s лет (%(basis)s).") % {
            "age": min_age.value,
            "basis": min_age.basis,
        }
    if not lives_in(user, municipality):
        return _(
            "Участвуют жители муниципального образования «%(name)s». Укажите его в профиле как место "
            "проживания или вступите в ТОС на его территории."
        ) % {"name": municipality.name}
    return ""


# ---------------------------------------------------------------- ideas


@transaction.atomic
def idea_create(
    *, actor, municipality, direction, title: str, description: str, tos=None, lat=None, lon=None, photos=()
) -> Idea:
    _require(actor, "initiatives.add_idea")
    errors: dict[str, list[str]] = {}
    if not (title or "").strip():
        errors["title"] = [_("Коротко опишите, что вы предлагаете.")]
    if len((description or "").strip()) < 20:
        errors["description"] = [_("Опишите проблему или идею подробнее — хотя бы пару предложений.")]
    if tos is not None and tos.municipality_id != municipality.pk:
        errors["tos"] = [_("Этот ТОС находится в другом муниципальном образовании.")]
    _check_point(lat, lon, errors)
    photos = list(photos or [])
    if len(photos) > MAX_PHOTOS:
        errors["photos"] = [_("Не больше %(n)s фотографий.") % {"n": MAX_PHOTOS}]
    for photo in photos:
        try:
            _check_file(photo, field="photos", types=PHOTO_TYPES, max_bytes=PHOTO_MAX_BYTES)
        except ValidationError as error:
            errors.setdefault("photos", []).extend(error.message_dict["photos"])
    if errors:
        raise ValidationError(errors)
    idea = Idea(
        author=actor,
        municipality=municipality,
        tos=tos,
        direction=direction,
        title=title.strip(),
        description=description.strip(),
        lat=lat,
        lon=lon,
    )
    idea.full_clean()
    idea.save()
    for photo in photos:
        IdeaPhoto.objects.create(idea=idea, image=photo)
    _log(actor, "idea.create", idea, {"municipality": municipality.pk})
    return idea


def idea_support(*, actor, idea: Idea) -> IdeaSupport | None:
    """Support an idea; supporting twice is harmless and returns None (the database keeps one row)."""
    _require(actor, "initiatives.support_idea", idea)
    try:
        with transaction.atomic():
            support = IdeaSupport.objects.create(idea=idea, user=actor)
            if idea.author_id != actor.pk:
                # In-app row with the support; notify() defers the e-mail until the commit.
                notify(
                    user=idea.author,
                    kind="initiatives.idea_supported",
                    title=_("Вашу идею «%(title)s» поддержали") % {"title": idea.title},
                    url=idea.get_absolute_url(),
                )
    except IntegrityError:
        return None
    return support


def idea_unsupport(*, actor, idea: Idea) -> bool:
    _require(actor, "initiatives.support_idea", idea)
    deleted, _rows = IdeaSupport.objects.filter(idea=idea, user=actor).delete()
    return bool(deleted)


def idea_comment(*, actor, idea: Idea, text: str) -> IdeaComment:
    _require(actor, "initiatives.comment_idea", idea)
    text = (text or "").strip()
    if not text:
        raise ValidationError({"text": [_("Напишите комментарий.")]})
    if len(text) > 3000:
        raise ValidationError({"text": [_("Комментарий длиннее 3000 знаков.")]})
    comment = IdeaComment.objects.create(idea=idea, author=actor, text=text)
    if idea.author_id != actor.pk:
        notify(
            user=idea.author,
            kind="initiatives.idea_comment",
            title=_("Новый комментарий к идее «%(title)s»") % {"title": idea.title},
            body=text[:300],
            url=idea.get_absolute_url(),
        )
    return comment


# ---------------------------------------------------------------- projects: drafting


def _project_errors(project: InitiativeProject) -> dict[str, list[str]]:
    errors: dict[str, list[str]] = {}
    required = ("title", "problem", "justification", "expected_result", "timeline", "participation")
    for name in (*required, "territory_description"):
        if not str(getattr(project, name) or "").strip():
            errors[name] = [_("Обязательная часть проекта (ч. 3 ст. 26.1 131-ФЗ).")]
    for name in ("cost_estimate", "budget_amount"):
        value = getattr(project, name)
        if value is None:
            errors[name] = [_("Укажите сумму в рублях (можно 0).")]
        elif value < 0:
            errors[name] = [_("Сумма не может быть отрицательной.")]
    if (
        project.cost_estimate is not None
        and project.budget_amount is not None
        and project.budget_amount > project.cost_estimate
    ):
        errors["budget_amount"] = [_("Средства бюджета не могут превышать предварительный расчёт расходов.")]
    _check_point(project.lat, project.lon, errors)
    _check_territory(project, errors)
    return errors


def _check_territory(project: InitiativeProject, errors: dict[str, list[str]]) -> None:
    """Part 8 on the map: a drawn polygon checked like a ТОС boundary and stored normalised, or — for a ТОС's
    project — nothing, because the ТОС boundary is the territory."""
    value = project.territory_geojson
    if value in (None, "", {}):
        project.territory_geojson = None
        if project.tos_id is None:
            errors["territory_geojson"] = [
                _("Нарисуйте территорию проекта на карте: у проекта без ТОС она обязательна.")
            ]
        return
    try:
        project.territory_geojson = to_geojson(parse_boundary(value))
    except ValidationError as error:
        errors["territory_geojson"] = error.messages


def other_initiators(municipality, *, on: date | None = None) -> dict[str, str]:
    """The «иные лица» the municipality's act lets bring a project (ч. 2 ст. 26.1): code → name, in its order."""
    entries = rule("initiative.other_initiators", municipality=municipality, on=on or _today()).value or []
    return {entry["code"]: entry["name"] for entry in entries}


def _initiator_errors(
    actor, *, kind: str, tos, initiator_name: str, municipality, initiator_other: str = ""
) -> dict[str, list[str]]:
    errors: dict[str, list[str]] = {}
    if kind == InitiatorKind.TOS_BODY:
        if tos is None:
            errors["tos"] = [_("Укажите ТОС, органы которого вносят проект.")]
        elif not (actor.has_perm("initiatives.add_project") and (is_tos_leader(actor, tos) or actor.is_superuser)):
            errors["initiator_kind"] = [_("От имени органов ТОС проект оформляют его председатель или секретарь.")]
    elif kind == InitiatorKind.VILLAGE_HEAD:
        if not (initiator_name or "").strip():
            errors["initiator_name"] = [_("Укажите ФИО старосты и населённый пункт.")]
    elif kind == InitiatorKind.OTHER:
        if initiator_other not in other_initiators(municipality):
            basis = rule("initiative.other_initiators", municipality=municipality, on=_today()).basis
            errors["initiator_kind"] = [
                _("НПА этого муниципального образования не даёт такому инициатору права вносить проект (%(basis)s).")
                % {"basis": basis}
            ]
        if not (initiator_name or "").strip():
            errors["initiator_name"] = [_("Укажите, кто вносит проект: название органа или объединения.")]
    elif kind != InitiatorKind.GROUP:
        errors["initiator_kind"] = [_("Выберите инициатора из списка.")]
    if tos is not None and tos.municipality_id != municipality.pk:
        errors["tos"] = [_("Этот ТОС находится в другом муниципальном образовании.")]
    return errors


@transaction.atomic
def project_create(
    *,
    actor,
    municipality,
    initiator_kind: str,
    tos=None,
    idea: Idea | None = None,
    initiator_name: str = "",
    initiator_other: str = "",
    **fields,
) -> InitiativeProject:
    """A draft project. From an idea, the idea becomes "turned into a project" and its author and supporters
    are told."""
    _require(actor, "initiatives.add_project")
    unknown = set(fields) - set(PROJECT_FIELDS)
    if unknown:
        raise ValueError(f"unknown project fields: {unknown}")
    if idea is not None and idea.status != IdeaStatus.OPEN:
        raise ValidationError({"__all__": [_("Из этой идеи проект уже сделан.")]})
    project = InitiativeProject(
        municipality=municipality,
        tos=tos,
        idea=idea,
        created_by=actor,
        initiator_kind=initiator_kind,
        initiator_name=(initiator_name or "").strip(),
        initiator_other=initiator_other if initiator_kind == InitiatorKind.OTHER else "",
        **fields,
    )
    errors = _project_errors(project)
    errors.update(
        _initiator_errors(
            actor,
            kind=initiator_kind,
            tos=tos,
            initiator_name=initiator_name,
            municipality=municipality,
            initiator_other=initiator_other,
        )
    )
    if initiator_kind == InitiatorKind.GROUP:
        # The person who draws it up is the first member of the group; they must qualify like everyone else.
        problem = resident_error(actor, municipality)
        if problem:
            errors.setdefault("initiator_kind", []).append(problem)
    if errors:
        raise ValidationError(errors)
    project.save()
    if initiator_kind == InitiatorKind.GROUP:
        GroupMember.objects.create(project=project, user=actor, added_by=actor, confirmed_at=timezone.now())
    _log(actor, "initiative.create", project, {"status": project.status, "idea": idea.pk if idea else None})
    if idea is not None:
        idea.status = IdeaStatus.IN_PROJECT
        idea.save(update_fields=["status", "updated_at"])
        _log(actor, "idea.to_project", idea, {"project": project.pk})
        people = {idea.author_id: idea.author}
        for support in idea.supports.select_related("user"):
            people[support.user_id] = support.user
        for person in people.values():
            notify(
                user=person,
                kind="initiatives.idea_to_project",
                title=_("Идея «%(idea)s» стала инициативным проектом") % {"idea": idea.title},
                url=project.get_absolute_url(),
            )
    return project


@transaction.atomic
def project_update(*, actor, project: InitiativeProject, **fields) -> InitiativeProject:
    _require(actor, "initiatives.change_project", project)
    unknown = set(fields) - set(PROJECT_FIELDS)
    if unknown:
        raise ValueError(f"unknown project fields: {unknown}")
    for name, value in fields.items():
        setattr(project, name, value)
    errors = _project_errors(project)
    if errors:
        raise ValidationError(errors)
    project.save()
    _log(actor, "initiative.update", project, {"fields": sorted(fields)})
    return project


# ---------------------------------------------------------------- initiative group


def group_member_add(*, actor, project: InitiativeProject, user) -> GroupMember:
    """Invite a registered person into the initiative group; they count once they confirm themselves."""
    _require(actor, "initiatives.manage_support", project)
    if project.initiator_kind != InitiatorKind.GROUP:
        raise ValidationError({"email": [_("У этого проекта инициатор — не инициативная группа.")]})
    problem = resident_error(user, project.municipality)
    if problem:
        raise ValidationError({"email": [_("%(name)s: %(problem)s") % {"name": user.display_name, "problem": problem}]})
    try:
        with transaction.atomic():
            member = GroupMember.objects.create(project=project, user=user, added_by=actor)
            _log(actor, "initiative.group_invite", project, {"user": user.pk})
    except IntegrityError:
        raise ValidationError({"email": [_("Этот человек уже в инициативной группе.")]}) from None
    notify(
        user=user,
        kind="initiatives.group_invite",
        title=_("Вас пригласили в инициативную группу проекта «%(title)s»") % {"title": project.title},
        body=_("Подтвердите участие на странице проекта."),
        url=project.get_absolute_url(),
    )
    return member


@transaction.atomic
def group_member_confirm(*, actor, project: InitiativeProject) -> GroupMember:
    """Only the person themselves confirms membership: a group cannot be filled with names of people who did not
    agree (P2)."""
    member = GroupMember.objects.select_for_update().filter(project=project, user=actor).first()
    if member is None:
        raise PermissionDenied(_("Вас нет в инициативной группе этого проекта."))
    if project.status not in (ProjectStatus.DRAFT, ProjectStatus.COLLECTING):
        raise ValidationError({"__all__": [_("Проект уже внесён: состав группы не меняется.")]})
    problem = resident_error(actor, project.municipality)
    if problem:
        raise ValidationError({"__all__": [problem]})
    if member.confirmed_at is None:
        member.confirmed_at = timezone.now()
        member.save(update_fields=["confirmed_at", "updated_at"])
        _log(actor, "initiative.group_confirm", project, {"user": actor.pk})
    return member


def group_shortfall(project: InitiativeProject, *, on: date | None = None) -> str:
    """Why the initiator does not yet qualify under ч. 2 ст. 26.1, or ""."""
    if project.initiator_kind != InitiatorKind.GROUP:
        return ""
    on = on or _today()
    min_group = rule("initiative.min_group", municipality=project.municipality, on=on)
    confirmed = project.group_members.filter(confirmed_at__isnull=False).count()
    if confirmed < int(min_group.value):
        return _("В инициативной группе %(n)s подтвердивших участие, нужно не менее %(min)s (%(basis)s).") % {
            "n": confirmed,
            "min": min_group.value,
            "basis": min_group.basis,
        }
    return ""


# ---------------------------------------------------------------- support before submission


def support_methods(project: InitiativeProject, *, on: date | None = None) -> list[str]:
    return list(rule("initiative.support_methods", municipality=project.municipality, on=on or _today()).value)


@transaction.atomic
def project_open_support(*, actor, project: InitiativeProject) -> InitiativeProject:
    """The draft is complete: show it publicly and start collecting support."""
    _require(actor, "initiatives.change_project", project)
    if project.status != ProjectStatus.DRAFT:
        raise ValidationError({"__all__": [_("Сбор поддержки уже начат.")]})
    errors = _project_errors(project)
    if errors:
        raise ValidationError(errors)
    _set_status(actor, project, ProjectStatus.COLLECTING)
    return project


def _require_signatures_allowed(project: InitiativeProject) -> None:
    if "signatures" not in support_methods(project):
        raise ValidationError(
            {"__all__": [_("Сбор подписей в этом муниципальном образовании не предусмотрен (ч. 4 ст. 26.1 131-ФЗ).")]}
        )


def _save_signature(signature: Signature, actor) -> Signature:
    try:
        with transaction.atomic():
            signature.save()
            _log(
                actor,
                "initiative.sign",
                signature.project,
                {"signature": signature.pk, "source": signature.source, "sheet": signature.sheet_number},
            )
    except IntegrityError:
        # The unique constraints are the last word when two requests race: the same person counts once.
        raise ValidationError(
            {"full_name": [_("Этот человек уже поддержал проект — подпись учитывается один раз.")]}
        ) from None
    return signature


def signature_sign(*, actor, project: InitiativeProject) -> Signature:
    """An online signature of a verified resident of the required age (ч. 4 ст. 26.1 131-ФЗ)."""
    _require(actor, "initiatives.sign_project", project)
    _require_signatures_allowed(project)
    problem = resident_error(actor, project.municipality)
    if problem:
        raise ValidationError({"__all__": [problem]})
    name = actor.full_name or actor.email
    return _save_signature(
        Signature(
            project=project,
            user=actor,
            source=SignatureSource.ONLINE,
            full_name=name,
            birth_date=actor.birth_date,
            address=actor.address,
            person_key=person_key(name, actor.birth_date),
            signed_on=_today(),
            entered_by=actor,
        ),
        actor,
    )


def signature_enter_paper(
    *,
    actor,
    project: InitiativeProject,
    full_name: str,
    birth_date: date | None,
    address: str,
    signed_on: date | None = None,
    sheet_number: int | None = None,
) -> Signature:
    """An entry of a paper signature sheet typed in by an initiator, marked as paper."""
    _require(actor, "initiatives.manage_support", project)
    _require_signatures_allowed(project)
    full_name = " ".join((full_name or "").split())
    errors: dict[str, list[str]] = {}
    if project.status != ProjectStatus.COLLECTING:
        errors["__all__"] = [_("Подписи вносятся во время сбора поддержки.")]
    if len(full_name.split()) < 2:
        errors["full_name"] = [_("Укажите фамилию и имя (лучше с отчеством), как в подписном листе.")]
    signed_on = signed_on or _today()
    if signed_on > _today():
        errors["signed_on"] = [_("Дата подписи не может быть в будущем.")]
    if birth_date is None:
        errors["birth_date"] = [_("Укажите дату рождения.")]
    else:
        min_age = rule("initiative.min_age", municipality=project.municipality, on=signed_on)
        if birth_date > signed_on or not is_at_least(birth_date, int(min_age.value), signed_on):
            errors["birth_date"] = [
                _("Подписывают жители, достигшие %(age)s лет на дату подписи (%(basis)s).")
                % {"age": min_age.value, "basis": min_age.basis}
            ]
    if not (address or "").strip():
        errors["address"] = [_("Укажите адрес места жительства.")]
    if errors:
        raise ValidationError(errors)
    key = person_key(full_name, birth_date)
    existing = Signature.objects.filter(project=project, person_key=key).first()
    if existing is not None:
        raise ValidationError(
            {
                "full_name": [
                    _("%(name)s (%(born)s) уже поддержал(а) проект (%(how)s) — подпись учитывается один раз.")
                    % {
                        "name": existing.full_name,
                        "born": existing.birth_date.strftime("%d.%m.%Y"),
                        "how": existing.get_source_display(),
                    }
                ]
            }
        )
    return _save_signature(
        Signature(
            project=project,
            source=SignatureSource.PAPER,
            full_name=full_name,
            birth_date=birth_date,
            address=address.strip(),
            person_key=key,
            signed_on=signed_on,
            sheet_number=sheet_number,
            entered_by=actor,
        ),
        actor,
    )


def support_meeting_link(*, actor, project: InitiativeProject, item: AgendaItem) -> InitiativeProject:
    """Approval at a собрание or конференция of [2]: a closed meeting whose decision on the item is published."""
    _require(actor, "initiatives.manage_support", project)
    meeting = item.meeting
    errors = []
    if not {"meeting", "conference"} & set(support_methods(project)):
        errors.append(_("Рассмотрение на собрании в этом муниципальном образовании не предусмотрено."))
    if meeting.state != MeetingState.CLOSED:
        errors.append(_("Собрание ещё не завершено."))
    if item.vote_state != VoteState.PUBLISHED:
        errors.append(_("Итоги голосования по этому вопросу не опубликованы."))
    elif not item.decided:
        errors.append(_("Собрание не поддержало проект по этому вопросу."))
    if project.tos_id and meeting.tos_id != project.tos_id:
        errors.append(_("Это собрание другого ТОС."))
    if errors:
        raise ValidationError({"item": errors})
    with transaction.atomic():
        project.meeting_item = item
        project.save(update_fields=["meeting_item", "updated_at"])
        _log(actor, "initiative.support_meeting", project, {"meeting": meeting.pk, "item": item.pk})
    return project


def support_protocol_upload(*, actor, project: InitiativeProject, file, meeting_date: date) -> InitiativeProject:
    _require(actor, "initiatives.manage_support", project)
    _check_file(file, field="protocol_file", types=PROTOCOL_TYPES, max_bytes=PROTOCOL_MAX_BYTES)
    if meeting_date is None or meeting_date > _today():
        raise ValidationError({"protocol_date": [_("Укажите дату собрания — не позже сегодняшней.")]})
    with transaction.atomic():
        project.protocol_file = file
        project.protocol_date = meeting_date
        project.save(update_fields=["protocol_file", "protocol_date", "updated_at"])
        _log(actor, "initiative.support_protocol", project, {"date": meeting_date.isoformat()})
    return project


def support_counts(project: InitiativeProject) -> dict[str, int]:
    from . import support_survey

    online = paper = 0
    for source, n in _signature_counts(project):
        if source == SignatureSource.ONLINE:
            online = n
        else:
            paper = n
    yes, answered = support_survey.counts_for([project.support_option_id] if project.support_option_id else []).get(
        project.support_option_id, (0, 0)
    )
    return {
        "signatures_online": online,
        "signatures_paper": paper,
        "signatures": online + paper,
        "meeting": 1 if (project.meeting_item_id or project.protocol_file) else 0,
        "survey_yes": yes,
        "survey_answered": answered,
    }


def _signature_counts(project):
    from django.db.models import Count

    return project.signatures.values("source").annotate(n=Count("id")).values_list("source", "n")


def support_shortfall(project: InitiativeProject, *, on: date | None = None) -> str:
    """Why the project has no support evidence yet under the methods the municipality allows (P4), or ""."""
    from . import support_survey

    on = on or _today()
    methods = set(support_methods(project, on=on))
    if {"meeting", "conference"} & methods and (project.meeting_item_id or project.protocol_file):
        return ""
    reasons = []
    if support_survey.METHOD in methods:
        survey_problem = support_survey.shortfall(project, on)
        if survey_problem is None:
            return ""
        reasons.append(survey_problem)
    if "signatures" in methods:
        needed = rule("initiative.min_signatures", municipality=project.municipality, on=on)
        if project.signatures.count() >= int(needed.value):
            return ""
        reasons.insert(
            0,
            _("Нужна поддержка жителей: решение собрания (конференции) или не менее %(n)s подписей (%(basis)s).")
            % {"n": needed.value, "basis": needed.basis},
        )
    if not reasons:
        return _("Нужно решение собрания или конференции граждан о поддержке проекта (ч. 4 ст. 26.1 131-ФЗ).")
    if "signatures" not in methods:
        reasons.insert(0, _("Нужна поддержка жителей: решение собрания (конференции) или опрос."))
    return " ".join(reasons)


# ---------------------------------------------------------------- submission and review


def _initiators(project: InitiativeProject) -> list:
    people = {project.created_by_id: project.created_by}
    for member in project.group_members.filter(confirmed_at__isnull=False).select_related("user"):
        people[member.user_id] = member.user
    return list(people.values())


def _supporters(project: InitiativeProject) -> list:
    return [s.user for s in project.signatures.filter(user__isnull=False).select_related("user")]


def _tell(project: InitiativeProject, *, kind: str, title: str, body: str = "", supporters: bool = True) -> None:
    seen = set()
    people = _initiators(project) + (_supporters(project) if supporters else [])
    for person in people:
        if person.pk in seen:
            continue
        seen.add(person.pk)
        notify(user=person, kind=kind, title=title, body=body, url=project.get_absolute_url())


def _set_status(actor, project: InitiativeProject, status: str, payload: dict | None = None, fields=()) -> None:
    before = project.status
    project.status = status
    project.save(update_fields=["status", "updated_at", *fields])
    _log(actor, f"initiative.{status}", project, {"from": before, "to": status, **(payload or {})})


@transaction.atomic
def project_submit(*, actor, project: InitiativeProject) -> InitiativeProject:
    """Submit the project to the local administration (ч. 1, 5, 6 ст. 26.1): the deadlines start now."""
    # Locked and re-read first: the permission depends on the status, which another request may just have moved.
    project = InitiativeProject.objects.select_for_update().get(pk=project.pk)
    _require(actor, "initiatives.submit_project", project)
    today = _today()
    problems = [p for p in (group_shortfall(project, on=today), support_shortfall(project, on=today)) if p]
    errors = _project_errors(project)
    if errors:
        problems.append(_("Заполните все обязательные части проекта."))
    if problems:
        raise ValidationError({"__all__": problems})
    publish = rule("initiative.publish_wd", municipality=project.municipality, on=today)
    review = rule("initiative.review_days", municipality=project.municipality, on=today)
    project.submitted_at = timezone.now()
    # ч. 5: within N working days of submission; ч. 6: within N (calendar) days of submission.
    project.publication_deadline = add_working_days(today, int(publish.value))
    project.review_deadline = today + timedelta(days=int(review.value))
    project.deadline_basis = {"publication": publish.basis, "review": review.basis}
    _set_status(
        actor,
        project,
        ProjectStatus.SUBMITTED,
        {
            "publication_deadline": project.publication_deadline.isoformat(),
            "review_deadline": project.review_deadline.isoformat(),
        },
        fields=("submitted_at", "publication_deadline", "review_deadline", "deadline_basis"),
    )
    _tell(
        project,
        kind="initiatives.submitted",
        title=_("Проект «%(title)s» внесён в администрацию") % {"title": project.title},
        body=_("Решение — до %(date)s.") % {"date": project.review_deadline.strftime("%d.%m.%Y")},
    )
    from sosedi.accounts.models import Role, RoleAssignment

    officials = RoleAssignment.objects.filter(
        role=Role.MUNICIPAL_OFFICIAL, municipality=project.municipality, revoked_at__isnull=True
    ).select_related("user")
    for assignment in officials:
        notify(
            user=assignment.user,
            kind="initiatives.to_review",
            title=_("Внесён инициативный проект «%(title)s»") % {"title": project.title},
            body=_("Опубликовать до %(date)s.") % {"date": project.publication_deadline.strftime("%d.%m.%Y")},
            url=project.get_absolute_url(),
        )
    return project


@transaction.atomic
def project_publish(*, actor, project: InitiativeProject) -> InitiativeProject:
    """The administration publishes the project; residents' remarks are open for at least N working days (ч. 5)."""
    project = InitiativeProject.objects.select_for_update().get(pk=project.pk)
    _require(actor, "initiatives.review_project", project)
    if project.status != ProjectStatus.SUBMITTED:
        raise ValidationError({"__all__": [_("Проект уже опубликован.")]})
    today = _today()
    remarks = rule("initiative.comments_min_wd", municipality=project.municipality, on=today)
    project.published_at = timezone.now()
    project.remarks_until = add_working_days(today, int(remarks.value))
    project.deadline_basis = {**project.deadline_basis, "remarks": remarks.basis}
    _set_status(
        actor,
        project,
        ProjectStatus.PUBLISHED,
        {"remarks_until": project.remarks_until.isoformat(), "late": today > project.publication_deadline},
        fields=("published_at", "remarks_until", "deadline_basis"),
    )
    _tell(
        project,
        kind="initiatives.published",
        title=_("Проект «%(title)s» опубликован администрацией") % {"title": project.title},
        body=_("Замечания принимаются по %(date)s.") % {"date": project.remarks_until.strftime("%d.%m.%Y")},
    )
    return project


def remark_add(*, actor, project: InitiativeProject, text: str) -> Remark:
    """A remark of a resident of the required age during the remarks period (ч. 5 ст. 26.1)."""
    _require(actor, "initiatives.remark_project", project)
    text = (text or "").strip()
    if not text:
        raise ValidationError({"text": [_("Напишите замечание или предложение.")]})
    if project.remarks_until and _today() > project.remarks_until:
        raise ValidationError(
            {
                "text": [
                    _("Срок приёма замечаний истёк %(date)s.") % {"date": project.remarks_until.strftime("%d.%m.%Y")}
                ]
            }
        )
    problem = resident_error(actor, project.municipality)
    if problem:
        raise ValidationError({"text": [problem]})
    with transaction.atomic():
        remark = Remark.objects.create(project=project, author=actor, text=text)
        _log(actor, "initiative.remark", project, {"remark": remark.pk})
    return remark


@transaction.atomic
def project_decide(
    *,
    actor,
    project: InitiativeProject,
    decision: str,
    text: str,
    budget_line: str = "",
    ground: int | None = None,
    rework_offer: str = "",
) -> InitiativeProject:
    """Support with a budget line, or refuse on one ground of the closed list (ч. 6–8 ст. 26.1)."""
    project = InitiativeProject.objects.select_for_update().get(pk=project.pk)
    _require(actor, "initiatives.review_project", project)
    errors: dict[str, list[str]] = {}
    if project.status != ProjectStatus.PUBLISHED:
        errors["__all__"] = [_("Сначала опубликуйте проект и дайте жителям срок для замечаний (ч. 5 ст. 26.1).")]
    elif project.remarks_until and _today() <= project.remarks_until:
        errors["__all__"] = [
            _("Замечания принимаются по %(date)s включительно; решение — после этого срока.")
            % {"date": project.remarks_until.strftime("%d.%m.%Y")}
        ]
    if not (text or "").strip():
        errors["text"] = [_("Напишите текст решения.")]
    if decision == Decision.SUPPORT:
        if ground is not None:
            errors["ground"] = [_("Основание отказа указывается только при отказе.")]
        if not (budget_line or "").strip():
            errors["budget_line"] = [_("Укажите строку бюджета, из которой финансируется проект.")]
    elif decision == Decision.REJECT:
        if ground not in RejectionGround.values:
            errors["ground"] = [_("Отказ возможен только по одному из оснований ч. 7 ст. 26.1 131-ФЗ — выберите его.")]
        elif ground == RejectionGround.BETTER_WAY and not (rework_offer or "").strip():
            errors["rework_offer"] = [
                _("При отказе по п. 5 ч. 7 администрация обязана предложить совместную доработку (ч. 8 ст. 26.1).")
            ]
    else:
        errors["decision"] = [_("Выберите решение: поддержать или отказать.")]
    if errors:
        raise ValidationError(errors)
    project.decision = decision
    project.decided_at = timezone.now()
    project.decided_by = actor
    project.decision_text = text.strip()
    project.budget_line = (budget_line or "").strip() if decision == Decision.SUPPORT else ""
    project.rejection_ground = ground if decision == Decision.REJECT else None
    project.rework_offer = (rework_offer or "").strip() if decision == Decision.REJECT else ""
    status = ProjectStatus.SUPPORTED if decision == Decision.SUPPORT else ProjectStatus.REJECTED
    _set_status(
        actor,
        project,
        status,
        {"decision": decision, "ground": project.rejection_ground, "late": _today() > project.review_deadline},
        fields=(
            "decision",
            "decided_at",
            "decided_by",
            "decision_text",
            "budget_line",
            "rejection_ground",
            "rework_offer",
        ),
    )
    if decision == Decision.SUPPORT:
        title = _("Проект «%(title)s» поддержан") % {"title": project.title}
    else:
        title = _("По проекту «%(title)s» отказано: %(ground)s") % {
            "title": project.title,
            "ground": RejectionGround(ground).label,
        }
    _tell(project, kind="initiatives.decision", title=title, body=project.decision_text[:300])
    return project


# ---------------------------------------------------------------- implementation and report


@transaction.atomic
def project_start(*, actor, project: InitiativeProject) -> InitiativeProject:
    project = InitiativeProject.objects.select_for_update().get(pk=project.pk)
    _require(actor, "initiatives.implement_project", project)
    if project.status != ProjectStatus.SUPPORTED:
        raise ValidationError({"__all__": [_("Реализацию начинают после решения о поддержке.")]})
    _set_status(actor, project, ProjectStatus.IMPLEMENTING)
    _tell(project, kind="initiatives.started", title=_("Началась реализация проекта «%(t)s»") % {"t": project.title})
    return project


def milestone_add(
    *, actor, project: InitiativeProject, title: str, happened_on: date, kind: str = "progress", spent=0, photo=None
):
    from .models import Milestone, MilestoneKind

    _require(actor, "initiatives.implement_project", project)
    errors: dict[str, list[str]] = {}
    if not (title or "").strip():
        errors["title"] = [_("Опишите, что сделано.")]
    if happened_on is None or happened_on > _today():
        errors["happened_on"] = [_("Укажите дату — не позже сегодняшней.")]
    if spent is None or spent < 0:
        errors["spent"] = [_("Сумма не может быть отрицательной.")]
    if kind not in MilestoneKind.values:
        errors["kind"] = [_("Выберите этап из списка.")]
    if photo:
        try:
            _check_file(photo, field="photo", types=PHOTO_TYPES, max_bytes=PHOTO_MAX_BYTES)
        except ValidationError as error:
            errors.update(error.message_dict)
    if errors:
        raise ValidationError(errors)
    with transaction.atomic():
        milestone = Milestone.objects.create(
            project=project,
            kind=kind,
            title=title.strip(),
            happened_on=happened_on,
            spent=spent or 0,
            photo=photo or "",
            added_by=actor,
        )
        _log(actor, "initiative.milestone", project, {"milestone": milestone.pk, "kind": kind})
    return milestone


@transaction.atomic
def project_complete(*, actor, project: InitiativeProject, completed_on: date | None = None) -> InitiativeProject:
    """The work is done: the report is due within N calendar days (ч. 14 ст. 26.1)."""
    project = InitiativeProject.objects.select_for_update().get(pk=project.pk)
    _require(actor, "initiatives.implement_project", project)
    completed_on = completed_on or _today()
    if project.status != ProjectStatus.IMPLEMENTING:
        raise ValidationError({"__all__": [_("Завершить можно проект, который реализуется.")]})
    if completed_on > _today():
        raise ValidationError({"completed_on": [_("Дата завершения не может быть в будущем.")]})
    days = rule("initiative.report_days", municipality=project.municipality, on=completed_on)
    project.completed_at = completed_on
    project.report_deadline = completed_on + timedelta(days=int(days.value))
    project.deadline_basis = {**project.deadline_basis, "report": days.basis}
    _set_status(
        actor,
        project,
        ProjectStatus.COMPLETED,
        {"report_deadline": project.report_deadline.isoformat()},
        fields=("completed_at", "report_deadline", "deadline_basis"),
    )
    _tell(project, kind="initiatives.completed", title=_("Проект «%(t)s» реализован") % {"t": project.title})
    return project


@transaction.atomic
def project_report(*, actor, project: InitiativeProject, text: str, spent_amount) -> InitiativeProject:
    """The final report: results, the money used against the estimate, participation (ч. 14 ст. 26.1)."""
    project = InitiativeProject.objects.select_for_update().get(pk=project.pk)
    _require(actor, "initiatives.implement_project", project)
    errors: dict[str, list[str]] = {}
    if project.status != ProjectStatus.COMPLETED:
        errors["__all__"] = [_("Отчёт публикуют после завершения реализации.")]
    if len((text or "").strip()) < 20:
        errors["text"] = [_("Опишите итоги: что сделано, сколько израсходовано, кто участвовал.")]
    if spent_amount is None or spent_amount < 0:
        errors["spent_amount"] = [_("Укажите израсходованную сумму.")]
    if errors:
        raise ValidationError(errors)
    project.report_text = text.strip()
    project.spent_amount = spent_amount
    project.reported_at = timezone.now()
    _set_status(
        actor,
        project,
        ProjectStatus.REPORTED,
        {"late": _today() > project.report_deadline, "spent": str(spent_amount)},
        fields=("report_text", "spent_amount", "reported_at"),
    )
    _tell(project, kind="initiatives.reported", title=_("Опубликован отчёт по проекту «%(t)s»") % {"t": project.title})
    return project


# ---------------------------------------------------------------- co-financing (ст. 56.1 131-ФЗ)

FUNDING_STATUSES = (
    ProjectStatus.COLLECTING,
    ProjectStatus.SUBMITTED,
    ProjectStatus.PUBLISHED,
    ProjectStatus.SUPPORTED,
    ProjectStatus.IMPLEMENTING,
)


def keeps_funding_record(user, project) -> bool:
    """Initiators and the administration keep the record at every stage from support to the end of the work."""
    from .predicates import leads_project, reviews_project

    return bool(leads_project(user, project) or reviews_project(user, project))


def contribution_add(
    *, actor, project: InitiativeProject, kind: str, contributor: str, pledged, description: str = "", user=None
):
    """A pledge of money, property or labour, recorded by an initiator or the administration."""
    from .models import Contribution, ContributionKind

    if actor is None or not keeps_funding_record(actor, project):
        raise PermissionDenied(_("Недостаточно прав для этого действия."))
    errors: dict[str, list[str]] = {}
    if project.status not in FUNDING_STATUSES:
        errors["__all__"] = [_("Участие записывают со сбора поддержки до завершения реализации.")]
    if kind not in ContributionKind.values:
        errors["kind"] = [_("Выберите вид участия.")]
    if not (contributor or "").strip():
        errors["contributor"] = [_("Укажите, кто участвует.")]
    if pledged is None or pledged <= 0:
        errors["pledged"] = [_("Сумма (или оценка) должна быть больше нуля.")]
    if kind in (ContributionKind.PROPERTY, ContributionKind.LABOUR) and not (description or "").strip():
        errors["description"] = [_("Опишите имущество или работы.")]
    if errors:
        raise ValidationError(errors)
    with transaction.atomic():
        contribution = Contribution.objects.create(
            project=project, kind=kind, contributor=contributor.strip(), pledged=pledged,
            description=(description or "").strip(), user=user, entered_by=actor,
        )  # fmt: skip
        _log(actor, "initiative.contribution", project, {"contribution": contribution.pk, "kind": kind})
    return contribution


def contribution_receive(*, actor, contribution, amount) -> object:
    """The administration records what reached the municipal budget (the platform never holds the money)."""
    from .models import ContributionKind

    project = contribution.project
    if not (actor.is_superuser or is_official(actor, project)):
        raise PermissionDenied(_("Поступления отмечает администрация муниципального образования."))
    if contribution.kind != ContributionKind.PAYMENT:
        raise ValidationError({"amount": [_("Поступления бывают только у инициативных платежей.")]})
    if amount is None or amount < 0:
        raise ValidationError({"amount": [_("Сумма не может быть отрицательной.")]})
    with transaction.atomic():
        contribution.received = amount
        contribution.save(update_fields=["received"])
        _log(actor, "initiative.payment_received", project, {"contribution": contribution.pk, "amount": str(amount)})
    return contribution


def is_official(user, project) -> bool:
    from sosedi.accounts.predicates import is_administrator, is_municipal_official_for

    return bool(is_administrator(user) or is_municipal_official_for(user, project.municipality))


def refunds(project: InitiativeProject) -> list:
    """What each contributor of initiative payments gets back (F3; `initiative.refund_rule`), or [] when nothing
    is due yet: the project is neither refused nor reported."""
    from . import funding
    from .models import ContributionKind

    if project.status not in (ProjectStatus.REJECTED, ProjectStatus.REPORTED):
        return []
    method = rule("initiative.refund_rule", municipality=project.municipality).value
    if method != "proportional":
        raise ValueError(f"unknown refund rule {method!r}")
    payments = list(project.contributions.filter(kind=ContributionKind.PAYMENT, received__gt=0).order_by("id"))
    received = [funding.kopecks(p.received) for p in payments]
    pool = funding.refund_pool(
        received=sum(received),
        budget=funding.kopecks(project.budget_amount),
        spent=funding.kopecks(project.spent_amount) if project.spent_amount is not None else None,
        built=project.status == ProjectStatus.REPORTED,
    )
    parts = funding.split_proportionally(pool, received)
    return [
        funding.Refund(p.contributor, p.received, funding.roubles(part))
        for p, part in zip(payments, parts, strict=True)
    ]
