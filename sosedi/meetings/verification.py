"""Is the record of a meeting intact? Recomputes what the protocol relies on and compares it with what was
written when each vote closed:

1. the whole audit chain (every event hashed over the previous one — `audit_verify`);
2. the protocol's final hash is an event of this meeting in that chain, written no earlier than the last
   closing of a vote, so every counted ballot is bound into it;
3. for each closed vote: the digest of its ballots as stored now, against the digest frozen on the item and
   the one written into the chain at closing — a ballot added, removed or altered in the database afterwards
   changes it;
4. the tally recounted from the ballots against the frozen tally the result was decided on;
5. what the protocol prints about the vote (tally, present and entitled, rule, decision, published text)
   against what the chain recorded at closing and publishing — the chain is the only copy that cannot be
   rewritten unnoticed, the item's columns can.
"""

from dataclasses import dataclass, field

from sosedi.core.audit import audit_verify
from sosedi.core.models import AuditEvent

from . import results
from .models import Meeting, MeetingState, VoteKind, VoteState

COUNT_KEYS = ("for", "against", "abstain", "cast")
# Columns of the item frozen by services.vote_close, under the key the close event's payload gives them.
FROZEN = {
    "tally": "tally",
    "present": "present_count",
    "entitled": "entitled_count",
    "rule": "majority_rule",
    "base": "majority_base",
    "decided": "decided",
}


@dataclass
class MeetingVerification:
    ok: bool
    record_hash: str
    checked_events: int
    items_checked: int
    problems: list[str] = field(default_factory=list)


def _latest_payloads(meeting: Meeting, action: str) -> dict[int, dict]:
    """The payload and position of the latest `action` event per item of this meeting (one query)."""
    latest: dict[int, dict] = {}
    events = AuditEvent.objects.filter(action=action, payload__meeting=meeting.pk).order_by("seq")
    for seq, payload in events.values_list("seq", "payload"):
        latest[payload.get("item")] = {**payload, "_seq": seq}
    return latest


def _recount_differs(item, recount: dict) -> bool:
    stored = item.tally or {}
    if any(stored.get(k) != recount.get(k) for k in COUNT_KEYS):
        return True
    return item.vote_kind == VoteKind.ELECTION and stored.get("candidates") != recount.get("candidates")


def _record_hash_problems(meeting: Meeting, closes: dict[int, dict]) -> list[str]:
    if not meeting.record_hash:
        # Opening already seals the record, so a meeting that took place without a hash has lost it.
        if meeting.state == MeetingState.CLOSED:
            return ["Итоговый хеш собрания не записан."]
        return []
    sealed = AuditEvent.objects.filter(hash=meeting.record_hash).values_list("seq", "payload").first()
    if sealed is None:
        return ["Итоговый хеш из протокола не найден в журнале действий."]
    seq, payload = sealed
    if payload.get("meeting") != meeting.pk:
        return ["Итоговый хеш принадлежит записи о другом собрании."]
    if closes and seq < max(close["_seq"] for close in closes.values()):
        return ["Итоговый хеш записан раньше закрытия последнего голосования и не заверяет его итоги."]
    return []


def _item_problems(item, close: dict | None, publish: dict | None) -> list[str]:
    label = f"Вопрос {item.position} «{item.title}»"
    problems = []
    if results.ballots_digest(item) != item.ballots_digest:
        problems.append(f"{label}: бюллетени изменены после закрытия голосования.")
    if _recount_differs(item, results.tally(item)):
        problems.append(f"{label}: итоги не совпадают с пересчётом бюллетеней.")
    if close is None:
        problems.append(f"{label}: в журнале нет записи о закрытии голосования.")
    else:
        if close.get("ballots_digest") != item.ballots_digest:
            problems.append(f"{label}: отпечаток бюллетеней в итогах не совпадает с записанным в журнале.")
        if any(close.get(key) != getattr(item, column) for key, column in FROZEN.items()):
            problems.append(
                f"{label}: итоги голосования (подсчёт, число присутствующих, правило или решение) "
                "изменены после закрытия голосования."
            )
    if item.vote_state == VoteState.PUBLISHED:
        if publish is None:
            problems.append(f"{label}: в журнале нет записи о публикации итогов.")
        elif publish.get("result") != item.result_text:
            problems.append(f"{label}: текст решения отличается от опубликованного.")
    return problems


CHAIN_CHECK_SECONDS = 60


def _chain():
    """Walking the whole platform journal is the costly part and the same for every meeting; a public page
    may be opened by many, so its answer is reused for a minute (the per-meeting checks below are not)."""
    from django.core.cache import cache

    result = cache.get("audit-chain-check")
    if result is None:
        result = audit_verify()
        cache.set("audit-chain-check", result, CHAIN_CHECK_SECONDS)
    return result


def hash_stage(meeting: Meeting, value: str) -> str | None:
    """What a hash printed on a (possibly earlier) protocol marks: the event of this meeting it belongs to,
    in words with its time, or None when it is not a recorded state of this meeting."""
    value = (value or "").strip().lower()
    if len(value) != 64:
        return None
    event = AuditEvent.objects.filter(hash=value, payload__meeting=meeting.pk).values("action", "created_at").first()
    if event is None:
        return None
    from django.utils import timezone

    words = {
        "meeting.open": "открытие собрания",
        "vote.close": "закрытие голосования",
        "vote.publish": "публикация итогов",
        "meeting.close": "закрытие собрания",
        "meeting.cancel": "отмена собрания",
    }
    when = timezone.localtime(event["created_at"]).strftime("%d.%m.%Y %H:%M")
    return f"{words.get(event['action'], event['action'])}, {when}"


def verify_meeting(meeting: Meeting) -> MeetingVerification:
    problems: list[str] = []
    chain = _chain()
    if not chain.ok:
        problems.append(f"Журнал действий повреждён: запись № {chain.first_bad_seq} — {chain.reason}.")
    closes = _latest_payloads(meeting, "vote.close")
    publishes = _latest_payloads(meeting, "vote.publish")
    problems += _record_hash_problems(meeting, closes)
    items = meeting.agenda_items.filter(vote_state__in=[VoteState.CLOSED, VoteState.PUBLISHED]).order_by("position")
    checked = 0
    for item in items.prefetch_related("candidates"):
        checked += 1
        problems += _item_problems(item, closes.get(item.pk), publishes.get(item.pk))
    return MeetingVerification(
        ok=not problems,
        record_hash=meeting.record_hash,
        checked_events=chain.checked,
        items_checked=checked,
        problems=problems,
    )
