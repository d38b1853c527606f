"""Writes of the meetings capability. Pages, the API, the demo loader and tests all go through these.

Each service checks permission, then validation, then writes atomically, and appends to the hash-chained
audit log (every registration, ballot and state change: issue [2] §5). Errors are ValidationError keyed by
the field they are about, so a form shows them next to the field and the API names the field.
"""

import secrets
from datetime import datetime

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from sosedi.accounts.ages import is_at_least
from sosedi.accounts.predicates import is_tos_body, is_tos_member
from sosedi.core.audit import audit_record
from sosedi.core.pagecache import bump_content_version
from sosedi.notifications.services import notify
from sosedi.territories.models import Membership, MembershipStatus

from . import results
from .models import (
    AgendaItem,
    Ballot,
    BallotSource,
    Candidate,
    Charter,
    Choice,
    Delegate,
    DoorPass,
    Material,
    Meeting,
    MeetingFormat,
    MeetingKind,
    MeetingState,
    PaperTally,
    Participant,
    ParticipationMode,
    QuestionKind,
    VoteKind,
    VoteRecord,
    VoteState,
)
from .quorum import counted_modes, counted_participants, meeting_quorum
from .rules_snapshot import BODY_ROLES, CHARTER_FIELDS, charter_of, current_rules, live_base, meeting_rules
from .selectors import meeting_scope

MATERIAL_TYPES = {".pdf", ".doc", ".docx", ".odt", ".xls", ".xlsx", ".ods", ".jpg", ".jpeg", ".png", ".txt"}
MATERIAL_MAX_BYTES = 20 * 1024 * 1024
RECEIPT_ALPHABET = "ABCDEFGHJKLMNPQRSTUVWXYZ23456789"  # no 0/O, 1/I: read aloud and typed back by people


def _require(actor, perm: str, obj) -> None:
    if actor is None or not actor.has_perm(perm, obj):
        raise PermissionDenied(_("Недостаточно прав для этого действия."))


def _log(actor, action: str, meeting: Meeting, obj=None, payload: dict | None = None, *, seal: bool = False):
    # Every event changes what the meeting page shows: its cached copy and quorum are keyed by this version.
    bump_content_version(meeting_scope(meeting.pk))
    event = audit_record(
        actor=actor, action=action, obj=obj or meeting, payload={"meeting": meeting.pk, **(payload or {})}
    )
    if seal:
        # The protocol prints this hash: every earlier event of the chain, this meeting's ballots included, is
        # bound into it.
        Meeting.objects.filter(pk=meeting.pk).update(record_hash=event.hash)
        meeting.record_hash = event.hash
    return event


def _normal_name(full_name: str) -> str:
    """Case, ё/е and spacing do not matter."""
    return " ".join(full_name.lower().replace("ё", "е").split())


def person_key(full_name: str, birth_year: int) -> str:
    """Same person, however typed."""
    return f"{_normal_name(full_name)}|{birth_year}"


# ---------------------------------------------------------------- charter


def charter_update(*, actor, tos, **fields) -> Charter:
    _require(actor, "meetings.change_charter", tos)
    charter = charter_of(tos)
    unknown = set(fields) - set(CHARTER_FIELDS)
    if unknown:
        raise ValueError(f"unknown charter fields: {unknown}")
    for name, value in fields.items():
        setattr(charter, name, value)
    charter.updated_by = actor
    charter.full_clean()
    with transaction.atomic():
        charter.save()
        audit_record(actor=actor, action="charter.update", obj=charter, payload={"tos": tos.pk, **fields})
        # Meetings not yet opened read the charter live: their cached pages must not show the old provisions.
        for pk in tos.meetings.filter(opened_at__isnull=True).values_list("pk", flat=True):
            bump_content_version(meeting_scope(pk))
    return charter


# ---------------------------------------------------------------- meeting and agenda


def _validate_times(starts_at: datetime, ends_at: datetime | None, errors: dict) -> None:
    if ends_at is not None and ends_at <= starts_at:
        errors.setdefault("ends_at", []).append(_("Окончание должно быть позже начала."))


def _validate_meeting(meeting: Meeting) -> None:
    errors: dict[str, list[str]] = {}
    if meeting.format in (MeetingFormat.IN_PERSON, MeetingFormat.HYBRID) and not meeting.place.strip():
        errors["place"] = [_("Укажите место: собрание проходит очно.")]
    if meeting.format in (MeetingFormat.ONLINE, MeetingFormat.HYBRID) and not meeting.link.strip():
        errors["link"] = [_("Укажите ссылку на видеосвязь или трансляцию: собрание проходит онлайн.")]
    _validate_times(meeting.starts_at, meeting.ends_at, errors)
    if meeting.format == MeetingFormat.ONLINE and not charter_of(meeting.tos).remote_counts_for_quorum:
        errors["format"] = [
            _(
                "Устав ТОС не засчитывает дистанционное участие в кворум (ст. 29, ч. 9 ст. 27 131-ФЗ): собрание только "
                "онлайн не может быть правомочным. Выберите очный или смешанный формат или измените положения устава."
            )
        ]
    if errors:
        raise ValidationError(errors)
    meeting.full_clean(exclude=["created_by", "tos"])


