"""Reads of the initiatives capability: querysets with their relations loaded, so a list page costs the same
number of queries whatever the number of rows."""

from dataclasses import dataclass
from datetime import date

from django.db.models import Count, Exists, OuterRef, Q, QuerySet
from django.utils import timezone

from sosedi.accounts.models import Role, RoleAssignment

from .models import (
    Idea,
    IdeaStatus,
    IdeaSupport,
    InitiativeProject,
    ProjectStatus,
    Signature,
    SignatureSource,
)

PAGE_SIZE = 50


def _filters(qs: QuerySet, *, direction=None, municipality=None, tos=None) -> QuerySet:
    if direction is not None:
        qs = qs.filter(direction=direction)
    if municipality is not None:
        qs = qs.filter(municipality=municipality)
    if tos is not None:
        qs = qs.filter(tos=tos)
    return qs


def idea_list(*, user=None, direction=None, municipality=None, tos=None, status: str = "") -> QuerySet[Idea]:
    qs = Idea.objects.select_related("municipality", "tos", "direction").annotate(
        support_count=Count("supports", distinct=True)
    )
    qs = _filters(qs, direction=direction, municipality=municipality, tos=tos)
    if status in IdeaStatus.values:
        qs = qs.filter(status=status)
    else:
        qs = qs.exclude(status=IdeaStatus.ARCHIVED)
    if user is not None and user.is_authenticated:
        qs = qs.annotate(supported=Exists(IdeaSupport.objects.filter(idea=OuterRef("pk"), user=user)))
    return qs.order_by("-created_at", "-id")


def idea_detail(pk: int, *, user=None) -> Idea | None:
    qs = (
        Idea.objects.select_related("author", "municipality", "tos", "direction")
        .prefetch_related("photos", "projects")
        .annotate(support_count=Count("supports", distinct=True))
    )
    if user is not None and user.is_authenticated:
        qs = qs.annotate(supported=Exists(IdeaSupport.objects.filter(idea=OuterRef("pk"), user=user)))
    return qs.filter(pk=pk).first()


def idea_comments(idea: Idea) -> QuerySet:
    return idea.comments.select_related("author")


def _visible_projects(user) -> QuerySet[InitiativeProject]:
    qs = InitiativeProject.objects.all()
    if user is None or not user.is_authenticated:
        return qs.public()
    if (
        user.is_superuser
        or RoleAssignment.objects.filter(user=user, role=Role.ADMINISTRATOR, revoked_at__isnull=True).exists()
    ):
        return qs
    # Drafts are the initiators' working copies: their own, their group's, their ТОС's.
    from sosedi.accounts.models import Scope

    led_tos = RoleAssignment.objects.filter(
        user=user, scope=Scope.TOS, role__in=[Role.CHAIR, Role.SECRETARY], revoked_at__isnull=True
    ).values("tos")
    mine = (
        Q(created_by=user)
        | Q(group_members__user=user, group_members__confirmed_at__isnull=False)
        | Q(initiator_kind="tos_body", tos__in=led_tos)
    )
    return qs.filter(~Q(status=ProjectStatus.DRAFT) | mine).distinct()


def _with_support(qs: QuerySet) -> QuerySet:
    return qs.annotate(
        signatures_online=Count("signatures", filter=Q(signatures__source=SignatureSource.ONLINE), distinct=True),
        signatures_paper=Count("signatures", filter=Q(signatures__source=SignatureSource.PAPER), distinct=True),
    )


def project_list(*, user=None, direction=None, municipality=None, tos=None, status: str = "") -> QuerySet:
    qs = _visible_projects(user).select_related("municipality", "tos", "direction")
    qs = _filters(qs, direction=direction, municipality=municipality, tos=tos)
    if status in ProjectStatus.values:
        qs = qs.filter(status=status)
    return _with_support(qs).order_by("-created_at", "-id")


def project_detail(pk: int, *, user=None) -> InitiativeProject | None:
    qs = _visible_projects(user).select_related(
        "municipality__parent", "tos", "direction", "idea", "created_by", "decided_by", "meeting_item__meeting"
    )
    return _with_support(qs).filter(pk=pk).first()


def project_for_action(pk: int) -> InitiativeProject | None:
    """A fresh row for a write: permission is checked by the service, never by visibility here."""
    return InitiativeProject.objects.select_related("municipality__parent", "tos", "created_by").filter(pk=pk).first()


def group_members(project: InitiativeProject) -> QuerySet:
    return project.group_members.select_related("user").order_by("id")


def signatures(project: InitiativeProject) -> QuerySet[Signature]:
    return project.signatures.select_related("entered_by").order_by("id")


def remarks(project: InitiativeProject) -> QuerySet:
    return project.remarks.select_related("author")


@dataclass(frozen=True)
class ReviewRow:
    project: InitiativeProject
    due: date | None
    what: str
    late: bool


def review_queue(user, *, today: date | None = None) -> list[ReviewRow]:
    """The official's screen: projects under review in their municipalities, with what is due next and whether
    it is late (publication within N working days, a decision within N days of submission)."""
    today = today or timezone.localdate()
    qs = InitiativeProject.objects.under_review().select_related("municipality", "tos", "direction")
    if not (
        user.is_superuser
        or RoleAssignment.objects.filter(user=user, role=Role.ADMINISTRATOR, revoked_at__isnull=True).exists()
    ):
        municipalities = RoleAssignment.objects.filter(
            user=user, role=Role.MUNICIPAL_OFFICIAL, revoked_at__isnull=True
        ).values("municipality")
        qs = qs.filter(Q(municipality__in=municipalities) | Q(municipality__parent__in=municipalities))
    rows = []
    for project in qs.order_by("review_deadline", "id"):
        if project.status == ProjectStatus.SUBMITTED:
            rows.append(
                ReviewRow(project, project.publication_deadline, "publish", today > project.publication_deadline)
            )
        else:
            rows.append(ReviewRow(project, project.review_deadline, "decide", today > project.review_deadline))
    rows.sort(key=lambda r: (not r.late, r.due or today))
    return rows


def map_points(*, direction=None, municipality=None, tos=None, user=None, limit: int = 1000) -> list[dict]:
    """Ideas and public projects with a point, for the map (the list below the map shows the same items)."""
    ideas = _filters(
        Idea.objects.exclude(status=IdeaStatus.ARCHIVED), direction=direction, municipality=municipality, tos=tos
    )
    projects = _filters(InitiativeProject.objects.public(), direction=direction, municipality=municipality, tos=tos)
    points = [
        {"kind": "idea", "id": pk, "title": title, "lat": lat, "lon": lon, "url": f"/initiatives/ideas/{pk}/"}
        for pk, title, lat, lon in ideas.filter(lat__isnull=False)
        .order_by("-created_at")
        .values_list("pk", "title", "lat", "lon")[:limit]
    ]
    status_labels = dict(ProjectStatus.choices)
    points += [
        {
            "kind": "project",
            "id": pk,
            "title": title,
            "status": str(status_labels[status]),
            "lat": lat,
            "lon": lon,
            "url": f"/initiatives/{pk}/",
        }
        for pk, title, status, lat, lon in projects.filter(lat__isnull=False)
        .order_by("-created_at")
        .values_list("pk", "title", "status", "lat", "lon")[:limit]
    ]
    return points
