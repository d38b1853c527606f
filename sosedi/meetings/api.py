"""Meetings endpoints of API v1, over the same selectors and services as the pages. Results of an agenda item
appear only once published, exactly as on the meeting page."""

from datetime import datetime
from typing import Literal

from ninja import Field, Query, Router, Schema, Status

from sosedi.api.auth import TOKEN_OR_SESSION
from sosedi.api.errors import ErrorOut

from . import selectors, services
from .models import AgendaItem, Meeting, MeetingState, VoteKind, VoteState
from .quorum import meeting_quorum
from .rules_snapshot import meeting_rules

router = Router(tags=["Собрания"])
NOT_FOUND = {"detail": "Собрание не найдено.", "errors": []}


class TosRef(Schema):
    id: int
    name: str


class QuorumOut(Schema):
    residents_16plus: int = Field(description="база: жители 16+ (для заседания совета — члены совета)")
    present: int = Field(description="учитываемые в кворуме участники (для конференции — делегаты)")
    required: int
    reached: bool
    basis: str = Field(description="правовое основание, например «ч. 6 ст. 27 131-ФЗ»")
    line: str = Field(description="объяснение словами, как на странице собрания")


class CandidateOut(Schema):
    id: int
    name: str


class ResultOut(Schema):
    for_: int = Field(alias="for")
    against: int
    abstain: int
    base: int = Field(
        description="от скольких считалось большинство (присутствующие, проголосовавшие или имеющие право)"
    )
    decided: bool
    rule: str = Field(description="simple | half | two_thirds | three_quarters")
    base_kind: str = Field(description="present | cast | entitled")
    present: int
    entitled: int
    text: str
    candidates: dict[str, int] | None = Field(None, description="голоса по кандидатам (выборы)")
    elected: list[int] | None = None

    model_config = {"populate_by_name": True}


class AgendaItemOut(Schema):
    id: int
    position: int
    title: str
    description: str
    question: str
    vote_kind: str
    seats: int
    secret: bool
    vote_state: str
    candidates: list[CandidateOut]
    result: ResultOut | None = Field(None, description="итог — только после публикации")


class MeetingListItem(Schema):
    id: int
    tos: TosRef
    kind: Literal["assembly", "conference", "council"]
    format: str
    title: str
    state: str
    starts_at: datetime
    url: str


class MeetingOut(MeetingListItem):
    place: str
    link: str
    ends_at: datetime | None
    convened_by: str
    called_at: datetime | None
    quorum: QuorumOut
    agenda: list[AgendaItemOut]


class MeetingPage(Schema):
    count: int
    page: int
    pages: int
    page_size: int
    items: list[MeetingListItem]


class MeetingFilters(Schema):
    tos: int | None = Field(None, ge=1, le=2**62, description="id ТОС")
    state: Literal["upcoming", "past"] | None = Field(None, description="upcoming — назначенные и идущие")
    page: int = Field(1, ge=1, le=100_000)
    page_size: int = Field(50, ge=1, le=200)


class ParticipantOut(Schema):
    id: int
    mode: str


class BallotIn(Schema):
    choice: Literal["for", "against", "abstain"] | None = None
    candidates: list[int] = Field(default_factory=list, max_length=100)
    on_behalf_of: int | None = Field(None, ge=1, le=2**62, description="id участника, чья доверенность у вас")


class BallotOut(Schema):
    receipt: str = Field(description="код проверки тайного бюллетеня (пусто для открытого)")
    replaced: bool = Field(description="голос заменил ваш прежний (переголосование)")


def _list_item(meeting: Meeting) -> dict:
    return {
        "id": meeting.pk,
        "tos": {"id": meeting.tos_id, "name": meeting.tos.name},
        "kind": meeting.kind,
        "format": meeting.format,
        "title": meeting.title,
        "state": meeting.state,
        "starts_at": meeting.starts_at,
        "url": f"/meetings/{meeting.pk}/",
    }


def result_of(item: AgendaItem) -> dict | None:
    if item.vote_state != VoteState.PUBLISHED:
        return None
    tally = item.tally or {}
    base = {"present": item.present_count, "cast": tally.get("cast", 0), "entitled": item.entitled_count}
    return {
        "for": tally.get("for", 0),
        "against": tally.get("against", 0),
        "abstain": tally.get("abstain", 0),
        "base": base.get(item.majority_base, 0) or 0,
        "decided": bool(item.decided),
        "rule": item.majority_rule,
        "base_kind": item.majority_base,
        "present": item.present_count or 0,
        "entitled": item.entitled_count or 0,
        "text": item.result_text,
        "candidates": tally.get("candidates") if item.vote_kind == VoteKind.ELECTION else None,
        "elected": tally.get("elected") if item.vote_kind == VoteKind.ELECTION else None,
    }


def _visible(request, meeting_id: int) -> Meeting | None:
    return selectors.visible_meeting(request.user, meeting_id)