def meeting_create(
    *,
    actor,
    tos,
    kind: str,
    format: str,  # noqa: A002 — the domain word
    title: str,
    starts_at: datetime,
    ends_at: datetime | None = None,
    place: str = "",
    link: str = "",
    convened_by: str = "",
) -> Meeting:
    _require(actor, "meetings.add_meeting", tos)
    meeting = Meeting(
        tos=tos,
        kind=kind,
        format=format,
        title=(title or "").strip(),
        starts_at=starts_at,
        ends_at=ends_at,
        place=(place or "").strip(),
        link=(link or "").strip(),
        convened_by=(convened_by or "").strip() or _("Совет ТОС"),
        created_by=actor,
    )
    _validate_meeting(meeting)
    with transaction.atomic():
        meeting.save()
        _log(actor, "meeting.create", meeting, payload={"kind": kind, "format": format, "title": meeting.title})
    return meeting


def meeting_update(*, actor, meeting: Meeting, **fields) -> Meeting:
    _require(actor, "meetings.change_meeting", meeting)
    allowed = {"title", "format", "starts_at", "ends_at", "place", "link", "convened_by"}
    if meeting.state == MeetingState.CALLED:
        # Members were notified of the kind; a changed time or place is re-announced by the leaders.
        allowed -= {"format"}
    for name, value in fields.items():
        if name not in allowed:
            raise ValidationError({name: [_("Это поле нельзя менять после оповещения.")]})
        setattr(meeting, name, value.strip() if isinstance(value, str) else value)
    _validate_meeting(meeting)
    with transaction.atomic():
        meeting.save()
        _log(actor, "meeting.update", meeting, payload={k: str(v) for k, v in fields.items()})
    return meeting


def agenda_item_add(
    *,
    actor,
    meeting: Meeting,
    title: str,
    description: str = "",
    question: str = QuestionKind.ORDINARY,
    vote_kind: str = VoteKind.QUESTION,
    seats: int = 1,
    secret: bool = False,
    candidates: list[str] | None = None,
) -> AgendaItem:
    _require(actor, "meetings.change_meeting", meeting)
    errors: dict[str, list[str]] = {}
    title = (title or "").strip()
    if not title:
        errors["title"] = [_("Сформулируйте вопрос.")]
    # Read once: before opening, the rules are resolved from the rule sets and the charter (several queries).
    rules = meeting_rules(meeting)
    exclusive = rules["exclusive_powers"]
    if meeting.kind == MeetingKind.COUNCIL and question in exclusive["value"]:
        errors["question"] = [
            _("Этот вопрос решает только собрание или конференция граждан, а не совет ТОС (%(basis)s).")
            % {"basis": exclusive["basis"]}
        ]
    if secret and not rules["secret_ballot_allowed"]:
        errors["secret"] = [_("Устав ТОС не предусматривает тайного голосования.")]
    names = [n.strip() for n in (candidates or []) if n.strip()]
    if vote_kind == VoteKind.ELECTION:
        if not names:
            errors["candidates"] = [_("Для выборов укажите хотя бы одного кандидата, по одному в строке.")]
        elif len({n.lower() for n in names}) != len(names):
            errors["candidates"] = [_("Кандидаты повторяются.")]
        if seats < 1:
            errors["seats"] = [_("Мест должно быть не меньше одного.")]
    if errors:
        raise ValidationError(errors)
    with transaction.atomic():
        position = (meeting.agenda_items.order_by("-position").values_list("position", flat=True).first() or 0) + 1
        item = AgendaItem(
            meeting=meeting,
            position=position,
            title=title,
            description=(description or "").strip(),
            question=question,
            vote_kind=vote_kind,
            seats=seats if vote_kind == VoteKind.ELECTION else 1,
            secret=secret,
        )
        item.full_clean(exclude=["meeting"], validate_constraints=False)
        item.save()
        if vote_kind == VoteKind.ELECTION:
            Candidate.objects.bulk_create(Candidate(item=item, name=n, position=i) for i, n in enumerate(names))
        _log(actor, "agenda.add", meeting, item, {"item": item.pk, "title": title, "question": question})
    return item


def agenda_item_remove(*, actor, item: AgendaItem) -> None:
    _require(actor, "meetings.change_meeting", item.meeting)
    meeting = item.meeting
    with transaction.atomic():
        _log(actor, "agenda.remove", meeting, item, {"item": item.pk, "title": item.title})
        item.delete()


def material_add(*, actor, item: AgendaItem, title: str, file) -> Material:
    _require(actor, "meetings.change_meeting", item.meeting)
    errors: dict[str, list[str]] = {}
    name = getattr(file, "name", "") or ""
    suffix = ("." + name.rsplit(".", 1)[-1].lower()) if "." in name else ""
    if file is None:
        errors["file"] = [_("Выберите файл.")]
    elif suffix not in MATERIAL_TYPES:
        errors["file"] = [_("Такой тип файла не принимается. Подойдут PDF, Word, Excel, OpenDocument, JPEG, PNG, TXT.")]
    elif file.size > MATERIAL_MAX_BYTES:
        errors["file"] = [_("Файл больше 20 МБ.")]
    if errors:
        raise ValidationError(errors)
    material = Material(item=item, title=(title or "").strip() or name, file=file, uploaded_by=actor)
    with transaction.atomic():
        material.save()
        _log(actor, "material.add", item.meeting, material, {"item": item.pk, "title": material.title})
    return material


