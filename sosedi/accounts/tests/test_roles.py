import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.urls import reverse

from sosedi.accounts.models import Role, RoleAssignment
from sosedi.accounts.selectors import active_roles, user_tos_roles
from sosedi.accounts.services import role_grant, role_revoke
from sosedi.accounts.tests.factories import ResidentFactory, UserFactory, grant, member
from sosedi.core.models import AuditEvent
from sosedi.notifications.models import Notification
from sosedi.territories.models import TosStatus
from sosedi.territories.tests.factories import TosFactory, municipality, saratov_region

pytestmark = pytest.mark.django_db


@pytest.fixture
def tos():
    return TosFactory(municipality=municipality())


@pytest.fixture
def admin():
    return UserFactory(is_superuser=True)


@pytest.fixture
def official(tos):
    user = UserFactory()
    grant(user, Role.MUNICIPAL_OFFICIAL, municipality=tos.municipality)
    return user


@pytest.fixture
def chair(tos):
    user = member(tos).user
    grant(user, Role.CHAIR, tos=tos)
    return user


def test_administrator_grants_regional_and_municipal_roles(admin):
    person = UserFactory()
    a = role_grant(actor=admin, user=person, role=Role.EXPERT, region=saratov_region())
    b = role_grant(actor=admin, user=person, role=Role.DEPUTY, municipality=municipality())
    assert {r.pk for r in active_roles(person)} == {a.pk, b.pk}
    assert a.granted_by == admin
    assert AuditEvent.objects.filter(action="role.grant").count() == 2
    assert Notification.objects.filter(user=person, kind="role.grant").count() == 2


def test_official_appoints_chair_in_own_municipality_only(official, tos):
    person = member(tos).user
    role_grant(actor=official, user=person, role=Role.CHAIR, tos=tos)
    assert user_tos_roles(person, tos) == {"chair", "tos_member"}
    elsewhere = TosFactory(municipality=municipality("Энгельсский муниципальный район"))
    other_member = member(elsewhere).user
    with pytest.raises(PermissionDenied):
        role_grant(actor=official, user=other_member, role=Role.CHAIR, tos=elsewhere)
    with pytest.raises(PermissionDenied):
        role_grant(actor=official, user=UserFactory(), role=Role.DEPUTY, municipality=tos.municipality)


def test_chair_appoints_secretary_and_council_but_not_chair(chair, tos):
    secretary, councillor, rival = member(tos).user, member(tos).user, member(tos).user
    role_grant(actor=chair, user=secretary, role=Role.SECRETARY, tos=tos)
    role_grant(actor=chair, user=councillor, role=Role.COUNCIL_MEMBER, tos=tos)
    assert user_tos_roles(secretary, tos) == {"secretary", "tos_member"}
    with pytest.raises(PermissionDenied):
        role_grant(actor=chair, user=rival, role=Role.CHAIR, tos=tos)
    other_tos = TosFactory()
    with pytest.raises(PermissionDenied):
        role_grant(actor=chair, user=member(other_tos).user, role=Role.SECRETARY, tos=other_tos)


@pytest.mark.parametrize("role", [Role.SECRETARY, Role.COUNCIL_MEMBER])
def test_plain_member_and_secretary_cannot_appoint(role, tos):
    person = member(tos).user
    if role == Role.SECRETARY:
        grant(person, role, tos=tos)
    with pytest.raises(PermissionDenied):
        role_grant(actor=person, user=member(tos).user, role=Role.COUNCIL_MEMBER, tos=tos)


def test_only_members_can_be_appointed(chair, tos):
    with pytest.raises(ValidationError) as info:
        role_grant(actor=chair, user=ResidentFactory(), role=Role.COUNCIL_MEMBER, tos=tos)
    assert "участника" in info.value.message_dict["user"][0]


def test_one_chair_and_one_secretary_per_tos(admin, chair, tos):
    with pytest.raises(ValidationError):
        role_grant(actor=admin, user=member(tos).user, role=Role.CHAIR, tos=tos)
    # The database holds the line even when the service is bypassed.
    with pytest.raises(IntegrityError), transaction.atomic():
        grant(member(tos).user, Role.CHAIR, tos=tos)
    role_grant(actor=admin, user=member(tos).user, role=Role.COUNCIL_MEMBER, tos=tos)
    role_grant(actor=admin, user=member(tos).user, role=Role.COUNCIL_MEMBER, tos=tos)