def _detail(meeting: Meeting) -> dict:
    quorum = meeting_quorum(meeting, meeting_rules(meeting))
    return {
        **_list_item(meeting),
        "place": meeting.place,
        "link": meeting.link,
        "ends_at": meeting.ends_at,
        "convened_by": meeting.convened_by,
        "called_at": meeting.called_at,
        "quorum": {
            "residents_16plus": quorum.residents_16plus,
            "present": quorum.present,
            "required": quorum.required,
            "reached": quorum.reached,
            "basis": quorum.basis,
            "line": quorum.line,
        },
        "agenda": [
            {
                "id": item.pk,
                "position": item.position,
                "title": item.title,
                "description": item.description,
                "question": item.question,
                "vote_kind": item.vote_kind,
                "seats": item.seats,
                "secret": item.secret,
                "vote_state": item.vote_state,
                "candidates": [{"id": c.pk, "name": c.name} for c in item.candidates.all()],
                "result": result_of(item),
            }
            for item in meeting.agenda_items.all()
        ],
    }


@router.get("/meetings", response={200: MeetingPage, 422: ErrorOut}, summary="Собрания (постранично)")
def meeting_list(request, filters: Query[MeetingFilters]):
    tos = None
    if filters.tos is not None:
        from sosedi.territories.models import Tos

        tos = Tos.objects.filter(pk=filters.tos).first()
        if tos is None:
            return {"count": 0, "page": filters.page, "pages": 1, "page_size": filters.page_size, "items": []}
    qs = selectors.meeting_list(user=request.user, tos=tos, state=filters.state or "")
    count = qs.count()
    start = (filters.page - 1) * filters.page_size
    items = [_list_item(m) for m in qs[start : start + filters.page_size]]
    pages = max(1, -(-count // filters.page_size))
    return {"count": count, "page": filters.page, "pages": pages, "page_size": filters.page_size, "items": items}


@router.get(
    "/meetings/{meeting_id}",
    response={200: MeetingOut, 404: ErrorOut, 422: ErrorOut},
    summary="Собрание: кворум, повестка, опубликованные итоги",
    by_alias=True,
)
def meeting_get(request, meeting_id: int):
    meeting = _visible(request, meeting_id)
    if meeting is None:
        return Status(404, NOT_FOUND)
    return _detail(meeting)


@router.post(
    "/meetings/{meeting_id}/check-in",
    auth=TOKEN_OR_SESSION,
    response={201: ParticipantOut, 401: ErrorOut, 403: ErrorOut, 404: ErrorOut, 422: ErrorOut},
    summary="Зарегистрироваться дистанционно",
)
def check_in(request, meeting_id: int):
    meeting = _visible(request, meeting_id)
    if meeting is None:
        return Status(404, NOT_FOUND)
    participant = services.check_in_remote(actor=request.auth, meeting=meeting)
    return Status(201, {"id": participant.pk, "mode": participant.mode})


def _item(request, meeting_id: int, item_id: int) -> AgendaItem | None:
    meeting = _visible(request, meeting_id)
    if meeting is None or not 0 < item_id < 2**62:
        return None
    return next((i for i in meeting.agenda_items.all() if i.pk == item_id), None)


@router.post(
    "/meetings/{meeting_id}/items/{item_id}/ballots",
    auth=TOKEN_OR_SESSION,
    response={201: BallotOut, 400: ErrorOut, 401: ErrorOut, 403: ErrorOut, 404: ErrorOut, 422: ErrorOut},
    summary="Проголосовать по вопросу повестки",
)
def ballot_post(request, meeting_id: int, item_id: int, payload: BallotIn):
    item = _item(request, meeting_id, item_id)
    if item is None:
        return Status(404, {"detail": "Вопрос не найден.", "errors": []})
    on_behalf = None
    if payload.on_behalf_of is not None:
        on_behalf = item.meeting.participants.filter(pk=payload.on_behalf_of).first()
        if on_behalf is None:
            return Status(
                422,
                {
                    "detail": "Данные не прошли проверку.",
                    "errors": [{"field": "on_behalf_of", "message": "Нет такого участника собрания."}],
                },
            )
    _ballot, receipt, replaced = services.ballot_cast(
        actor=request.auth,
        item=item,
        choice=payload.choice,
        candidate_ids=payload.candidates,
        on_behalf_of=on_behalf,
    )
    return Status(201, {"receipt": receipt, "replaced": replaced})


@router.get(
    "/meetings/{meeting_id}/items/{item_id}/result",
    response={200: ResultOut, 404: ErrorOut, 422: ErrorOut},
    summary="Итог голосования по вопросу (после публикации)",
    by_alias=True,
)
def item_result(request, meeting_id: int, item_id: int):
    item = _item(request, meeting_id, item_id)
    result = result_of(item) if item is not None else None
    if result is None:
        return Status(404, {"detail": "Итог ещё не опубликован.", "errors": []})
    return result


DOCX = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"


@router.get(
    "/meetings/{meeting_id}/protocol",
    response={404: ErrorOut, 422: ErrorOut},
    summary="Протокол собрания (DOCX), после закрытия",
    openapi_extra={
        "responses": {
            200: {
                "description": "Протокол в формате DOCX",
                "content": {DOCX: {"schema": {"type": "string", "format": "binary"}}},
            }
        }
    },
)
def protocol(request, meeting_id: int):
    from .documents import protocol_docx
    from .views_documents import docx_response

    meeting = _visible(request, meeting_id)
    if meeting is None or meeting.state != MeetingState.CLOSED:
        return Status(404, {"detail": "Протокол формируется после закрытия собрания.", "errors": []})
    return docx_response(protocol_docx(meeting, base_url=request.build_absolute_uri("/")), meeting, "protocol")
