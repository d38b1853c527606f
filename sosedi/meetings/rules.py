"""Meeting permissions. docs/permissions.md has their role × state table; tests/test_permissions.py checks
every cell of it with a frozen clock."""

import rules

from sosedi.accounts.predicates import is_administrator, is_tos_chair, is_tos_leader, tos_accepts_members

from .predicates import (
    in_meeting_tos_body,
    is_meeting_leader,
    meeting_is_closed,
    meeting_is_draft,
    meeting_is_editable,
    meeting_is_open,
    meeting_is_running,
    member_of_meeting_tos,
    official_for_meeting,
)

# The chair or the secretary calls a meeting of their ТОС (the charter names who convenes, ст. 29 131-ФЗ).
rules.add_perm("meetings.add_meeting", tos_accepts_members & (is_administrator | is_tos_leader))
# The charter's meeting provisions are kept by the chair.
rules.add_perm("meetings.change_charter", tos_accepts_members & (is_administrator | is_tos_chair))
# A draft is the leaders' working copy; once called, a meeting is public (its results must be published).
rules.add_perm("meetings.view_meeting", ~meeting_is_draft | is_meeting_leader)
rules.add_perm("meetings.change_meeting", meeting_is_editable & is_meeting_leader)
# Steering a meeting: call, open, close, enter paper registrations and ballots, run the votes.
rules.add_perm("meetings.run_meeting", meeting_is_running & is_meeting_leader)
rules.add_perm("meetings.publish_results", (meeting_is_open | meeting_is_closed) & is_meeting_leader)
# Registration lists hold personal data: the ТОС body, the municipality and administrators see them.
rules.add_perm(
    "meetings.view_participants",
    ~meeting_is_draft & (is_administrator | in_meeting_tos_body | official_for_meeting),
)
# Self check-in: members of the ТОС while the meeting is open (the service checks age, delegate lists and
# council membership for conferences and council sessions).
rules.add_perm("meetings.check_in", meeting_is_open & (member_of_meeting_tos | in_meeting_tos_body))
