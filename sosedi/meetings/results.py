"""Counting the ballots of one agenda item and explaining the result in words.

«Решение принято: за 61 из 104 присутствующих (58,7 %) — более половины». The tally is two grouped queries
(choices, and candidate marks for elections) plus the paper totals; it does not load the ballots.
"""

import hashlib
from dataclasses import dataclass

from django.db.models import Count

from . import arithmetic
from .models import AgendaItem, Ballot, Choice, MajorityBase, MajorityRule, PaperTally, VoteKind

BASE_WORDS = {
    MajorityBase.PRESENT: "присутствующих",
    MajorityBase.CAST: "проголосовавших",
    MajorityBase.ENTITLED: "имеющих право голоса",
}
RULE_WORDS = {
    MajorityRule.SIMPLE: "простое большинство",
    MajorityRule.HALF: "более половины",
    MajorityRule.TWO_THIRDS: "не менее двух третей",
    MajorityRule.THREE_QUARTERS: "не менее трёх четвертей",
}


def tally(item: AgendaItem) -> dict:
    """{"for", "against", "abstain", "cast", "paper_totals", "candidates": {id: votes}} from the database."""
    counts = {
        row["choice"]: row["n"]
        for row in Ballot.objects.filter(item=item).values("choice").annotate(n=Count("id")).order_by()
    }
    result = {
        "for": counts.get(Choice.FOR, 0),
        "against": counts.get(Choice.AGAINST, 0),
        "abstain": counts.get(Choice.ABSTAIN, 0),
        "paper_totals": 0,
    }
    paper = PaperTally.objects.filter(item=item).first()
    if paper is not None:
        result["for"] += paper.votes_for
        result["against"] += paper.votes_against
        result["abstain"] += paper.votes_abstain
        result["paper_totals"] = paper.total
    if item.vote_kind == VoteKind.ELECTION:
        marks = (
            Ballot.candidates.through.objects.filter(ballot__item=item)
            .values("candidate_id")
            .annotate(n=Count("id"))
            .order_by()
        )
        votes = {str(row["candidate_id"]): row["n"] for row in marks}
        result["candidates"] = {str(c.pk): votes.get(str(c.pk), 0) for c in item.candidates.all()}
        result["cast"] = sum(counts.values())
    else:
        result["cast"] = result["for"] + result["against"] + result["abstain"]
    return result


@dataclass(frozen=True)
class Decision:
    decided: bool
    text: str
    elected: tuple[int, ...] = ()


def _share(votes: int, base: int, base_kind: str, rule: str) -> str:
    if rule == MajorityRule.SIMPLE:
        return f"за {votes}"
    return f"за {votes} из {base} {BASE_WORDS[base_kind]} ({arithmetic.percent(votes, base)})"


def decide_question(*, counts: dict, present: int, entitled: int, rule: str, base_kind: str, quorum: bool) -> Decision:
    base = arithmetic.majority_base(base_kind, present=present, cast=counts["cast"], entitled=entitled)
    if rule == MajorityRule.SIMPLE:  # compares for with against, so both are said
        share = f"за {counts['for']}, против {counts['against']}, воздержались {counts['abstain']}"
    else:
        share = _share(counts["for"], base, base_kind, rule)
    if not quorum:
        return Decision(False, f"Решение не принято: не было кворума ({share}).")
    adopted = arithmetic.is_adopted(rule, votes_for=counts["for"], votes_against=counts["against"], base=base)
    if adopted:
        return Decision(True, f"Решение принято: {share} — {RULE_WORDS[rule]}.")
    return Decision(False, f"Решение не принято: {share}, нужно {RULE_WORDS[rule]}.")


def decide_election(
    *, item: AgendaItem, counts: dict, present: int, entitled: int, rule: str, base_kind: str, quorum: bool
) -> Decision:
    """Candidates who meet the majority, best first, fill the seats; a tie for the last seat elects neither
    of the tied (a second round is needed), as the count cannot choose between them."""
    names = {str(c.pk): c.name for c in item.candidates.all()}
    base = arithmetic.majority_base(base_kind, present=present, cast=counts["cast"], entitled=entitled)
    votes = counts.get("candidates", {})
    ranked = sorted(names, key=lambda pk: (-votes.get(pk, 0), names[pk]))
    lines = [f"{names[pk]} — {_share(votes.get(pk, 0), base, base_kind, rule)}" for pk in ranked]
    if not quorum:
        return Decision(False, "Никто не избран: не было кворума. " + "; ".join(lines) + ".")
    passing = [
        pk
        for pk in ranked
        if arithmetic.is_adopted(rule, votes_for=votes.get(pk, 0), votes_against=0, base=base) and votes.get(pk, 0) > 0
    ]
    elected = passing[: item.seats]
    note = ""
    if len(passing) > item.seats:
        last = votes.get(elected[-1], 0)
        if votes.get(passing[item.seats], 0) == last:
            tied = [pk for pk in passing if votes.get(pk, 0) == last]
            elected = [pk for pk in elected if pk not in tied]
            note = (
                " Равенство голосов у кандидатов: "
                + ", ".join(names[pk] for pk in tied)
                + " — нужно повторное голосование."
            )
    if elected:
        text = "Избраны: " + ", ".join(names[pk] for pk in elected) + f" ({RULE_WORDS[rule]}). "
    else:
        text = f"Никто не избран: нужно {RULE_WORDS[rule]}. "
    return Decision(bool(elected), text + "; ".join(lines) + "." + note, tuple(int(pk) for pk in elected))


def ballots_digest(item: AgendaItem) -> str:
    """A fingerprint of every ballot of the item as stored, recorded in the audit log when the vote closes;
    the verification page recomputes it, so a ballot changed in the database afterwards is detected."""
    digest = hashlib.sha256()
    marks: dict = {}
    for ballot_id, candidate_id in Ballot.candidates.through.objects.filter(ballot__item=item).values_list(
        "ballot_id", "candidate_id"
    ):
        marks.setdefault(ballot_id, []).append(candidate_id)
    rows = Ballot.objects.filter(item=item).order_by("id").values_list("id", "choice", "voter_id", "receipt", "source")
    for ballot_id, choice, voter_id, receipt, source in rows.iterator(chunk_size=5000):
        candidates = ",".join(str(c) for c in sorted(marks.get(ballot_id, ())))
        digest.update(f"{ballot_id}|{choice}|{candidates}|{voter_id or ''}|{receipt}|{source}\n".encode())
    paper = PaperTally.objects.filter(item=item).first()
    if paper is not None:
        digest.update(f"paper|{paper.votes_for}|{paper.votes_against}|{paper.votes_abstain}\n".encode())
    return digest.hexdigest()
