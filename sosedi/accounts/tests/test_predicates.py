import pytest
from django.contrib.auth.models import AnonymousUser
from django.utils import timezone

from sosedi.accounts import predicates as p
from sosedi.accounts.models import Role
from sosedi.accounts.tests.factories import ResidentFactory, UserFactory, grant, member
from sosedi.territories.models import Municipality, MunicipalityKind, TosStatus
from sosedi.territories.tests.factories import TosFactory, municipality, saratov_region

pytestmark = pytest.mark.django_db

ENGELS = "Энгельсский муниципальный район"


@pytest.fixture
def tos():
    return TosFactory(municipality=municipality())


@pytest.fixture
def other_tos():
    return TosFactory(municipality=municipality(ENGELS))


def test_administrator_is_superuser_or_active_administrator_role():
    assert p.is_administrator(UserFactory(is_superuser=True))
    admin = UserFactory()
    assignment = grant(admin, Role.ADMINISTRATOR, region=saratov_region())
    assert p.is_administrator(admin)
    assignment.revoked_at = timezone.now()
    assignment.save()
    # Roles are read once per user object (one request); the next request loads the person afresh.
    assert not p.is_administrator(type(admin).objects.get(pk=admin.pk))
    assert not p.is_administrator(UserFactory())
    assert not p.is_administrator(AnonymousUser())


def test_deactivated_superuser_is_not_administrator():
    assert not p.is_administrator(UserFactory(is_superuser=True, is_active=False))


def test_association_staff_and_expert_are_regional_roles():
    staff, expert = UserFactory(), UserFactory()
    grant(staff, Role.ASSOCIATION_STAFF, region=saratov_region())
    grant(expert, Role.EXPERT, region=saratov_region())
    assert p.is_association_staff(staff) and not p.is_association_staff(expert)
    assert p.is_expert(expert) and not p.is_expert(staff)
    assert not p.is_association_staff(AnonymousUser())


def test_municipal_official_acts_on_own_municipality_and_its_tos_only(tos, other_tos):
    official = UserFactory()
    grant(official, Role.MUNICIPAL_OFFICIAL, municipality=tos.municipality)
    assert p.is_municipal_official_for(official, tos.municipality)
    assert p.is_municipal_official_for(official, tos)
    assert not p.is_municipal_official_for(official, other_tos)
    assert not p.is_municipal_official_for(official, other_tos.municipality)
    assert not p.is_municipal_official_for(official, None)
    # A deputy of the same municipality is not an official.
    deputy = UserFactory()
    grant(deputy, Role.DEPUTY, municipality=tos.municipality)
    assert not p.is_municipal_official_for(deputy, tos)
    assert p.is_deputy_for(deputy, tos) and p.is_deputy_for(deputy, tos.municipality)
    assert not p.is_deputy_for(deputy, other_tos)
    assert not p.is_deputy_for(official, tos)


def test_district_official_covers_settlements_of_the_district():
    district = municipality(ENGELS)
    settlement = Municipality.objects.create(
        region=district.region,
        parent=district,
        name="Тестовое сельское поселение",
        kind=MunicipalityKind.RURAL_SETTLEMENT,
    )
    settlement_tos = TosFactory(municipality=settlement)
    district_official, settlement_official = UserFactory(), UserFactory()
    grant(district_official, Role.MUNICIPAL_OFFICIAL, municipality=district)
    grant(settlement_official, Role.MUNICIPAL_OFFICIAL, municipality=settlement)
    assert p.is_municipal_official_for(district_official, settlement_tos)
    assert p.is_municipal_official_for(settlement_official, settlement_tos)
    # …but not upwards: a settlement official has no say over the district's other ТОС.
    assert not p.is_municipal_official_for(settlement_official, TosFactory(municipality=district))


@pytest.mark.parametrize(
    ("role", "predicate"),
    [
        (Role.CHAIR, p.is_tos_chair),
        (Role.SECRETARY, p.is_tos_secretary),
        (Role.COUNCIL_MEMBER, p.is_tos_council_member),
    ],
)
def test_tos_positions_hold_in_their_tos_only(role, predicate, tos, other_tos):
    person = UserFactory()
    assignment = grant(person, role, tos=tos)
    assert predicate(person, tos)
    assert not predicate(person, other_tos)
    assert not predicate(person, tos.municipality)
    assert not predicate(UserFactory(), tos)
    assert not predicate(AnonymousUser(), tos)
    assignment.revoked_at = timezone.now()
    assignment.save()
    assert not predicate(type(person).objects.get(pk=person.pk), tos)


def test_positions_are_distinct(tos):
    chair = UserFactory()
    grant(chair, Role.CHAIR, tos=tos)
    assert not p.is_tos_secretary(chair, tos)
    assert not p.is_tos_council_member(chair, tos)
    assert p.is_tos_leader(chair, tos)
    assert p.is_tos_body(chair, tos)


def test_member_means_active_membership(tos, other_tos):
    person = ResidentFactory()
    membership = member(tos, person, status="requested")
    assert not p.is_tos_member(person, tos)
    assert p.has_current_membership(person, tos)
    membership.status = "active"
    membership.save()
    assert p.is_tos_member(person, tos)
    assert not p.is_tos_member(person, other_tos)
    membership.status = "left"
    membership.save()
    assert not p.is_tos_member(person, tos)
    assert not p.has_current_membership(person, tos)
    assert not p.is_tos_member(AnonymousUser(), tos)


def test_liquidated_tos_does_not_accept_members(tos):
    person = UserFactory()
    assert p.tos_accepts_members(person, tos)
    tos.status = TosStatus.LIQUIDATED
    assert not p.tos_accepts_members(person, tos)
    assert not p.tos_accepts_members(person, tos.municipality)


def test_is_tos_object(tos):
    assert p.is_tos_object(None, tos)
    assert not p.is_tos_object(None, tos.municipality)
    assert not p.is_tos_object(None, None)
