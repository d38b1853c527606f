"""Every cell of the best-practice table in docs/permissions.md, checked against has_perm for a person holding
exactly that role, with the project or practice in the state the row names."""

import pytest
import rules
from django.contrib.auth.models import AnonymousUser

from sosedi.accounts.models import Role
from sosedi.accounts.tests.factories import UserFactory, grant
from sosedi.accounts.tests.test_permission_matrix import DOC, Cell, _person_with, parse_matrix
from sosedi.initiatives.models import ProjectStatus
from sosedi.practices.models import PracticeState
from sosedi.territories.tests.factories import TosFactory, municipality

from .factories import practice, reported_project

CELLS = parse_matrix(DOC.read_text(encoding="utf-8"), header="| Действие с практикой |")
PRACTICE_STATES = {f"практика: {label}": value for value, label in PracticeState.choices}


def test_the_table_covers_every_practices_permission():
    registered = {name for name in rules.permissions.permissions if name.startswith("practices.")}
    assert registered == {cell.perm for cell in CELLS}


def _target(name: str, *, tos, chair, other_tos, other_chair):
    if name == "без объекта":
        return None
    if name == "проект: отчёт опубликован":
        return reported_project(tos, chair)
    if name == "проект: реализован, готовится отчёт":
        return reported_project(tos, chair, status=ProjectStatus.COMPLETED)
    if name == "проект чужого ТОС: отчёт опубликован":
        return reported_project(other_tos, other_chair)
    if name in PRACTICE_STATES:
        return practice(reported_project(tos, chair), state=PRACTICE_STATES[name])
    raise AssertionError(f"unknown object in docs/permissions.md: {name!r}")


@pytest.mark.django_db
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
def test_anonymous_reads_the_catalogue_only():
    project = reported_project()
    anonymous = AnonymousUser()
    assert not anonymous.has_perm("practices.propose_practice", project)
    assert not anonymous.has_perm("practices.review_practices")
    proposed = practice(project)
    assert not anonymous.has_perm("practices.view_practice", proposed)
    assert not anonymous.has_perm("practices.decide_practice", proposed)
    proposed.state = PracticeState.ACCEPTED
    assert anonymous.has_perm("practices.view_practice", proposed)