def notice_shortfall(meeting: Meeting, rules: dict | None = None) -> str:
    """A warning (not a refusal: the charter sets the term) when members were told later than the minimum."""
    notice = (rules or meeting_rules(meeting))["notice_days"]
    called = timezone.localdate(meeting.called_at) if meeting.called_at else timezone.localdate()
    days = (timezone.localdate(meeting.starts_at) - called).days
    if days < int(notice["value"]):
        return _(
            "Оповещение менее чем за %(min)s дн. до собрания (сейчас %(days)s дн.) — %(basis)s. Решения могут оспорить."
        ) % {"min": notice["value"], "days": max(days, 0), "basis": notice["basis"]}
    return ""


def _tos_members(tos):
    from sosedi.accounts.models import User

    return User.objects.filter(
        memberships__tos=tos, memberships__status=MembershipStatus.ACTIVE, is_active=True, anonymised_at__isnull=True
    ).distinct()


def _body_users(tos):
    from sosedi.accounts.models import User

    return User.objects.filter(roles__tos=tos, roles__revoked_at__isnull=True, roles__role__in=BODY_ROLES).distinct()


def _audience(meeting: Meeting):
    if meeting.kind == MeetingKind.COUNCIL:
        return _body_users(meeting.tos)
    return _tos_members(meeting.tos)


def meeting_call(*, actor, meeting: Meeting) -> str:
    """Announce the meeting to the members. Returns the notice warning, if any."""
    _require(actor, "meetings.run_meeting", meeting)
    if meeting.state != MeetingState.DRAFT:
        raise ValidationError({"__all__": [_("Собрание уже назначено.")]})
    if not meeting.agenda_items.exists():
        raise ValidationError({"__all__": [_("Добавьте в повестку хотя бы один вопрос.")]})
    if meeting.starts_at <= timezone.now():
        raise ValidationError({"starts_at": [_("Начало собрания уже прошло — перенесите дату.")]})
    with transaction.atomic():
        meeting.state = MeetingState.CALLED
        meeting.called_at = timezone.now()
        meeting.save(update_fields=["state", "called_at", "updated_at"])
        warning = notice_shortfall(meeting)
        _log(actor, "meeting.call", meeting, payload={"warning": warning})
        url = reverse("meetings:detail", args=[meeting.pk])
        when = timezone.localtime(meeting.starts_at).strftime("%d.%m.%Y %H:%M")
        for user in _audience(meeting):
            notify(
                user=user,
                kind="meeting.called",
                title=_("%(kind)s «%(title)s» — %(when)s")
                % {"kind": meeting.get_kind_display().capitalize(), "title": meeting.title, "when": when},
                body=_("%(tos)s. %(format)s. %(place)s")
                % {
                    "tos": meeting.tos.name,
                    "format": meeting.get_format_display().capitalize(),
                    "place": meeting.place or meeting.link,
                },
                url=url,
            )
    return warning


def meeting_open(*, actor, meeting: Meeting, presiding_name: str = "", secretary_name: str = "") -> Meeting:
    """Open the meeting: registration starts counting and the base of quorum is frozen."""
    _require(actor, "meetings.run_meeting", meeting)
    if meeting.state not in (MeetingState.CALLED,):
        raise ValidationError({"__all__": [_("Открыть можно только назначенное собрание.")]})
    base = live_base(meeting)
    if base <= 0:
        message = (
            _("В совете ТОС нет ни одного члена на платформе.")
            if meeting.kind == MeetingKind.COUNCIL
            else _("Укажите в карточке ТОС число жителей 16 лет и старше: без него кворум не посчитать.")
        )
        raise ValidationError({"__all__": [message]})
    if meeting.kind == MeetingKind.CONFERENCE and not meeting.delegates.exists():
        raise ValidationError({"__all__": [_("Внесите список избранных делегатов конференции.")]})
    with transaction.atomic():
        meeting.rules_snapshot = current_rules(meeting)
        meeting.residents_16plus = base
        meeting.state = MeetingState.OPEN
        meeting.opened_at = timezone.now()
        meeting.presiding_name = (presiding_name or "").strip() or meeting.presiding_name
        meeting.secretary_name = (secretary_name or "").strip() or meeting.secretary_name
        meeting.save()
        _log(
            actor,
            "meeting.open",
            meeting,
            payload={"residents_16plus": base, "rules": meeting.rules_snapshot},
            seal=True,
        )
    return meeting


def meeting_close(*, actor, meeting: Meeting) -> Meeting:
    _require(actor, "meetings.run_meeting", meeting)
    if meeting.state != MeetingState.OPEN:
        raise ValidationError({"__all__": [_("Закрыть можно только идущее собрание.")]})
    with transaction.atomic():
        meeting = Meeting.objects.select_for_update().get(pk=meeting.pk)
        for item in meeting.agenda_items.filter(vote_state=VoteState.OPEN):
            vote_close(actor=actor, item=item)
        meeting.state = MeetingState.CLOSED
        meeting.closed_at = timezone.now()
        meeting.save(update_fields=["state", "closed_at", "updated_at"])
        quorum = meeting_quorum(meeting)
        _log(actor, "meeting.close", meeting, payload={"present": quorum.present, "quorum": quorum.reached}, seal=True)
    return meeting


