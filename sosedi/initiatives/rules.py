"""Initiative permissions. docs/permissions.md has their role × status table; tests/test_permissions.py checks
every cell of it with a frozen clock."""

import rules

from .predicates import (
    idea_is_not_archived,
    idea_is_open,
    is_signed_in,
    leads_project,
    project_is_being_built,
    project_is_collecting,
    project_is_draft,
    project_is_editable,
    project_is_published,
    project_is_under_review,
    reviews_project,
)

# Any signed-in resident posts an idea, supports and discusses ideas and may turn an open idea into a project
# (as an initiative group or for their ТОС — the service checks which initiator the person may be).
rules.add_perm("initiatives.add_idea", is_signed_in)
rules.add_perm("initiatives.support_idea", is_signed_in & idea_is_open)
rules.add_perm("initiatives.comment_idea", is_signed_in & idea_is_not_archived)
rules.add_perm("initiatives.add_project", is_signed_in)
# A draft is the initiators' working copy; once support is collected the project is public (P5 publication).
rules.add_perm("initiatives.view_project", ~project_is_draft | leads_project)
# The nine parts change only before submission: what the administration received is what it reviews.
rules.add_perm("initiatives.change_project", project_is_editable & leads_project)
# Support evidence: paper signatures typed in, a meeting's decision linked, a protocol uploaded, group members.
rules.add_perm("initiatives.manage_support", project_is_editable & leads_project)
rules.add_perm("initiatives.sign_project", project_is_collecting & is_signed_in)
rules.add_perm("initiatives.submit_project", project_is_collecting & leads_project)
# Publication and the decision belong to the local administration (ч. 5–6 ст. 26.1 131-ФЗ).
rules.add_perm("initiatives.review_project", project_is_under_review & reviews_project)
rules.add_perm("initiatives.remark_project", project_is_published & is_signed_in)
# Milestones, completion and the report: the initiators (public control, ч. 13) and the administration.
rules.add_perm("initiatives.implement_project", project_is_being_built & (leads_project | reviews_project))
