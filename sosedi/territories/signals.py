"""Bump the content versions of the cached public pages whenever what they show changes
(sosedi.core.pagecache): the registry scope for ТОС rows and what lists and the API show, a ТОС's own scope
for what only its page adds."""

from django.db.models.signals import m2m_changed, post_delete, post_save
from django.dispatch import receiver

from sosedi.accounts.models import Consent, RoleAssignment, User
from sosedi.core.pagecache import REGISTRY, bump_content_version, tos_scope

from .models import BoundaryDecision, Membership, Municipality, Tos


def _bump_tos_pages_of(user_id) -> None:
    """A person's name or consent shows only on the pages of the ТОС where they hold a position."""
    tos_ids = RoleAssignment.objects.filter(user_id=user_id, tos__isnull=False, revoked_at__isnull=True).values_list(
        "tos_id", flat=True
    )
    for tos_id in set(tos_ids):
        bump_content_version(tos_scope(tos_id))


@receiver(post_save)
@receiver(post_delete)
def _public_content_changed(sender, instance, **kwargs):
    if sender in (Tos, Municipality):
        bump_content_version(REGISTRY)
    elif sender is BoundaryDecision:
        # Shown in the API's ТОС card (registry scope) and on the ТОС page.
        bump_content_version(REGISTRY)
        bump_content_version(tos_scope(instance.tos_id))
    elif sender is Membership or (sender is RoleAssignment and instance.tos_id):
        bump_content_version(tos_scope(instance.tos_id))
    elif sender is Consent:
        _bump_tos_pages_of(instance.user_id)
    elif sender is User:
        fields = kwargs.get("update_fields")
        # A login only touches last_login; names shown on ТОС pages change through other fields.
        if not fields or set(fields) - {"last_login"}:
            _bump_tos_pages_of(instance.pk)


@receiver(m2m_changed, sender=Tos.directions.through)
def _directions_changed(sender, action, **kwargs):
    if action.startswith("post_"):
        bump_content_version(REGISTRY)