def meeting_cancel(*, actor, meeting: Meeting, reason: str = "") -> Meeting:
    _require(actor, "meetings.run_meeting", meeting)
    if meeting.state not in (MeetingState.DRAFT, MeetingState.CALLED):
        raise ValidationError({"__all__": [_("Начатое собрание не отменяют, а закрывают.")]})
    with transaction.atomic():
        was_called = meeting.state == MeetingState.CALLED
        meeting.state = MeetingState.CANCELLED
        meeting.save(update_fields=["state", "updated_at"])
        _log(actor, "meeting.cancel", meeting, payload={"reason": reason}, seal=True)
        if was_called:
            for user in _audience(meeting):
                notify(
                    user=user,
                    kind="meeting.cancelled",
                    title=_("Отменено: %(title)s") % {"title": meeting.title},
                    body=reason,
                    url=reverse("meetings:detail", args=[meeting.pk]),
                )
    return meeting


def delegate_add(*, actor, meeting: Meeting, full_name: str, represents: int, user=None) -> Delegate:
    _require(actor, "meetings.change_meeting", meeting)
    errors: dict[str, list[str]] = {}
    if meeting.kind != MeetingKind.CONFERENCE:
        errors["__all__"] = [_("Делегаты бывают только у конференции.")]
    if not (full_name or "").strip():
        errors["full_name"] = [_("Укажите ФИО делегата.")]
    if not represents or represents < 1:
        errors["represents"] = [_("Делегат представляет хотя бы одного жителя.")]
    if errors:
        raise ValidationError(errors)
    try:
        with transaction.atomic():
            delegate = Delegate.objects.create(
                meeting=meeting, full_name=full_name.strip(), represents=represents, user=user
            )
            _log(actor, "delegate.add", meeting, delegate, {"name": delegate.full_name, "represents": represents})
    except IntegrityError:
        raise ValidationError({"user": [_("Этот человек уже в списке делегатов.")]}) from None
    return delegate


# ---------------------------------------------------------------- registration


def _age_error(rules: dict, birth_date, meeting: Meeting) -> str:
    min_age = rules["min_age"]
    if birth_date is None:
        return _("Укажите дату рождения в профиле: голосуют жители с %(age)s лет (%(basis)s).") % {
            "age": min_age["value"],
            "basis": min_age["basis"],
        }
    if not is_at_least(birth_date, int(min_age["value"]), timezone.localdate(meeting.starts_at)):
        return _("Участвуют жители, достигшие %(age)s лет (%(basis)s).") % {
            "age": min_age["value"],
            "basis": min_age["basis"],
        }
    return ""


def eligibility_error(user, meeting: Meeting, rules: dict | None = None) -> str:
    """Why `user` may not register at this meeting, or "" when they may."""
    rules = rules or meeting_rules(meeting)
    if not user.is_authenticated:
        return _("Войдите, чтобы зарегистрироваться.")
    if meeting.kind == MeetingKind.COUNCIL:
        return "" if is_tos_body(user, meeting.tos) else _("В заседании совета участвуют его члены.")
    if meeting.kind == MeetingKind.CONFERENCE and not meeting.delegates.filter(user=user).exists():
        return _("В конференции участвуют избранные делегаты; вас нет в их списке.")
    if meeting.kind == MeetingKind.ASSEMBLY and not is_tos_member(user, meeting.tos):
        return _("Регистрируются участники ТОС, чьё проживание подтверждено. Подайте заявку на вступление.")
    return _age_error(rules, user.birth_date, meeting)


def _user_participant(user, meeting: Meeting, mode: str, entered_by=None) -> Participant:
    membership = Membership.objects.filter(tos=meeting.tos, user=user, status=MembershipStatus.ACTIVE).first()
    delegate = meeting.delegates.filter(user=user).first() if meeting.kind == MeetingKind.CONFERENCE else None
    name = user.full_name or user.email
    year = user.birth_date.year if user.birth_date else 0
    return Participant(
        meeting=meeting,
        user=user,
        mode=mode,
        full_name=name,
        address=membership.address if membership else "",
        birth_year=year,
        person_key=person_key(name, year),
        delegate=delegate,
        entered_by=entered_by,
        checked_in_at=timezone.now(),
    )


def _save_participant(participant: Participant, actor, action: str) -> Participant:
    try:
        with transaction.atomic():
            participant.save()
            _log(
                actor,
                action,
                participant.meeting,
                participant,
                {
                    "participant": participant.pk,
                    "mode": participant.mode,
                    "paper": participant.mode == ParticipationMode.PAPER,
                },
            )
    except IntegrityError:
        existing = Participant.objects.filter(meeting=participant.meeting, person_key=participant.person_key).first()
        how = existing.get_mode_display() if existing else _("ранее")
        raise ValidationError(
            {"__all__": [_("Этот человек уже зарегистрирован (%(how)s) и учитывается один раз.") % {"how": how}]}
        ) from None
    return participant


def check_in_remote(*, actor, meeting: Meeting) -> Participant:
    """Online self check-in of a member taking part from home."""
    if not actor.is_authenticated or not actor.has_perm("meetings.check_in", meeting):
        if meeting.state != MeetingState.OPEN:
            raise ValidationError({"__all__": [_("Регистрация открывается, когда собрание начинается.")]})
        raise PermissionDenied(_("Регистрируются участники ТОС."))
    if not meeting.allows_remote:
        raise ValidationError({"__all__": [_("Собрание проходит только очно: зарегистрируйтесь у входа.")]})
    reason = eligibility_error(actor, meeting)
    if reason:
        raise ValidationError({"__all__": [reason]})
    return _save_participant(_user_participant(actor, meeting, ParticipationMode.REMOTE), actor, "participant.remote")


