"""Every cell of the knowledge table in docs/permissions.md, checked against has_perm for a person holding exactly
that role, with the material put in the state the row names."""

import pytest
import rules
from django.contrib.auth.models import AnonymousUser

from sosedi.accounts.tests.test_permission_matrix import DOC, Cell, _person_with, parse_matrix
from sosedi.knowledge import services
from sosedi.knowledge.models import MaterialState
from sosedi.territories.tests.factories import TosFactory, municipality

from .factories import draft, editor, published

CELLS = parse_matrix(DOC.read_text(encoding="utf-8"), header="| Действие с материалом |")


def test_the_table_covers_every_knowledge_permission():
    registered = {name for name in rules.permissions.permissions if name.startswith("knowledge.")}
    assert registered == {cell.perm for cell in CELLS}


def _material(state: str):
    if state == "без объекта":
        return None
    if state == "черновик":
        return draft()
    if state == "на проверке":
        m = draft()
        services.material_submit(actor=m.created_by, material=m)
        return m
    m = published()
    if state == "опубликован, правится":
        services.material_update(actor=m.created_by, material=m, body="<p>Новая редакция.</p>")
        assert m.state == MaterialState.DRAFT and m.published_version_id
    return m


@pytest.mark.django_db
@pytest.mark.parametrize("cell", CELLS, ids=lambda c: f"{c.perm}|{c.target}|{c.role.value}")
def test_cell_matches_has_perm(cell: Cell):
    home = municipality()
    tos = TosFactory(municipality=home)
    user = _person_with(cell.role, tos=tos, municipality_=home)
    target = _material(cell.target)
    assert user.has_perm(cell.perm, target) is cell.allowed, f"docs/permissions.md says {cell.text!r}"


@pytest.mark.django_db
def test_anonymous_reads_published_only_and_does_nothing_else():
    anonymous = AnonymousUser()
    public, unpublished = published(), draft(editor())
    assert anonymous.has_perm("knowledge.view_material", public)
    assert not anonymous.has_perm("knowledge.view_material", unpublished)
    for perm in ("add_material", "view_history", "ask_question", "answer_question"):
        assert not anonymous.has_perm(f"knowledge.{perm}")
    for perm in ("change_material", "submit_material", "publish_material", "mark_outdated"):
        assert not anonymous.has_perm(f"knowledge.{perm}", public)
        assert not anonymous.has_perm(f"knowledge.{perm}", unpublished)