def test_same_role_twice_is_refused(admin):
    person = UserFactory()
    role_grant(actor=admin, user=person, role=Role.EXPERT, region=saratov_region())
    with pytest.raises(ValidationError):
        role_grant(actor=admin, user=person, role=Role.EXPERT, region=saratov_region())


@pytest.mark.parametrize("role", [Role.RESIDENT, Role.TOS_MEMBER])
def test_resident_and_member_are_not_granted(admin, tos, role):
    with pytest.raises(ValidationError):
        role_grant(actor=admin, user=member(tos).user, role=role, tos=tos)


def test_role_needs_its_own_scope(admin, tos):
    with pytest.raises(ValidationError):
        role_grant(actor=admin, user=UserFactory(), role=Role.MUNICIPAL_OFFICIAL, tos=tos)
    with pytest.raises(ValidationError):
        role_grant(actor=admin, user=UserFactory(), role=Role.CHAIR, municipality=tos.municipality)


def test_no_appointments_in_a_liquidated_tos_except_by_administrator(official, chair, tos, admin):
    person = member(tos).user
    tos.status = TosStatus.LIQUIDATED
    tos.save()
    with pytest.raises(PermissionDenied):
        role_grant(actor=chair, user=person, role=Role.COUNCIL_MEMBER, tos=tos)
    with pytest.raises(PermissionDenied):
        role_grant(actor=official, user=person, role=Role.COUNCIL_MEMBER, tos=tos)
    role_grant(actor=admin, user=person, role=Role.COUNCIL_MEMBER, tos=tos)


def test_revoke_follows_the_same_rights(chair, tos, official):
    councillor = member(tos).user
    assignment = role_grant(actor=chair, user=councillor, role=Role.COUNCIL_MEMBER, tos=tos)
    with pytest.raises(PermissionDenied):
        role_revoke(actor=councillor, assignment=assignment)
    role_revoke(actor=chair, assignment=assignment)
    assert assignment.revoked_at is not None
    assert user_tos_roles(councillor, tos) == {"tos_member"}
    with pytest.raises(ValidationError):
        role_revoke(actor=chair, assignment=assignment)
    chair_assignment = RoleAssignment.objects.get(role=Role.CHAIR, tos=tos)
    with pytest.raises(PermissionDenied):
        role_revoke(actor=chair, assignment=chair_assignment)
    role_revoke(actor=official, assignment=chair_assignment)
    assert AuditEvent.objects.filter(action="role.revoke").count() == 2


def test_members_page_lets_the_chair_appoint_from_members(client, chair, tos):
    candidate = member(tos, ResidentFactory(last_name="Кузнецова")).user
    outsider = ResidentFactory(last_name="Посторонний")
    client.force_login(chair)
    page = client.get(reverse("membership:members", args=[tos.pk]))
    html = page.content.decode()
    assert page.status_code == 200
    assert "Кузнецова" in html and "Посторонний" not in html
    assert 'value="chair"' not in html  # the chair cannot appoint another chair
    response = client.post(reverse("membership:members", args=[tos.pk]), {"user": candidate.pk, "role": Role.SECRETARY})
    assert response.status_code == 302
    assert user_tos_roles(candidate, tos) == {"secretary", "tos_member"}
    response = client.post(reverse("membership:members", args=[tos.pk]), {"user": outsider.pk, "role": "secretary"})
    assert response.status_code == 400
    assert "user" in response.context["form"].errors


def test_members_page_is_closed_to_plain_members(client, tos):
    person = member(tos).user
    client.force_login(person)
    assert client.get(reverse("membership:members", args=[tos.pk])).status_code == 403


def test_revoke_from_members_page(client, chair, tos):
    councillor = member(tos).user
    assignment = role_grant(actor=chair, user=councillor, role=Role.COUNCIL_MEMBER, tos=tos)
    client.force_login(chair)
    html = client.get(reverse("membership:members", args=[tos.pk])).content.decode()
    chair_assignment = RoleAssignment.objects.get(tos=tos, role=Role.CHAIR)
    assert reverse("membership:revoke_role", args=[assignment.pk]) in html
    assert reverse("membership:revoke_role", args=[chair_assignment.pk]) not in html
    assert client.post(reverse("membership:revoke_role", args=[chair_assignment.pk])).status_code == 403
    assert client.post(reverse("membership:revoke_role", args=[assignment.pk])).status_code == 302
    assignment.refresh_from_db()
    assert assignment.revoked_at is not None