def door_pass_issue(*, actor, meeting: Meeting) -> DoorPass:
    """A code (also shown as a QR code) that the secretary checks at the door."""
    if meeting.state not in (MeetingState.CALLED, MeetingState.OPEN):
        raise ValidationError({"__all__": [_("Код для входа выдаётся для назначенного собрания.")]})
    if not meeting.allows_in_person:
        raise ValidationError({"__all__": [_("Собрание проходит онлайн: код для входа не нужен.")]})
    reason = eligibility_error(actor, meeting)
    if reason:
        raise ValidationError({"__all__": [reason]})
    existing = DoorPass.objects.filter(meeting=meeting, user=actor).first()
    if existing:
        return existing
    for _attempt in range(10):
        code = f"{secrets.randbelow(10**6):06d}"
        try:
            with transaction.atomic():
                return DoorPass.objects.create(meeting=meeting, user=actor, code=code)
        except IntegrityError:
            existing = DoorPass.objects.filter(meeting=meeting, user=actor).first()
            if existing:
                return existing
    raise RuntimeError("could not find a free door code")


def check_in_by_code(*, actor, meeting: Meeting, code: str) -> Participant:
    """The secretary at the door checks a member in by their code. A member already registered online who
    arrives in person becomes an in-person participant — still one person."""
    _require(actor, "meetings.run_meeting", meeting)
    if meeting.state != MeetingState.OPEN:
        raise ValidationError({"code": [_("Регистрация идёт, когда собрание открыто.")]})
    door_pass = DoorPass.objects.select_related("user").filter(meeting=meeting, code=(code or "").strip()).first()
    if door_pass is None:
        raise ValidationError({"code": [_("Такого кода для этого собрания нет. Проверьте цифры.")]})
    user = door_pass.user
    reason = eligibility_error(user, meeting)
    if reason:
        raise ValidationError({"code": [reason]})
    with transaction.atomic():
        existing = Participant.objects.select_for_update().filter(meeting=meeting, user=user).first()
        if existing is not None:
            if existing.mode == ParticipationMode.IN_PERSON:
                raise ValidationError({"code": [_("%(name)s уже отмечен(а) у входа.") % {"name": existing.full_name}]})
            existing.mode = ParticipationMode.IN_PERSON
            existing.entered_by = actor
            existing.save(update_fields=["mode", "entered_by"])
            _log(actor, "participant.arrived", meeting, existing, {"participant": existing.pk, "mode": existing.mode})
            return existing
        return _save_participant(
            _user_participant(user, meeting, ParticipationMode.IN_PERSON, actor), actor, "participant.door"
        )


def register_paper(
    *,
    actor,
    meeting: Meeting,
    full_name: str,
    birth_year: int | None,
    address: str = "",
    delegate: Delegate | None = None,
) -> Participant:
    """A registration written on the paper sheet, typed in by the secretary and marked as paper."""
    _require(actor, "meetings.run_meeting", meeting)
    full_name = " ".join((full_name or "").split())
    errors = _paper_person_errors(meeting, meeting_rules(meeting), full_name, birth_year)
    if meeting.kind == MeetingKind.ASSEMBLY and not (address or "").strip():
        errors["address"] = [_("Укажите адрес проживания на территории ТОС.")]
    if meeting.kind == MeetingKind.CONFERENCE and delegate is None:
        errors["delegate"] = [_("На конференции регистрируются делегаты — выберите делегата из списка.")]
    if errors:
        raise ValidationError(errors)
    _refuse_same_person(meeting, full_name, birth_year)
    participant = Participant(
        meeting=meeting,
        mode=ParticipationMode.PAPER,
        full_name=full_name,
        address=(address or "").strip(),
        birth_year=birth_year,
        person_key=person_key(full_name, birth_year),
        delegate=delegate,
        entered_by=actor,
        checked_in_at=timezone.now(),
    )
    return _save_participant(participant, actor, "participant.paper")


def _paper_person_errors(meeting: Meeting, rules: dict, full_name: str, birth_year: int | None) -> dict:
    """What is wrong with a person as written on paper (a registration sheet, a доверенность)."""
    errors: dict[str, list[str]] = {}
    if meeting.state != MeetingState.OPEN:
        errors["__all__"] = [_("Регистрация идёт, когда собрание открыто.")]
    if len(full_name.split()) < 2:
        errors["full_name"] = [_("Укажите фамилию и имя (лучше с отчеством), как в листе регистрации.")]
    meeting_year = timezone.localdate(meeting.starts_at).year
    min_age = int(rules["min_age"]["value"])
    if not birth_year:
        errors["birth_year"] = [_("Укажите год рождения.")]
    elif birth_year < 1900 or birth_year > meeting_year:
        errors["birth_year"] = [_("Год рождения указан неверно.")]
    elif meeting_year - birth_year < min_age:
        # Only the year is on the sheet: a person born this many years ago may not have reached the age yet,
        # so anyone younger by year is refused and the secretary checks documents at the boundary.
        errors["birth_year"] = [
            _("Участвуют жители, достигшие %(age)s лет (%(basis)s).")
            % {"age": min_age, "basis": rules["min_age"]["basis"]}
        ]
    return errors


def _surname_and_name(full_name: str) -> str:
    return " ".join(_normal_name(full_name).split()[:2])


