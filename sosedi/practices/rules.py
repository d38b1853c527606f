"""Best-practice catalogue permissions. docs/permissions.md has their role × state table;
tests/test_permissions.py checks every cell of it."""

import rules

from .predicates import (
    decides_practices,
    practice_is_accepted,
    practice_is_declined,
    practice_is_proposed,
    proposes_its_project,
    proposes_practice,
)

# The object is the initiative project to propose.
rules.add_perm("practices.propose_practice", proposes_practice)
# The object is the declined practice: its proposal goes back to the reviewers with a new text.
rules.add_perm("practices.propose_again", practice_is_declined & proposes_its_project)
rules.add_perm("practices.decide_practice", practice_is_proposed & decides_practices)
rules.add_perm("practices.review_practices", decides_practices)
# Accepted practices are public; proposals are seen by the reviewers only.
rules.add_perm("practices.view_practice", practice_is_accepted | decides_practices)
