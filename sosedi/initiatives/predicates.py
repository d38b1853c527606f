"""Who may do what with ideas and initiative projects: the roles of accounts.predicates applied to the
project's ТОС and municipality, and the project's status. The services check the finer legal conditions
(age, residence, deadlines) themselves."""

import rules

from sosedi.accounts.predicates import is_administrator, is_municipal_official_for, is_tos_leader

from .models import IdeaStatus, InitiatorKind, ProjectStatus


@rules.predicate
def is_signed_in(user) -> bool:
    return user.is_authenticated and user.is_active


@rules.predicate
def idea_is_open(user, idea) -> bool:
    return getattr(idea, "status", None) == IdeaStatus.OPEN


@rules.predicate
def idea_is_not_archived(user, idea) -> bool:
    return getattr(idea, "status", None) in (IdeaStatus.OPEN, IdeaStatus.IN_PROJECT)


@rules.predicate
def is_project_initiator(user, project) -> bool:
    """The person who drew the project up, a confirmed member of its initiative group, or — for a project of
    ТОС bodies — the chair or secretary of that ТОС."""
    if not user.is_authenticated or project is None:
        return False
    if project.created_by_id == user.pk:
        return True
    if project.initiator_kind == InitiatorKind.TOS_BODY and project.tos_id and is_tos_leader(user, project.tos):
        return True
    return project.group_members.filter(user=user, confirmed_at__isnull=False).exists()


@rules.predicate
def is_official_for_project(user, project) -> bool:
    return project is not None and is_municipal_official_for(user, project.municipality)


def _status_in(*statuses):
    @rules.predicate(name=f"project_status_in_{'_'.join(statuses)}")
    def check(user, project) -> bool:
        return getattr(project, "status", None) in statuses

    return check


project_is_draft = _status_in(ProjectStatus.DRAFT)
project_is_editable = _status_in(ProjectStatus.DRAFT, ProjectStatus.COLLECTING)
project_is_collecting = _status_in(ProjectStatus.COLLECTING)
project_is_under_review = _status_in(ProjectStatus.SUBMITTED, ProjectStatus.PUBLISHED)
project_is_published = _status_in(ProjectStatus.PUBLISHED)
project_is_being_built = _status_in(ProjectStatus.SUPPORTED, ProjectStatus.IMPLEMENTING, ProjectStatus.COMPLETED)

leads_project = is_administrator | is_project_initiator
reviews_project = is_administrator | is_official_for_project