def _refuse_same_person(meeting: Meeting, full_name: str, birth_year: int) -> None:
    """Refuse a registration with the same surname, first name and year of birth as an existing one — the
    paper may omit the patronymic the profile has, and the exact key alone would then count one person twice."""
    wanted = _surname_and_name(full_name)
    candidates = Participant.objects.filter(meeting=meeting, birth_year=birth_year).only(
        "full_name", "mode", "birth_year"
    )
    similar = next((p for p in candidates if _surname_and_name(p.full_name) == wanted), None)
    if similar is not None:
        raise ValidationError(
            {
                "full_name": [
                    _(
                        "Похоже, этот человек уже зарегистрирован: %(name)s, %(year)s г. р. (%(how)s). "
                        "Дважды не учитываем."
                    )
                    % {"name": similar.full_name, "year": similar.birth_year, "how": similar.get_mode_display()}
                ]
            }
        )


def proxy_register(
    *,
    actor,
    meeting: Meeting,
    holder: Participant,
    full_name: str,
    birth_year: int,
    address: str = "",
    document: str = "",
) -> Participant:
    """A member who cannot come is represented by a present participant under a доверенность (where the
    charter allows). One per grantor: the grantor becomes a participant, and a person is registered once."""
    _require(actor, "meetings.run_meeting", meeting)
    rules = meeting_rules(meeting)
    full_name = " ".join((full_name or "").split())
    errors = _paper_person_errors(meeting, rules, full_name, birth_year)
    general = errors.setdefault("__all__", [])
    if not rules["proxies_allowed"]:
        general.append(_("Устав ТОС не предусматривает участия по доверенности."))
    if meeting.kind == MeetingKind.CONFERENCE:
        general.append(_("Делегат конференции голосует сам, доверенность не передаётся."))
    if not general:
        del errors["__all__"]
    if holder.meeting_id != meeting.pk or holder.mode == ParticipationMode.PROXY:
        errors["holder"] = [_("Представитель должен сам быть зарегистрирован на собрании.")]
    if not (document or "").strip():
        errors["document"] = [_("Укажите реквизиты доверенности (номер, дата).")]
    if errors:
        raise ValidationError(errors)
    _refuse_same_person(meeting, full_name, birth_year)
    participant = Participant(
        meeting=meeting,
        mode=ParticipationMode.PROXY,
        full_name=full_name,
        address=(address or "").strip(),
        birth_year=birth_year,
        person_key=person_key(full_name, birth_year),
        proxy_holder=holder,
        proxy_document=document.strip(),
        entered_by=actor,
        checked_in_at=timezone.now(),
    )
    return _save_participant(participant, actor, "participant.proxy")


# ---------------------------------------------------------------- votes


def vote_open(*, actor, item: AgendaItem) -> AgendaItem:
    meeting = item.meeting
    _require(actor, "meetings.run_meeting", meeting)
    if meeting.state != MeetingState.OPEN:
        raise ValidationError({"__all__": [_("Голосование идёт только на открытом собрании.")]})
    with transaction.atomic():
        updated = AgendaItem.objects.filter(pk=item.pk, vote_state=VoteState.DRAFT).update(
            vote_state=VoteState.OPEN, opened_at=timezone.now()
        )
        if not updated:
            raise ValidationError({"__all__": [_("Голосование по этому вопросу уже начиналось.")]})
        item.refresh_from_db()
        _log(actor, "vote.open", meeting, item, {"item": item.pk})
        url = reverse("meetings:detail", args=[meeting.pk]) + f"#item-{item.pk}"
        for participant in counted_participants(meeting).filter(user__isnull=False).select_related("user"):
            notify(
                user=participant.user,
                kind="meeting.vote_open",
                title=_("Голосование открыто: %(title)s") % {"title": item.title},
                url=url,
            )
    return item


def _voter_participant(actor, meeting: Meeting, rules: dict) -> Participant:
    participant = Participant.objects.filter(meeting=meeting, user=actor).first()
    if participant is None:
        raise ValidationError({"__all__": [_("Сначала зарегистрируйтесь на собрании.")]})
    if participant.mode not in counted_modes(rules):
        raise ValidationError(
            {"__all__": [_("Устав ТОС не засчитывает дистанционное участие: голосовать можно только очно.")]}
        )
    if meeting.kind == MeetingKind.CONFERENCE and participant.delegate_id is None:
        raise ValidationError({"__all__": [_("На конференции голосуют делегаты.")]})
    return participant


def _validate_choice(item: AgendaItem, choice: str | None, candidate_ids) -> tuple[str, list[int]]:
    if item.vote_kind == VoteKind.QUESTION:
        if choice not in Choice.values:
            raise ValidationError({"choice": [_("Выберите: за, против или воздержался.")]})
        return choice, []
    ids = sorted({int(c) for c in (candidate_ids or [])})
    valid = set(item.candidates.values_list("pk", flat=True))
    if not ids:
        raise ValidationError({"candidates": [_("Отметьте хотя бы одного кандидата.")]})
    if not set(ids) <= valid:
        raise ValidationError({"candidates": [_("В бюллетене нет такого кандидата.")]})
    if len(ids) > item.seats:
        raise ValidationError({"candidates": [_("Можно отметить не больше %(n)s.") % {"n": item.seats}]})
    return "", ids


def _new_receipt() -> str:
    return "".join(secrets.choice(RECEIPT_ALPHABET) for _ in range(10))


