"""The protocol and the registration sheet as DOCX, rendered from the Word templates in ./docx/ (legal-rules.md
S6: date and format, convener, agenda, residents 16+, participants in person and remote, the quorum and its
rule, presiding and secretary, decisions, signatures). The protocol ends with the record's final hash and the
address of the page that re-checks it."""

import io
from pathlib import Path

from django.urls import reverse
from django.utils import timezone
from docxtpl import DocxTemplate

from . import selectors
from .models import Meeting, MeetingKind, ParticipationMode, VoteKind, VoteState
from .quorum import meeting_quorum
from .results import BASE_WORDS, RULE_WORDS
from .rules_snapshot import meeting_rules

TEMPLATES = Path(__file__).resolve().parent / "docx"
HEADINGS = {
    MeetingKind.ASSEMBLY: "собрания граждан — участников территориального общественного самоуправления",
    MeetingKind.CONFERENCE: "конференции граждан (собрания делегатов) территориального общественного самоуправления",
    MeetingKind.COUNCIL: "заседания совета территориального общественного самоуправления",
}
MODE_WORDS = {
    ParticipationMode.IN_PERSON: "очно",
    ParticipationMode.PAPER: "по бумажному листу",
    ParticipationMode.PROXY: "по доверенности",
    ParticipationMode.REMOTE: "дистанционно",
}


def _when(meeting: Meeting) -> str:
    starts = timezone.localtime(meeting.starts_at)
    text = starts.strftime("%d.%m.%Y, %H:%M")
    if meeting.ends_at:
        text += "–" + timezone.localtime(meeting.ends_at).strftime("%H:%M")
    return text


def _common(meeting: Meeting, quorum) -> dict:
    council = meeting.kind == MeetingKind.COUNCIL
    return {
        "heading": HEADINGS[MeetingKind(meeting.kind)],
        "tos_name": f"{meeting.tos.name}, {meeting.tos.municipality.name}",
        "when": _when(meeting),
        "place": meeting.place or "онлайн",
        "base_label": "Число членов совета ТОС"
        if council
        else "Число жителей территории ТОС в возрасте 16 лет и старше",
        "base": quorum.residents_16plus,
        "secretary": meeting.secretary_name or "________________",
        "generated": timezone.localtime().strftime("%d.%m.%Y %H:%M"),
    }


def _votes(item, names: dict) -> str:
    tally = item.tally or {}
    kind = "тайное" if item.secret else "открытое"
    if item.vote_kind == VoteKind.ELECTION:
        per = "; ".join(f"{names.get(pk, pk)} — {n}" for pk, n in (tally.get("candidates") or {}).items())
        return f"Голосование {kind}, мест: {item.seats}. Голоса: {per or 'нет'}. Бюллетеней: {tally.get('cast', 0)}."
    paper = f" (из них бумажных, внесённых итогами, — {tally['paper_totals']})" if tally.get("paper_totals") else ""
    return (
        f"Голосование {kind}. За — {tally.get('for', 0)}, против — {tally.get('against', 0)}, "
        f"воздержались — {tally.get('abstain', 0)}{paper}."
    )


def _item_context(item, exclusive: set[str], exclusive_basis: str) -> dict:
    # Only an exclusive power is worth a line: it is why a stricter majority applies (ч. 7 ст. 27 131-ФЗ).
    kind = ""
    if item.question in exclusive:
        kind = (
            "Вопрос исключительной компетенции собрания (конференции), "
            f"{exclusive_basis}: {item.get_question_display()}."
        )
    context = {"position": item.position, "title": item.title, "kind": kind}
    if item.vote_state not in (VoteState.CLOSED, VoteState.PUBLISHED):
        return {**context, "votes": "", "result": "Голосование по вопросу не проводилось.", "rule": ""}
    if item.vote_state == VoteState.CLOSED:
        # The protocol is public; a result the leaders have not yet published stays out of it, as on the page
        # and in the API.
        return {**context, "votes": "", "result": "Итоги голосования ещё не опубликованы.", "rule": ""}
    names = {str(c.pk): c.name for c in item.candidates.all()}
    rule = RULE_WORDS.get(item.majority_rule, item.majority_rule)
    base = BASE_WORDS.get(item.majority_base, item.majority_base)
    return {
        **context,
        "votes": _votes(item, names),
        "result": item.result_text,
        "rule": (
            f"Правило: {rule} {base} (устав ТОС, п. 4 ч. 9 ст. 27 131-ФЗ). "
            f"Присутствовали: {item.present_count}; имели право голоса: {item.entitled_count}."
        ),
    }


def _render(template: str, context: dict) -> bytes:
    document = DocxTemplate(TEMPLATES / template)
    document.render(context, autoescape=True)
    buffer = io.BytesIO()
    document.save(buffer)
    return buffer.getvalue()


def protocol_docx(meeting: Meeting, *, base_url: str) -> bytes:
    meeting = selectors.meeting_detail(meeting.pk)
    rules = meeting_rules(meeting)
    quorum = meeting_quorum(meeting, rules)
    counts = quorum.by_mode
    split = ", ".join(f"{MODE_WORDS[mode]} — {counts.get(mode, 0)}" for mode in MODE_WORDS)
    if meeting.kind == MeetingKind.CONFERENCE:
        split += f"; делегатов — {quorum.delegates_present} из {quorum.delegates_elected} избранных"
    remote = counts.get(ParticipationMode.REMOTE, 0)
    if rules["remote_counts_for_quorum"]:
        remote_note = "Дистанционное участие учитывается при определении кворума по уставу ТОС."
    else:
        remote_note = (
            f"Дистанционные участники ({remote}) при определении кворума и голосовании не учитываются: "
            "устав ТОС этого не предусматривает."
        )
    exclusive = rules["exclusive_powers"]
    context = {
        **_common(meeting, quorum),
        "format": meeting.get_format_display(),
        "convened_by": meeting.convened_by,
        "called_on": timezone.localtime(meeting.called_at).strftime("%d.%m.%Y") if meeting.called_at else "—",
        "present_total": sum(counts.values()),
        "present_split": split,
        "remote_note": remote_note,
        "quorum_line": quorum.line,
        "presiding": meeting.presiding_name or "________________",
        "items": [_item_context(i, set(exclusive["value"]), exclusive["basis"]) for i in meeting.agenda_items.all()],
        "record_hash": meeting.record_hash or "—",
        "verify_url": base_url.rstrip("/") + reverse("meetings:verify", args=[meeting.pk]),
    }
    return _render("protocol.docx", context)


def registration_sheet_docx(meeting: Meeting) -> bytes:
    meeting = selectors.meeting_detail(meeting.pk)
    quorum = meeting_quorum(meeting)
    rows = []
    for n, p in enumerate(selectors.participants(meeting), start=1):
        mode = p.get_mode_display()
        if p.proxy_holder_id:
            mode += f": представитель {p.proxy_holder.full_name}, {p.proxy_document}"
        if p.delegate_id:
            mode += f" (делегат, представляет {p.delegate.represents})"
        entered = "сам(а) на платформе"
        if p.entered_by_id:
            entered = p.entered_by.full_name or p.entered_by.email
        rows.append(
            {
                "n": n,
                "name": p.full_name,
                "address": p.address,
                "year": p.birth_year,
                "mode": mode,
                "entered_by": entered,
            }
        )
    return _render("registration_sheet.docx", {**_common(meeting, quorum), "participants": rows, "total": len(rows)})
