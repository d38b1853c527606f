"""The rules a meeting is held under: the charter's provisions and the rule-set values on the meeting's date.

Read live while the meeting is prepared; frozen into `Meeting.rules_snapshot` when it opens, so that editing
the charter or a rule set afterwards cannot change how an open or finished meeting is counted.
"""

from sosedi.accounts.models import Role, RoleAssignment
from sosedi.core.rulesets import rule

from .models import Charter, Meeting, MeetingKind

CHARTER_FIELDS = (
    "remote_counts_for_quorum",
    "secret_ballot_allowed",
    "proxies_allowed",
    "revote_allowed",
    "majority_ordinary",
    "majority_exclusive",
    "majority_base",
    "conference_norm",
)
LEADER_ROLES = (Role.CHAIR, Role.SECRETARY)
BODY_ROLES = (*LEADER_ROLES, Role.COUNCIL_MEMBER)


def charter_of(tos) -> Charter:
    """The ТОС's charter provisions; the defaults until the chair fills them in (not saved until then)."""
    try:
        return tos.charter
    except Charter.DoesNotExist:
        return Charter(tos=tos)


def _rule(key: str, meeting: Meeting) -> dict:
    value = rule(key, municipality=meeting.tos.municipality, on=meeting.starts_at.date())
    return {"value": value.value, "basis": value.basis, "confidence": value.confidence}


def current_rules(meeting: Meeting) -> dict:
    charter = charter_of(meeting.tos)
    council = meeting.kind == MeetingKind.COUNCIL
    return {
        **{name: getattr(charter, name) for name in CHARTER_FIELDS},
        "quorum": _rule("council.quorum" if council else "tos.quorum_meeting", meeting),
        "conf_delegates": _rule("tos.conf_delegates", meeting),
        "conf_repr": _rule("tos.conf_repr", meeting),
        "min_age": _rule("tos.min_age", meeting),
        "notice_days": _rule("meeting.notice_days", meeting),
        "exclusive_powers": _rule("tos.exclusive_powers", meeting),
    }


def body_size(tos) -> int:
    return (
        RoleAssignment.objects.filter(tos=tos, revoked_at__isnull=True, role__in=BODY_ROLES)
        .values("user_id")
        .distinct()
        .count()
    )


def live_base(meeting: Meeting) -> int:
    if meeting.kind == MeetingKind.COUNCIL:
        return body_size(meeting.tos)
    return meeting.tos.residents_16plus or 0


def meeting_rules(meeting: Meeting) -> dict:
    rules = dict(meeting.rules_snapshot) if meeting.rules_snapshot else current_rules(meeting)
    rules["live_base"] = meeting.residents_16plus if meeting.opened_at else live_base(meeting)
    return rules
