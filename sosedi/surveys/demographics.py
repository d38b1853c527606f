"""Coarse groups for the cross-tab: broad enough that a group never names a person on its own."""

from datetime import date

from django.utils import timezone

from sosedi.accounts.models import Role

AGE_GROUPS = ("до 30", "30–44", "45–59", "60 и старше")
ROLE_GROUPS = {
    "official": "муниципалитет и ассоциация",
    "tos_body": "актив ТОС",
    "tos_member": "участник ТОС",
    "resident": "житель",
}
OFFICIAL_ROLES = {Role.MUNICIPAL_OFFICIAL, Role.DEPUTY, Role.ASSOCIATION_STAFF, Role.ADMINISTRATOR, Role.EXPERT}
BODY_ROLES = {Role.CHAIR, Role.SECRETARY, Role.COUNCIL_MEMBER}


def age_group(birth_date: date | None, today: date | None = None) -> str:
    if birth_date is None:
        return ""
    today = today or timezone.localdate()
    years = today.year - birth_date.year - ((today.month, today.day) < (birth_date.month, birth_date.day))
    if years < 30:
        return AGE_GROUPS[0]
    if years < 45:
        return AGE_GROUPS[1]
    if years < 60:
        return AGE_GROUPS[2]
    return AGE_GROUPS[3]


def age_group_of(user) -> str:
    return age_group(user.birth_date)


def role_group_of(user) -> str:
    from sosedi.accounts.predicates import _roles
    from sosedi.territories.models import MembershipStatus

    roles = {r[0] for r in _roles(user)}
    if roles & OFFICIAL_ROLES:
        return ROLE_GROUPS["official"]
    if roles & BODY_ROLES:
        return ROLE_GROUPS["tos_body"]
    if user.memberships.filter(status=MembershipStatus.ACTIVE).exists():
        return ROLE_GROUPS["tos_member"]
    return ROLE_GROUPS["resident"]
