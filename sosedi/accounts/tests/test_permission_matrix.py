"""docs/permissions.md is the specification: every cell of its role × action table is checked here against
user.has_perm for a person holding exactly that role in the right scope, so the doc and the code cannot drift."""

import re
from dataclasses import dataclass
from pathlib import Path

import pytest
import rules
from django.conf import settings

from sosedi.accounts.models import Role
from sosedi.accounts.tests.factories import UserFactory, grant, member
from sosedi.territories.models import TosStatus
from sosedi.territories.tests.factories import TosFactory, municipality, saratov_region

DOC = Path(settings.BASE_DIR) / "docs" / "permissions.md"
OUR_PREFIXES = ("territories.", "accounts.", "core.")
TOS_POSITIONS = {Role.COUNCIL_MEMBER, Role.CHAIR, Role.SECRETARY}


@dataclass(frozen=True)
class Cell:
    perm: str
    target: str
    role: Role
    allowed: bool
    text: str


def _split(line: str) -> list[str]:
    return [part.strip() for part in line.strip().strip("|").split("|")]


def parse_matrix(text: str, header: str = "| Действие |") -> list[Cell]:
    lines = [line for line in text.splitlines() if line.startswith(header)]
    assert len(lines) == 1, "the doc must contain exactly one role × action table"
    start = text.splitlines().index(lines[0])
    body = text.splitlines()[start:]
    header = _split(body[0])
    by_label = {str(role.label): role for role in Role}
    roles = [by_label[label] for label in header[2:]]  # KeyError = a column that is not a role
    assert set(roles) == set(Role), "every one of the roles has a column"
    cells = []
    for line in body[2:]:
        if not line.startswith("|"):
            break
        parts = _split(line)
        assert len(parts) == len(header), line
        found = re.match(r"`([a-z_]+\.[a-z_]+)`", parts[0])
        assert found, f"the action cell must start with the permission code: {parts[0]}"
        for role, value in zip(roles, parts[2:], strict=True):
            assert value[:1] in ("✓", "—"), f"a cell starts with ✓ or —: {value!r} in {line}"
            cells.append(Cell(found.group(1), parts[1], role, value.startswith("✓"), value))
    return cells


CELLS = parse_matrix(DOC.read_text(encoding="utf-8"))


def test_the_table_covers_every_permission_of_the_platform():
    registered = {name for name in rules.permissions.permissions if name.startswith(OUR_PREFIXES)}
    documented = {cell.perm for cell in CELLS}
    assert registered - documented == set(), "permissions missing from docs/permissions.md"
    assert documented - registered == set(), "docs/permissions.md names permissions that do not exist"


def test_the_table_says_something():
    assert len(CELLS) >= 10 * 15
    assert any(c.allowed for c in CELLS) and any(not c.allowed for c in CELLS)


def _person_with(role: Role, *, tos, municipality_):
    """A person holding exactly `role`, in the ТОС / municipality / region the row is about."""
    user = UserFactory()
    if role == Role.RESIDENT:
        pass
    elif role == Role.TOS_MEMBER:
        member(tos, user)
    elif role in TOS_POSITIONS:
        # Positions are given to members only (role_grant checks it), so the holder is also a member.
        member(tos, user)
        grant(user, role, tos=tos)
    elif role in (Role.MUNICIPAL_OFFICIAL, Role.DEPUTY):
        grant(user, role, municipality=municipality_)
    else:
        grant(user, role, region=saratov_region())
    return user


def _target(name: str, *, tos, other_tos):
    """The object named in the "Объект" column, prepared in its state."""
    if name == "ТОС (действующий)":
        return tos
    if name == "ТОС (ликвидирован)":
        tos.status = TosStatus.LIQUIDATED
        tos.save(update_fields=["status"])
        return tos
    if name == "чужой ТОС":
        return other_tos
    if name == "МО (своё)":
        return tos.municipality
    if name == "МО (чужое)":
        return other_tos.municipality
    if name == "без объекта":
        return None
    raise AssertionError(f"unknown object in docs/permissions.md: {name!r}")


@pytest.mark.django_db
@pytest.mark.parametrize("cell", CELLS, ids=lambda c: f"{c.perm}|{c.target}|{c.role.value}")
def test_cell_matches_has_perm(cell: Cell):
    home = municipality()
    tos = TosFactory(municipality=home, status=TosStatus.FORMING)
    other_tos = TosFactory(municipality=municipality("Энгельсский муниципальный район"))
    user = _person_with(cell.role, tos=tos, municipality_=home)
    target = _target(cell.target, tos=tos, other_tos=other_tos)
    assert user.has_perm(cell.perm, target) is cell.allowed, f"docs/permissions.md says {cell.text!r}"
