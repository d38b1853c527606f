"""Quorum of a meeting as the law and the charter count it, with the sentence that explains it.

«Кворум есть: 104 из 300 (34,7 %), нужно не менее 100 — ч. 6 ст. 27 131-ФЗ». One aggregate query over the
registrations, whatever their number.
"""

from dataclasses import dataclass, field

from django.db.models import Count, Sum

from sosedi.core.rulesets import parse_fraction

from . import arithmetic
from .models import Meeting, MeetingKind, Participant, ParticipationMode
from .rules_snapshot import meeting_rules


@dataclass(frozen=True)
class Quorum:
    kind: str
    residents_16plus: int  # the base: residents 16+ (assembly, conference) or members of the body (council)
    present: int  # participants counted for quorum
    required: int
    reached: bool
    basis: str
    line: str
    needs_check: bool = False
    by_mode: dict = field(default_factory=dict)
    not_counted_remote: int = 0
    delegates_elected: int = 0
    delegates_present: int = 0
    residents_represented: int = 0
    problems: tuple[str, ...] = ()


def counted_modes(rules: dict) -> list[str]:
    """Who counts as taking part. Remote participants count only where the charter says so (S5a)."""
    modes = [ParticipationMode.IN_PERSON, ParticipationMode.PAPER, ParticipationMode.PROXY]
    if rules["remote_counts_for_quorum"]:
        modes.append(ParticipationMode.REMOTE)
    return modes


def participant_counts(meeting: Meeting) -> dict[str, int]:
    rows = Participant.objects.filter(meeting=meeting).values("mode").annotate(n=Count("id")).order_by()
    return {row["mode"]: row["n"] for row in rows}


def cached_quorum(meeting: Meeting, rules: dict | None = None) -> Quorum:
    """The quorum for showing, kept while no registration changes it, so hundreds of phones polling the line
    cost one cache read each."""
    from .selectors import cached_for_meeting

    return cached_for_meeting(meeting.pk, "quorum", lambda: meeting_quorum(meeting, rules))


def meeting_quorum(meeting: Meeting, rules: dict | None = None) -> Quorum:
    rules = rules or meeting_rules(meeting)
    counts = participant_counts(meeting)
    modes = counted_modes(rules)
    present = sum(n for mode, n in counts.items() if mode in modes)
    not_counted_remote = 0 if ParticipationMode.REMOTE in modes else counts.get(ParticipationMode.REMOTE, 0)
    base = rules["live_base"]  # frozen at opening; the current figure before (rules_snapshot.meeting_rules)
    if meeting.kind == MeetingKind.CONFERENCE:
        return _conference(meeting, rules, counts, base, not_counted_remote)
    rule = rules["quorum"]
    fraction = parse_fraction(rule["value"])
    required = arithmetic.required_for(base, fraction)
    reached = arithmetic.assembly_quorum(present=present, residents=base, fraction=fraction)
    of_whom = "членов совета" if meeting.kind == MeetingKind.COUNCIL else ""
    problems = ()
    if base <= 0:
        problems = ("Не указано число жителей 16+ в карточке ТОС — кворум посчитать нельзя.",)
    line = "{state}: {present} из {base}{of_whom} ({pct}), нужно не менее {required} — {basis}".format(
        state="Кворум есть" if reached else "Кворума нет",
        present=present,
        base=base,
        of_whom=f" {of_whom}" if of_whom else "",
        pct=arithmetic.percent(present, base),
        required=required,
        basis=rule["basis"],
    )
    return Quorum(
        kind=meeting.kind,
        residents_16plus=base,
        present=present,
        required=required,
        reached=reached,
        basis=rule["basis"],
        line=line,
        needs_check=rule["confidence"] in ("M", "NV"),
        by_mode=counts,
        not_counted_remote=not_counted_remote,
        problems=problems,
    )


def _conference(meeting, rules, counts, base, not_counted_remote) -> Quorum:
    """T10: present delegates against elected ones, and the residents the elected delegates represent."""
    modes = counted_modes(rules)
    delegates = meeting.delegates.aggregate(elected=Count("id"), represented=Sum("represents"))
    elected = delegates["elected"] or 0
    represented = delegates["represented"] or 0
    present = Participant.objects.filter(meeting=meeting, delegate__isnull=False, mode__in=modes).count()
    d_rule, r_rule = rules["conf_delegates"], rules["conf_repr"]
    d_fraction, r_fraction = parse_fraction(d_rule["value"]), parse_fraction(r_rule["value"])
    delegates_ok, representation_ok = arithmetic.conference_quorum(
        delegates_present=present,
        delegates_elected=elected,
        residents_represented=represented,
        residents=base,
        delegates_fraction=d_fraction,
        representation_fraction=r_fraction,
    )
    reached = delegates_ok and representation_ok
    required = arithmetic.required_for(elected, d_fraction)
    line = (
        "{state}: делегатов {present} из {elected} ({pct}), нужно не менее {required}; избранные делегаты "
        "представляют {represented} из {base} жителей 16+ ({rpct}), нужно не менее {rrequired} — {basis}"
    ).format(
        state="Кворум есть" if reached else "Кворума нет",
        present=present,
        elected=elected,
        pct=arithmetic.percent(present, elected),
        required=required,
        represented=represented,
        base=base,
        rpct=arithmetic.percent(represented, base),
        rrequired=arithmetic.required_for(base, r_fraction),
        basis=d_rule["basis"],
    )
    problems = []
    if not elected:
        problems.append("Делегаты конференции ещё не внесены.")
    if base <= 0:
        problems.append("Не указано число жителей 16+ в карточке ТОС.")
    return Quorum(
        kind=meeting.kind,
        residents_16plus=base,
        present=present,
        required=required,
        reached=reached,
        basis=d_rule["basis"],
        line=line,
        needs_check=r_rule["confidence"] in ("M", "NV"),
        by_mode=counts,
        not_counted_remote=not_counted_remote,
        delegates_elected=elected,
        delegates_present=present,
        residents_represented=represented,
        problems=tuple(problems),
    )


def counted_participants(meeting: Meeting, rules: dict | None = None):
    rules = rules or meeting_rules(meeting)
    qs = Participant.objects.filter(meeting=meeting, mode__in=counted_modes(rules))
    if meeting.kind == MeetingKind.CONFERENCE:
        qs = qs.filter(delegate__isnull=False)
    return qs
