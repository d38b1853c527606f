"""Bump the public content version whenever something a public page shows changes (sosedi.core.pagecache)."""

from django.db.models.signals import m2m_changed, post_delete, post_save
from django.dispatch import receiver

from sosedi.accounts.models import Consent, RoleAssignment, User
from sosedi.core.pagecache import bump_content_version

from .models import BoundaryDecision, Membership, Municipality, Tos

PUBLIC_MODELS = (Tos, BoundaryDecision, Membership, Municipality, RoleAssignment, Consent)


@receiver(post_save)
@receiver(post_delete)
def _public_content_changed(sender, **kwargs):
    if sender in PUBLIC_MODELS:
        bump_content_version()
    elif sender is User:
        fields = kwargs.get("update_fields")
        # A login only touches last_login; names shown on ТОС pages change through other fields.
        if not fields or set(fields) - {"last_login"}:
            bump_content_version()


@receiver(m2m_changed, sender=Tos.directions.through)
def _directions_changed(sender, action, **kwargs):
    if action.startswith("post_"):
        bump_content_version()
