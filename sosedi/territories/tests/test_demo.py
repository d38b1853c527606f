import pytest
from django.core.management import call_command

from sosedi.accounts.models import Consent, Role, RoleAssignment, User
from sosedi.core.audit import audit_verify
from sosedi.notifications.models import Notification
from sosedi.territories.demo import story
from sosedi.territories.geometry import overlaps, parse_boundary
from sosedi.territories.management.commands.demo_logins import LOGINS
from sosedi.territories.management.commands.load_demo import demo_inn, demo_ogrn, demo_phone
from sosedi.territories.models import BoundaryDecision, Membership, Tos, TosStatus
from sosedi.territories.validators import is_valid_inn, is_valid_ogrn

pytestmark = pytest.mark.django_db


def _counts():
    return (
        Tos.objects.count(),
        User.objects.count(),
        Membership.objects.count(),
        RoleAssignment.objects.count(),
        Consent.objects.count(),
        BoundaryDecision.objects.count(),
        Notification.objects.count(),
    )


@pytest.fixture
def demo():
    call_command("load_demo")


def test_second_load_changes_nothing(demo):
    first = _counts()
    before = list(Tos.objects.order_by("pk").values("pk", "name", "status", "boundary", "contact_phone"))
    call_command("load_demo")
    assert _counts() == first
    assert list(Tos.objects.order_by("pk").values("pk", "name", "status", "boundary", "contact_phone")) == before
    assert audit_verify().ok


def test_registry_spans_municipalities_and_every_status(demo):
    tos = list(Tos.objects.select_related("municipality"))
    assert len(tos) >= 20
    assert len({t.municipality_id for t in tos}) >= 4
    assert {t.status for t in tos} == set(TosStatus.values)
    assert [t.status for t in tos].count(TosStatus.LIQUIDATED) == 1
    for t in tos:
        assert t.residents_16plus and t.residents_as_of
        assert t.directions.exists()
        if t.status == TosStatus.REGISTERED:
            assert t.charter_reg_number and t.charter_reg_date and t.founded_on
            assert t.boundary_decisions.exists()
    legal = [t for t in tos if t.is_legal_entity]
    assert len(legal) >= 2
    assert all(is_valid_inn(t.inn) and is_valid_ogrn(t.ogrn) for t in legal)
    assert any(t.territory_type == "rural_settlement" for t in tos)


def test_boundaries_are_valid_do_not_overlap_and_lie_in_the_region(demo):
    tos = list(Tos.objects.all())
    shapes = [parse_boundary(t.boundary) for t in tos]
    assert not any(overlaps(a, b) for i, a in enumerate(shapes) for b in shapes[i + 1 :])
    for shape in shapes:
        min_lon, min_lat, max_lon, max_lat = shape.bounds
        # Саратовская область lies within about 49.8–53.2° N and 42.5–50.8° E.
        assert 49.8 < min_lat < max_lat < 53.2 and 42.5 < min_lon < max_lon < 50.8
        # "A few hundred metres" to a village: between 0.1 and 2 km across.
        assert 0.001 < max_lat - min_lat < 0.02


def test_every_role_has_people_and_the_story_has_open_tasks(demo):
    roles = set(RoleAssignment.objects.filter(revoked_at__isnull=True).values_list("role", flat=True))
    # Residents and ТОС members are who a person is (an account, a membership), not granted roles.
    assert roles >= set(Role.values) - {Role.RESIDENT, Role.TOS_MEMBER}
    assert RoleAssignment.objects.filter(role=Role.CHAIR).values("tos").distinct().count() >= 3
    assert RoleAssignment.objects.filter(role=Role.SECRETARY).values("tos").distinct().count() >= 2
    officials = RoleAssignment.objects.filter(role=Role.MUNICIPAL_OFFICIAL).values_list("municipality__name", flat=True)
    assert set(officials) >= {"город Саратов", "Энгельсский муниципальный район"}
    assert User.objects.get(email="admin@demo.sosedi.ru").is_superuser
    assert Membership.objects.filter(status="active").count() >= 30
    pending = Membership.objects.get(user__email="resident@demo.sosedi.ru")
    assert pending.status == "requested"
    # The chair was told about the waiting request.
    chair = User.objects.get(email="chair@demo.sosedi.ru")
    assert Notification.objects.filter(user=chair, kind="membership.requested").exists()


def test_everyone_consented_and_demo_logins_work(demo, client):
    assert Consent.objects.filter(kind="processing").values("user").distinct().count() == User.objects.count()
    for _, email in LOGINS:
        assert client.login(email=email, password=story.PASSWORD), email
        client.logout()


def test_demo_logins_printed(capsys, monkeypatch):
    monkeypatch.setenv("PORT", "8123")
    call_command("demo_logins")
    out = capsys.readouterr().out
    assert "http://127.0.0.1:8123/" in out
    assert story.PASSWORD in out
    for role, email in LOGINS:
        assert role in out and email in out


def test_demo_numbers_pass_the_checksums_and_phones_cannot_ring():
    assert is_valid_inn(demo_inn("645000123")) and is_valid_ogrn(demo_ogrn("122640000012"))
    # A wrong last digit must fail, so the check above is not vacuous.
    inn = demo_inn("645000123")
    assert not is_valid_inn(inn[:-1] + str((int(inn[-1]) + 1) % 10))
    phone = demo_phone("solnechny")
    assert phone == demo_phone("solnechny") and phone.startswith("+7 8452 0")
