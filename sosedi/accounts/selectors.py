"""Reads about people: their roles, memberships and what may be shown about them publicly."""

from django.db.models import QuerySet

from .models import Consent, ConsentKind, Role, RoleAssignment, Scope

HIDDEN_NAME = "Житель (имя скрыто)"


def active_roles(user) -> QuerySet[RoleAssignment]:
    """The person's current role assignments with their scope objects loaded."""
    if user is None or not user.is_authenticated:
        return RoleAssignment.objects.none()
    return (
        RoleAssignment.objects.filter(user=user, revoked_at__isnull=True)
        .select_related("region", "municipality", "tos", "tos__municipality")
        .order_by("scope", "role", "id")
    )


def user_tos_roles(user, tos) -> set[str]:
    """Role codes the person holds in one ТОС. An active membership counts as `tos_member`, because
    participation is kept in its own table (docs/decisions/0001-foundation.md, item 4)."""
    if user is None or not user.is_authenticated or tos is None:
        return set()
    from sosedi.territories.models import Membership, MembershipStatus

    roles = set(
        RoleAssignment.objects.filter(user=user, tos=tos, scope=Scope.TOS, revoked_at__isnull=True).values_list(
            "role", flat=True
        )
    )
    if Membership.objects.filter(user=user, tos=tos, status=MembershipStatus.ACTIVE).exists():
        roles.add(Role.TOS_MEMBER.value)
    return roles


def active_consent(user, kind: str) -> Consent | None:
    return Consent.objects.filter(user=user, kind=kind, withdrawn_at__isnull=True).first()


def user_consents(user) -> QuerySet[Consent]:
    return Consent.objects.filter(user=user).order_by("kind", "-granted_at")


def has_publication_consent(user) -> bool:
    return Consent.objects.filter(user=user, kind=ConsentKind.PUBLICATION, withdrawn_at__isnull=True).exists()


def public_name(user) -> str:
    """The name to show in public lists: only with an active consent to publication (ст. 10.1 152-ФЗ)."""
    if user is None or getattr(user, "anonymised_at", None) or not user.full_name:
        return HIDDEN_NAME
    if not has_publication_consent(user):
        return HIDDEN_NAME
    return user.full_name
