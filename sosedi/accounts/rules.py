"""Every permission of the platform, built from the predicates. docs/permissions.md is the table of these
rules per role, and sosedi/accounts/tests/test_permission_matrix.py checks the table against them."""

import rules

from .predicates import (
    has_current_membership,
    is_administrator,
    is_municipal_official_for,
    is_tos_body,
    is_tos_chair,
    is_tos_leader,
    is_tos_object,
    tos_accepts_members,
)

# Registry: a municipality keeps the registry of its ТОС (ч. 5 ст. 27 131-ФЗ: it registers charters).
rules.add_perm("territories.add_tos", is_administrator | is_municipal_official_for)
rules.add_perm("territories.change_tos", is_administrator | is_municipal_official_for)
rules.add_perm("territories.import_registry", is_administrator | is_municipal_official_for)
# Contacts are the ТОС's own business, so its leaders may keep them current too.
rules.add_perm("territories.change_tos_contacts", is_administrator | is_municipal_official_for | is_tos_leader)

# Membership: anyone signed in may ask; the ТОС's chair or secretary confirms residence.
rules.add_perm("territories.request_membership", rules.is_authenticated & tos_accepts_members & ~has_current_membership)
rules.add_perm("territories.decide_membership", tos_accepts_members & (is_administrator | is_tos_leader))
rules.add_perm("territories.view_members", is_administrator | is_municipal_official_for | is_tos_body)

# Roles: administrators anywhere; inside a ТОС the municipal official and the chair (the chair only
# secretary and council members — the service checks which role).
rules.add_perm(
    "accounts.grant_role",
    is_administrator | (is_tos_object & tos_accepts_members & (is_municipal_official_for | is_tos_chair)),
)

rules.add_perm("core.view_audit", is_administrator)