def _record_ballot(
    *, actor, item: AgendaItem, voter: Participant, choice: str, candidate_ids: list[int], source: str, revote: bool
) -> tuple[Ballot, str, bool]:
    """Write one ballot for `voter`. The VoteRecord row is the lock: inserting a second one for the same
    participant and item fails in the database, however many requests race. Returns (ballot, receipt,
    replaced)."""
    meeting = item.meeting
    try:
        with transaction.atomic():
            VoteRecord.objects.create(
                item=item, participant=voter, source=source, cast_by=actor if actor.is_authenticated else None
            )
            ballot = Ballot.objects.create(
                item=item,
                choice=choice,
                voter=None if item.secret else voter,
                receipt=_new_receipt() if item.secret and source != BallotSource.PAPER else "",
                source=source,
            )
            if candidate_ids:
                ballot.candidates.set(candidate_ids)
            payload = {"item": item.pk, "source": source}
            if not item.secret:
                payload |= {
                    "participant": voter.pk,
                    "ballot": str(ballot.pk),
                    "choice": choice,
                    "candidates": candidate_ids,
                }
            # A secret ballot's event names who voted but nothing about the ballot itself.
            _log(actor, "ballot.cast", meeting, voter if item.secret else ballot, payload)
            return ballot, ballot.receipt, False
    except IntegrityError:
        pass
    if item.secret or not revote:
        raise ValidationError({"__all__": [_("Голос по этому вопросу уже учтён.")]})
    with transaction.atomic():
        ballot = Ballot.objects.select_for_update().get(item=item, voter=voter)
        ballot.choice = choice
        ballot.source = source
        ballot.save(update_fields=["choice", "source"])
        ballot.candidates.set(candidate_ids)
        _log(
            actor,
            "ballot.replace",
            meeting,
            ballot,
            {
                "item": item.pk,
                "participant": voter.pk,
                "ballot": str(ballot.pk),
                "choice": choice,
                "candidates": candidate_ids,
            },
        )
    return ballot, "", True


def ballot_cast(
    *, actor, item: AgendaItem, choice: str | None = None, candidate_ids=None, on_behalf_of: Participant | None = None
) -> tuple[Ballot, str, bool]:
    """A registered participant votes online, for themselves or for the person whose доверенность they hold."""
    meeting = item.meeting
    if not actor.is_authenticated:
        raise PermissionDenied(_("Войдите, чтобы голосовать."))
    if meeting.state != MeetingState.OPEN or item.vote_state != VoteState.OPEN:
        raise ValidationError({"__all__": [_("Голосование по этому вопросу сейчас не идёт.")]})
    rules = meeting_rules(meeting)
    voter = _voter_participant(actor, meeting, rules)
    source = BallotSource.ONLINE
    if on_behalf_of is not None:
        if on_behalf_of.mode != ParticipationMode.PROXY or on_behalf_of.proxy_holder_id != voter.pk:
            raise ValidationError({"on_behalf_of": [_("У вас нет доверенности от этого участника.")]})
        voter, source = on_behalf_of, BallotSource.PROXY
    choice, ids = _validate_choice(item, choice, candidate_ids)
    return _record_ballot(
        actor=actor,
        item=item,
        voter=voter,
        choice=choice,
        candidate_ids=ids,
        source=source,
        revote=rules["revote_allowed"],
    )


def paper_ballot_enter(
    *, actor, item: AgendaItem, participant: Participant, choice: str | None = None, candidate_ids=None
) -> Ballot:
    """A paper ballot typed in by the secretary for one participant present in the room."""
    _require(actor, "meetings.run_meeting", item.meeting)
    if item.vote_state != VoteState.OPEN:
        raise ValidationError({"__all__": [_("Бюллетени вносятся, пока голосование открыто.")]})
    if participant.meeting_id != item.meeting_id or participant.mode == ParticipationMode.REMOTE:
        raise ValidationError({"participant": [_("Бумажный бюллетень — у присутствующего в зале участника.")]})
    rules = meeting_rules(item.meeting)
    if participant.mode not in counted_modes(rules):
        raise ValidationError({"participant": [_("Этот участник не учитывается при голосовании.")]})
    if item.meeting.kind == MeetingKind.CONFERENCE and participant.delegate_id is None:
        raise ValidationError({"participant": [_("На конференции голосуют делегаты.")]})
    choice, ids = _validate_choice(item, choice, candidate_ids)
    available = _paper_capacity(item, rules) - _paper_tally_total(item)
    if available <= 0:
        raise ValidationError(
            {"participant": [_("Все бумажные бюллетени уже учтены итоговыми цифрами — исправьте итоги.")]}
        )
    ballot, _receipt, _replaced = _record_ballot(
        actor=actor,
        item=item,
        voter=participant,
        choice=choice,
        candidate_ids=ids,
        source=BallotSource.PAPER,
        revote=False,
    )
    return ballot


def _paper_capacity(item: AgendaItem, rules: dict) -> int:
    """Participants in the room (paper, at the door, by proxy) who have no ballot of their own yet: the most
    paper ballots that may still be entered as totals."""
    room = counted_participants(item.meeting, rules).exclude(mode=ParticipationMode.REMOTE)
    return room.exclude(vote_records__item=item).count()


def _paper_tally_total(item: AgendaItem) -> int:
    tally = PaperTally.objects.filter(item=item).first()
    return tally.total if tally else 0


