"""Every cell of the initiatives table in docs/permissions.md, checked against has_perm for a person holding
exactly that role, with the idea or project put in the status the row names, on a frozen clock."""

from datetime import UTC, datetime

import pytest
import rules
from django.contrib.auth.models import AnonymousUser
from freezegun import freeze_time

import config.urls  # noqa: F401  (the API builds its schemas on import; not under a frozen clock)
from sosedi.accounts.models import Role
from sosedi.accounts.tests.factories import UserFactory, grant
from sosedi.accounts.tests.test_permission_matrix import DOC, Cell, _person_with, parse_matrix
from sosedi.initiatives import services
from sosedi.initiatives.models import IdeaStatus, InitiativeProject, ProjectStatus
from sosedi.territories.tests.factories import TosFactory, municipality

from .factories import allow_signatures, idea, signed_by, tos_project

CELLS = parse_matrix(DOC.read_text(encoding="utf-8"), header="| Действие с инициативой |")
PROJECT_STATES = {str(label): value for value, label in ProjectStatus.choices}
IDEA_STATES = {f"идея: {label}": value for value, label in IdeaStatus.choices}
NOW = datetime(2026, 11, 25, 9, 0, tzinfo=UTC)


def test_the_table_covers_every_initiatives_permission():
    registered = {name for name in rules.permissions.permissions if name.startswith("initiatives.")}
    assert registered == {cell.perm for cell in CELLS}


def _project_in(status: str, tos, chair):
    """Through the services as far as the review goes; later statuses are set on the row, since what is checked
    here is the status, not the road to it."""
    project = tos_project(tos, chair)
    if status == ProjectStatus.DRAFT:
        return project
    services.project_open_support(actor=chair, project=project)
    if status != ProjectStatus.COLLECTING:
        allow_signatures(tos.municipality, min_signatures=1)
        signed_by(project, 1)
        services.project_submit(actor=chair, project=project)
    if status not in (ProjectStatus.COLLECTING, ProjectStatus.SUBMITTED):
        clerk = UserFactory()
        grant(clerk, Role.MUNICIPAL_OFFICIAL, municipality=tos.municipality)
        services.project_publish(actor=clerk, project=project)
    if status not in (ProjectStatus.COLLECTING, ProjectStatus.SUBMITTED, ProjectStatus.PUBLISHED):
        InitiativeProject.objects.filter(pk=project.pk).update(status=status)
    project = InitiativeProject.objects.select_related("municipality", "tos").get(pk=project.pk)
    assert project.status == status
    return project


def _target(name: str, *, tos, chair, other_tos, other_chair):
    if name == "без объекта":
        return None
    if name in IDEA_STATES:
        posted = idea(municipality=tos.municipality)
        posted.status = IDEA_STATES[name]
        posted.save()
        return posted
    for suffix in (" (чужой ТОС)", " (чужое МО)"):
        if name.endswith(suffix):
            return _project_in(PROJECT_STATES[name.removesuffix(suffix)], other_tos, other_chair)
    return _project_in(PROJECT_STATES[name], tos, chair)


@pytest.mark.django_db
@freeze_time(NOW)
@pytest.mark.parametrize("cell", CELLS, ids=lambda c: f"{c.perm}|{c.target}|{c.role.value}")
def test_cell_matches_has_perm(cell: Cell):
    home = municipality()
    tos = TosFactory(municipality=home)
    other_tos = TosFactory(municipality=municipality("Энгельсский муниципальный район"))
    chair, other_chair = UserFactory(), UserFactory()
    grant(chair, Role.CHAIR, tos=tos)
    grant(other_chair, Role.CHAIR, tos=other_tos)
    user = chair if cell.role == Role.CHAIR else _person_with(cell.role, tos=tos, municipality_=home)
    target = _target(cell.target, tos=tos, chair=chair, other_tos=other_tos, other_chair=other_chair)
    assert user.has_perm(cell.perm, target) is cell.allowed, f"docs/permissions.md says {cell.text!r}"


@pytest.mark.django_db
@freeze_time(NOW)
@pytest.mark.parametrize("status", list(ProjectStatus))
def test_anonymous_sees_everything_but_drafts_and_does_nothing_else(status):
    tos = TosFactory()
    chair = UserFactory()
    grant(chair, Role.CHAIR, tos=tos)
    project = _project_in(status, tos, chair)
    anonymous = AnonymousUser()
    assert anonymous.has_perm("initiatives.view_project", project) is (status != ProjectStatus.DRAFT)
    for perm in (
        "change_project",
        "manage_support",
        "sign_project",
        "submit_project",
        "review_project",
        "remark_project",
        "implement_project",
        "add_idea",
        "add_project",
    ):
        assert anonymous.has_perm(f"initiatives.{perm}", project) is False
