"""Knowledge base permissions. docs/permissions.md has their role × state table; tests/test_permissions.py
checks every cell of it."""

import rules

from .predicates import (
    is_editor,
    is_reviewer,
    is_signed_in,
    material_in_review,
    material_is_draft,
    material_is_public,
    works_on_knowledge,
)

rules.add_perm("knowledge.add_material", is_editor)
# Readers see the published copy; drafts and the review queue are the editors' and reviewers' work.
rules.add_perm("knowledge.view_material", material_is_public | works_on_knowledge)
# Edits make a new version; a published material keeps its published copy until the new one is published.
rules.add_perm("knowledge.change_material", is_editor)
rules.add_perm("knowledge.submit_material", material_is_draft & is_editor)
# Publishing law to residents needs a second person who checks it: an expert or an administrator.
rules.add_perm("knowledge.publish_material", material_in_review & is_reviewer)
rules.add_perm("knowledge.mark_outdated", material_is_public & works_on_knowledge)
rules.add_perm("knowledge.view_history", works_on_knowledge)
rules.add_perm("knowledge.ask_question", is_signed_in)
rules.add_perm("knowledge.answer_question", works_on_knowledge)