def paper_tally_set(*, actor, item: AgendaItem, votes_for: int, votes_against: int, votes_abstain: int) -> PaperTally:
    """Paper ballots counted in the room and entered as totals. They may not exceed the participants in the
    room who have not voted otherwise — so no one is counted twice."""
    _require(actor, "meetings.run_meeting", item.meeting)
    errors: dict[str, list[str]] = {}
    if item.vote_state != VoteState.OPEN:
        errors.setdefault("__all__", []).append(_("Итоги бумажного голосования вносятся, пока голосование открыто."))
    if item.vote_kind != VoteKind.QUESTION:
        errors.setdefault("__all__", []).append(_("Бюллетени выборов вносятся по одному."))
    for name, value in (("votes_for", votes_for), ("votes_against", votes_against), ("votes_abstain", votes_abstain)):
        if value is None or value < 0:
            errors[name] = [_("Число не может быть отрицательным.")]
    if errors:
        raise ValidationError(errors)
    with transaction.atomic():
        AgendaItem.objects.select_for_update().get(pk=item.pk)
        capacity = _paper_capacity(item, meeting_rules(item.meeting))
        total = votes_for + votes_against + votes_abstain
        if total > capacity:
            raise ValidationError(
                {
                    "votes_for": [
                        _(
                            "Бюллетеней больше, чем участников в зале без учтённого голоса (%(n)s): "
                            "кто-то посчитан дважды."
                        )
                        % {"n": capacity}
                    ]
                }
            )
        tally, _created = PaperTally.objects.update_or_create(
            item=item,
            defaults={
                "votes_for": votes_for,
                "votes_against": votes_against,
                "votes_abstain": votes_abstain,
                "entered_by": actor,
            },
        )
        _log(
            actor,
            "ballot.paper_totals",
            item.meeting,
            item,
            {"item": item.pk, "for": votes_for, "against": votes_against, "abstain": votes_abstain},
        )
    return tally


def _majority_of(item: AgendaItem, rules: dict) -> str:
    exclusive = set(rules["exclusive_powers"]["value"])
    return rules["majority_exclusive"] if item.question in exclusive else rules["majority_ordinary"]


def entitled_count(meeting: Meeting, quorum) -> int:
    """Who has the right to vote: the residents 16+ (assembly), the elected delegates (conference), the
    members of the body (council)."""
    if meeting.kind == MeetingKind.CONFERENCE:
        return quorum.delegates_elected
    return quorum.residents_16plus


def vote_close(*, actor, item: AgendaItem) -> AgendaItem:
    """Close the vote and freeze everything the result depends on: who was entitled and present, the tally,
    the rule, and a digest of the ballots for the audit log."""
    meeting = item.meeting
    _require(actor, "meetings.run_meeting", meeting)
    with transaction.atomic():
        item = AgendaItem.objects.select_for_update().select_related("meeting__tos").get(pk=item.pk)
        if item.vote_state != VoteState.OPEN:
            raise ValidationError({"__all__": [_("Голосование по этому вопросу не идёт.")]})
        rules = meeting_rules(meeting)
        quorum = meeting_quorum(meeting, rules)
        counts = results.tally(item)
        item.present_count = quorum.present
        item.entitled_count = entitled_count(meeting, quorum)
        item.majority_rule = _majority_of(item, rules)
        item.majority_base = rules["majority_base"]
        kwargs = {
            "counts": counts,
            "present": item.present_count,
            "entitled": item.entitled_count,
            "rule": item.majority_rule,
            "base_kind": item.majority_base,
            "quorum": quorum.reached,
        }
        if item.vote_kind == VoteKind.ELECTION:
            decision = results.decide_election(item=item, **kwargs)
            counts["elected"] = list(decision.elected)
        else:
            decision = results.decide_question(**kwargs)
        item.tally = counts
        item.decided = decision.decided
        item.result_text = decision.text
        item.ballots_digest = results.ballots_digest(item)
        item.vote_state = VoteState.CLOSED
        item.closed_at = timezone.now()
        item.save()
        _log(
            actor,
            "vote.close",
            meeting,
            item,
            {
                "item": item.pk,
                "tally": counts,
                "present": item.present_count,
                "entitled": item.entitled_count,
                "rule": item.majority_rule,
                "base": item.majority_base,
                "quorum": quorum.reached,
                "decided": item.decided,
                "result": item.result_text,
                "ballots_digest": item.ballots_digest,
            },
            seal=True,
        )
    return item


def vote_publish(*, actor, item: AgendaItem) -> AgendaItem:
    meeting = item.meeting
    _require(actor, "meetings.publish_results", meeting)
    with transaction.atomic():
        updated = AgendaItem.objects.filter(pk=item.pk, vote_state=VoteState.CLOSED).update(
            vote_state=VoteState.PUBLISHED, published_at=timezone.now()
        )
        if not updated:
            raise ValidationError({"__all__": [_("Опубликовать можно итоги закрытого голосования.")]})
        item.refresh_from_db()
        _log(actor, "vote.publish", meeting, item, {"item": item.pk, "result": item.result_text}, seal=True)
        url = reverse("meetings:detail", args=[meeting.pk]) + f"#item-{item.pk}"
        for participant in meeting.participants.filter(user__isnull=False).select_related("user"):
            notify(
                user=participant.user,
                kind="meeting.results",
                title=_("Итоги: %(title)s") % {"title": item.title},
                body=item.result_text,
                url=url,
            )
    return item
