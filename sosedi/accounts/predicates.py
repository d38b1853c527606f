"""Who may do what: predicates for django-rules, combined into permissions in rules.py.

Scope rules: administrators act everywhere; municipal officials and deputies on their municipality and the
ТОС in it (and in the municipalities inside it, e.g. the settlements of a district); chair, secretary and
council members on their own ТОС. A ТОС member is a person with an active Membership, not a role row.
"""

import rules

from .models import Role, RoleAssignment, Scope

MEMO = "_sosedi_active_roles"


def _roles(user) -> list[tuple]:
    """The person's active roles as (role, scope, tos id, municipality id), read once per user object.

    A page asks a dozen permission questions about the same person; each used to be its own query. The user
    object lives for one request, so the memo does too; services that grant or revoke a role call
    `forget_roles` on the instance they were given, so a test (or a command) that keeps the object sees the
    change at once."""
    memo = user.__dict__.get(MEMO)
    if memo is None:
        memo = list(
            RoleAssignment.objects.filter(user=user, revoked_at__isnull=True).values_list(
                "role", "scope", "tos_id", "municipality_id"
            )
        )
        user.__dict__[MEMO] = memo
    return memo


def forget_roles(user) -> None:
    user.__dict__.pop(MEMO, None)


def _has_role(user, role: str) -> bool:
    return any(r[0] == role for r in _roles(user))


def _is_tos(obj) -> bool:
    from sosedi.territories.models import Tos

    return isinstance(obj, Tos)


def _municipality_of(obj):
    """The municipality an object belongs to: itself, a ТОС's, or None."""
    from sosedi.territories.models import Municipality, Tos

    if isinstance(obj, Municipality):
        return obj
    if isinstance(obj, Tos):
        return obj.municipality
    return None


def _municipality_chain_ids(obj) -> list[int]:
    """The object's municipality and those it lies in (settlement → district), nearest first."""
    municipality = _municipality_of(obj)
    ids: list[int] = []
    while municipality is not None and municipality.pk not in ids:
        ids.append(municipality.pk)
        municipality = municipality.parent
    return ids


def _has_municipal_role(user, role: str, obj) -> bool:
    if not user.is_authenticated:
        return False
    ids = _municipality_chain_ids(obj)
    if not ids:
        return False
    return any(r[0] == role and r[1] == Scope.MUNICIPALITY and r[3] in ids for r in _roles(user))


def _has_tos_role(user, role: str, tos) -> bool:
    if not user.is_authenticated or not _is_tos(tos):
        return False
    return any(r[0] == role and r[1] == Scope.TOS and r[2] == tos.pk for r in _roles(user))


@rules.predicate
def is_administrator(user) -> bool:
    if not user.is_authenticated or not user.is_active:
        return False
    return user.is_superuser or _has_role(user, Role.ADMINISTRATOR)


@rules.predicate
def is_association_staff(user) -> bool:
    return user.is_authenticated and _has_role(user, Role.ASSOCIATION_STAFF)


@rules.predicate
def is_expert(user) -> bool:
    return user.is_authenticated and _has_role(user, Role.EXPERT)


@rules.predicate
def is_municipal_official_for(user, obj) -> bool:
    return _has_municipal_role(user, Role.MUNICIPAL_OFFICIAL, obj)


@rules.predicate
def is_deputy_for(user, obj) -> bool:
    return _has_municipal_role(user, Role.DEPUTY, obj)


@rules.predicate
def is_tos_chair(user, tos) -> bool:
    return _has_tos_role(user, Role.CHAIR, tos)


@rules.predicate
def is_tos_secretary(user, tos) -> bool:
    return _has_tos_role(user, Role.SECRETARY, tos)


@rules.predicate
def is_tos_council_member(user, tos) -> bool:
    return _has_tos_role(user, Role.COUNCIL_MEMBER, tos)


@rules.predicate
def is_tos_member(user, tos) -> bool:
    if not user.is_authenticated or not _is_tos(tos):
        return False
    from sosedi.territories.models import MembershipStatus

    return tos.memberships.filter(user=user, status=MembershipStatus.ACTIVE).exists()


@rules.predicate
def has_current_membership(user, tos) -> bool:
    """An open request or an active membership in this ТОС."""
    if not user.is_authenticated or not _is_tos(tos):
        return False
    from sosedi.territories.models import MembershipStatus

    return tos.memberships.filter(user=user, status__in=[MembershipStatus.REQUESTED, MembershipStatus.ACTIVE]).exists()


@rules.predicate
def tos_accepts_members(user, tos) -> bool:
    """A liquidated ТОС no longer exists as self-government: nobody joins it and nothing is decided in it."""
    from sosedi.territories.models import TosStatus

    return _is_tos(tos) and tos.status != TosStatus.LIQUIDATED


@rules.predicate
def is_tos_object(user, obj) -> bool:
    return _is_tos(obj)


is_tos_leader = is_tos_chair | is_tos_secretary
is_tos_body = is_tos_chair | is_tos_secretary | is_tos_council_member
