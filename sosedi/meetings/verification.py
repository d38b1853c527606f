"""Is the record of a meeting intact? Recomputes what the protocol relies on and compares it with what was
written when each vote closed:

1. the whole audit chain (every event hashed over the previous one — `audit_verify`);
2. the protocol's final hash is an event of that chain;
3. for each closed vote: the digest of its ballots as stored now, against the digest frozen on the item and
   the one written into the chain at closing — a ballot added, removed or altered in the database afterwards
   changes it;
4. the tally recounted from the ballots against the frozen tally the result was decided on.
"""

from dataclasses import dataclass, field

from sosedi.core.audit import audit_verify
from sosedi.core.models import AuditEvent

from . import results
from .models import Meeting, VoteKind, VoteState


@dataclass
class MeetingVerification:
    ok: bool
    record_hash: str
    chain_events: int
    items_checked: int
    problems: list[str] = field(default_factory=list)


def _close_events(meeting: Meeting) -> dict[int, dict]:
    """The payload of the latest `vote.close` event per item of this meeting."""
    latest: dict[int, dict] = {}
    events = AuditEvent.objects.filter(action="vote.close", payload__meeting=meeting.pk).order_by("seq")
    for payload in events.values_list("payload", flat=True):
        latest[payload.get("item")] = payload
    return latest


def _tally_differs(item, recount: dict) -> bool:
    stored = item.tally or {}
    keys = ("for", "against", "abstain", "cast")
    if any(stored.get(k) != recount.get(k) for k in keys):
        return True
    return item.vote_kind == VoteKind.ELECTION and stored.get("candidates") != recount.get("candidates")


def verify_meeting(meeting: Meeting) -> MeetingVerification:
    problems: list[str] = []
    chain = audit_verify()
    if not chain.ok:
        problems.append(f"Журнал действий повреждён: запись № {chain.first_bad_seq} — {chain.reason}.")
    if meeting.record_hash and not AuditEvent.objects.filter(hash=meeting.record_hash).exists():
        problems.append("Итоговый хеш из протокола не найден в журнале действий.")
    closed = _close_events(meeting)
    checked = 0
    items = meeting.agenda_items.filter(vote_state__in=[VoteState.CLOSED, VoteState.PUBLISHED]).order_by("position")
    for item in items:
        checked += 1
        label = f"Вопрос {item.position} «{item.title}»"
        digest = results.ballots_digest(item)
        event = closed.get(item.pk)
        if event is None:
            problems.append(f"{label}: в журнале нет записи о закрытии голосования.")
        elif event.get("ballots_digest") != item.ballots_digest:
            problems.append(f"{label}: отпечаток бюллетеней в итогах не совпадает с записанным в журнале.")
        if digest != item.ballots_digest:
            problems.append(f"{label}: бюллетени изменены после закрытия голосования.")
        if _tally_differs(item, results.tally(item)):
            problems.append(f"{label}: итоги не совпадают с пересчётом бюллетеней.")
        elif event is not None and event.get("tally", {}).get("for") != (item.tally or {}).get("for"):
            problems.append(f"{label}: итоги изменены после закрытия голосования.")
    return MeetingVerification(
        ok=not problems,
        record_hash=meeting.record_hash,
        chain_events=chain.checked,
        items_checked=checked,
        problems=problems,
    )
