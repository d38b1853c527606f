"""Bump the content version of the cached public lists and map of ideas and projects (sosedi.core.pagecache)
whenever a row they show or count changes: an idea, its supports, a project, its signatures. In the writer's
transaction, so a page rendered from data read before the change cannot outlive it. docs/decisions/0006."""

from django.db.models.signals import post_delete, post_save
from django.dispatch import receiver

from sosedi.core.pagecache import bump_content_version

from .models import Idea, IdeaSupport, InitiativeProject, Signature

INITIATIVES_SCOPE = "initiatives"
SHOWN = (Idea, IdeaSupport, InitiativeProject, Signature)


@receiver(post_save)
@receiver(post_delete)
def _shown_content_changed(sender, **kwargs):
    if sender in SHOWN:
        bump_content_version(INITIATIVES_SCOPE)
