import pytest
from django.core.management import call_command

from sosedi.accounts.models import Consent, Role, RoleAssignment, User
from sosedi.core.audit import audit_verify
from sosedi.territories.geometry import overlaps, parse_boundary
from sosedi.territories.models import Membership, Tos, TosStatus

pytestmark = pytest.mark.django_db


def _counts():
    return (Tos.objects.count(), User.objects.count(), Membership.objects.count(), RoleAssignment.objects.count())


def test_demo_is_idempotent_and_tells_the_whole_story(client):
    call_command("load_demo")
    first = _counts()
    call_command("load_demo")
    assert _counts() == first

    tos = list(Tos.objects.all())
    assert len(tos) >= 20
    assert len({t.municipality_id for t in tos}) >= 4
    assert {t.status for t in tos} == set(TosStatus.values)
    assert any(t.is_legal_entity for t in tos)
    shapes = [parse_boundary(t.boundary) for t in tos]
    assert not any(overlaps(a, b) for i, a in enumerate(shapes) for b in shapes[i + 1 :])

    roles = set(RoleAssignment.objects.values_list("role", flat=True))
    assert roles >= set(Role.values) - {Role.RESIDENT, Role.TOS_MEMBER}
    assert (
        Membership.objects.filter(status="active").exists() and Membership.objects.filter(status="requested").exists()
    )
    assert Consent.objects.filter(kind="processing").count() == User.objects.count()
    assert audit_verify().ok

    assert client.login(email="chair@demo.sosedi.ru", password="sosedi-demo-2026")


def test_demo_logins_printed(capsys):
    call_command("demo_logins")
    out = capsys.readouterr().out
    assert "chair@demo.sosedi.ru" in out and "sosedi-demo-2026" in out
