from datetime import date

import pytest
from django.contrib.auth.models import AnonymousUser
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.template.loader import render_to_string
from django.test import RequestFactory
from django.urls import reverse
from freezegun import freeze_time

from sosedi.accounts.models import Role, RoleAssignment
from sosedi.accounts.tests.factories import ResidentFactory, UserFactory, grant, member
from sosedi.core.models import AuditEvent
from sosedi.core.rulesets import rule
from sosedi.notifications.models import Notification
from sosedi.territories.memberships import (
    membership_confirm,
    membership_current,
    membership_leave,
    membership_reject,
    membership_request,
    memberships_pending,
    user_memberships,
)
from sosedi.territories.models import Membership, MembershipStatus, TosStatus
from sosedi.territories.tests.factories import TosFactory, municipality

pytestmark = pytest.mark.django_db
TODAY = date(2026, 5, 20)
ADDRESS = "г. Саратов, ул. Тестовая, д. 7, кв. 3"


@pytest.fixture
def tos():
    return TosFactory(municipality=municipality(), name="ТОС «Радуга»")


@pytest.fixture
def chair(tos):
    user = member(tos).user
    grant(user, Role.CHAIR, tos=tos)
    return user


@pytest.fixture
def secretary(tos):
    user = member(tos).user
    grant(user, Role.SECRETARY, tos=tos)
    return user


def min_age(tos) -> int:
    return int(rule("tos.min_age", municipality=tos.municipality).value)


def born_years_ago(years: int, *, days_later: int = 0) -> date:
    from datetime import timedelta

    return TODAY.replace(year=TODAY.year - years) + timedelta(days=days_later)


# --- requesting -------------------------------------------------------------------------------------------


def test_request_creates_pending_membership_and_tells_the_leaders(tos, chair, secretary):
    person = ResidentFactory()
    membership = membership_request(actor=person, tos=tos, address=f"  {ADDRESS} ", message="Живу с 2010 года")
    assert membership.status == MembershipStatus.REQUESTED
    assert membership.address == ADDRESS
    assert membership_current(person, tos) == membership
    assert list(memberships_pending(tos)) == [membership]
    for leader in (chair, secretary):
        note = Notification.objects.get(user=leader, kind="membership.requested")
        assert note.url == reverse("membership:pending", args=[tos.pk])
    assert AuditEvent.objects.filter(action="membership.request").exists()


@freeze_time(TODAY)
def test_age_boundary_15_years_364_days_refused_16_allowed(tos):
    years = min_age(tos)
    too_young = ResidentFactory(birth_date=born_years_ago(years, days_later=1))
    with pytest.raises(ValidationError) as info:
        membership_request(actor=too_young, tos=tos, address=ADDRESS)
    message = info.value.message_dict["birth_date"][0]
    assert f"достигшие {years} лет" in message
    assert rule("tos.min_age", municipality=tos.municipality).basis in message
    assert not Membership.objects.filter(user=too_young).exists()

    just_old_enough = ResidentFactory(birth_date=born_years_ago(years))
    assert membership_request(actor=just_old_enough, tos=tos, address=ADDRESS).status == MembershipStatus.REQUESTED


def test_birth_date_is_required_to_join(tos):
    person = ResidentFactory(birth_date=None)
    with pytest.raises(ValidationError) as info:
        membership_request(actor=person, tos=tos, address=ADDRESS)
    assert "дату рождения" in info.value.message_dict["birth_date"][0]


def test_address_is_required(tos):
    with pytest.raises(ValidationError) as info:
        membership_request(actor=ResidentFactory(), tos=tos, address="   ")
    assert "address" in info.value.message_dict


def test_liquidated_tos_refuses(tos):
    tos.status = TosStatus.LIQUIDATED
    tos.save()
    with pytest.raises(ValidationError) as info:
        membership_request(actor=ResidentFactory(), tos=tos, address=ADDRESS)
    assert "ликвидирован" in info.value.messages[0]


def test_duplicate_request_or_membership_is_refused(tos):
    person = ResidentFactory()
    membership_request(actor=person, tos=tos, address=ADDRESS)
    with pytest.raises(ValidationError) as info:
        membership_request(actor=person, tos=tos, address=ADDRESS)
    assert "уже подали заявку" in info.value.messages[0]
    Membership.objects.filter(user=person).update(status=MembershipStatus.ACTIVE)
    with pytest.raises(ValidationError):
        membership_request(actor=person, tos=tos, address=ADDRESS)
    assert Membership.objects.filter(user=person).count() == 1


def test_database_refuses_a_second_current_membership(tos):
    person = ResidentFactory()
    member(tos, person, status="requested")
    with pytest.raises(IntegrityError), transaction.atomic():
        member(tos, person, status="active")
    # History rows may repeat: a person who left may ask again.
    Membership.objects.filter(user=person).update(status=MembershipStatus.LEFT)
    member(tos, person, status="left")
    membership_request(actor=person, tos=tos, address=ADDRESS)


def test_anonymous_cannot_request(tos):
    with pytest.raises(PermissionDenied):
        membership_request(actor=AnonymousUser(), tos=tos, address=ADDRESS)


# --- deciding ---------------------------------------------------------------------------------------------


@pytest.fixture
def request_(tos):
    return membership_request(actor=ResidentFactory(), tos=tos, address=ADDRESS)


def test_chair_confirms_and_resident_becomes_member(tos, chair, request_):
    confirmed = membership_confirm(actor=chair, membership=request_, note="Проверено по списку дома")
    assert confirmed.status == MembershipStatus.ACTIVE
    assert confirmed.decided_by == chair and confirmed.decided_at is not None
    assert request_.user.has_perm("territories.view_members", tos) is False
    note = Notification.objects.get(user=request_.user, kind="membership.confirm")
    assert "Радуга" in note.title
    assert AuditEvent.objects.filter(action="membership.confirm", actor=chair).exists()
    with pytest.raises(ValidationError):
        membership_confirm(actor=chair, membership=request_)


def test_secretary_rejects_with_reason(tos, secretary, request_):
    with pytest.raises(ValidationError) as info:
        membership_reject(actor=secretary, membership=request_, note="  ")
    assert "note" in info.value.message_dict
    rejected = membership_reject(actor=secretary, membership=request_, note="Адрес вне территории ТОС")
    assert rejected.status == MembershipStatus.REJECTED
    note = Notification.objects.get(user=request_.user, kind="membership.reject")
    assert "Адрес вне территории ТОС" in note.body
    # After a refusal the person may ask again.
    assert membership_current(request_.user, tos) is None


def test_plain_member_cannot_decide(tos, request_):
    with pytest.raises(PermissionDenied):
        membership_confirm(actor=member(tos).user, membership=request_)


def test_official_of_another_municipality_cannot_decide(tos, request_):
    official = UserFactory()
    grant(official, Role.MUNICIPAL_OFFICIAL, municipality=municipality("Энгельсский муниципальный район"))
    with pytest.raises(PermissionDenied):
        membership_confirm(actor=official, membership=request_)
    with pytest.raises(PermissionDenied):
        membership_reject(actor=official, membership=request_, note="нет")


def test_chair_of_another_tos_cannot_decide(request_):
    other = TosFactory()
    other_chair = member(other).user
    grant(other_chair, Role.CHAIR, tos=other)
    with pytest.raises(PermissionDenied):
        membership_confirm(actor=other_chair, membership=request_)
    request_.refresh_from_db()
    assert request_.status == MembershipStatus.REQUESTED


# --- leaving ----------------------------------------------------------------------------------------------


def test_leaving_ends_membership_and_positions(tos):
    person = member(tos).user
    grant(person, Role.COUNCIL_MEMBER, tos=tos)
    membership = membership_current(person, tos)
    with pytest.raises(PermissionDenied):
        membership_leave(actor=UserFactory(), membership=membership)
    left = membership_leave(actor=person, membership=membership)
    assert left.status == MembershipStatus.LEFT
    assert not RoleAssignment.objects.filter(user=person, revoked_at__isnull=True).exists()
    with pytest.raises(ValidationError):
        membership_leave(actor=person, membership=left)
    assert [m.pk for m in user_memberships(person)] == [left.pk]


# --- pages ------------------------------------------------------------------------------------------------


def render_block(tos, user):
    http_request = RequestFactory().get(tos.get_absolute_url())
    http_request.user = user
    return render_to_string(
        "territories/_membership_block.html", {"tos": tos, "request": http_request, "user": user}, request=http_request
    )


def test_block_for_each_kind_of_visitor(tos, chair):
    assert "Войдите, чтобы вступить" in render_block(tos, AnonymousUser())

    outsider = ResidentFactory()
    html = render_block(tos, outsider)
    assert reverse("membership:request", args=[tos.pk]) in html and 'name="address"' in html

    membership_request(actor=outsider, tos=tos, address=ADDRESS)
    html = render_block(tos, outsider)
    assert "ждёт решения" in html and 'name="address"' not in html

    assert "Вы участник этого ТОС" in render_block(tos, chair)
    assert "Заявки на вступление: 1" in render_block(tos, chair)
    assert "Заявки на вступление" not in render_block(tos, outsider)


def test_block_tells_why_the_last_request_was_refused(tos, chair):
    person = ResidentFactory()
    refused = membership_request(actor=person, tos=tos, address=ADDRESS)
    membership_reject(actor=chair, membership=refused, note="Дом не входит в границы ТОС")
    html = render_block(tos, person)
    assert "Дом не входит в границы ТОС" in html and 'name="address"' in html


def test_block_on_liquidated_tos_offers_no_join(tos):
    tos.status = TosStatus.LIQUIDATED
    tos.save()
    html = render_block(tos, ResidentFactory())
    assert 'name="address"' not in html and "ликвидирован" in html


def test_join_page_posts_and_redirects(client, tos):
    person = ResidentFactory()
    client.force_login(person)
    assert client.get(reverse("membership:request", args=[tos.pk])).status_code == 200
    response = client.post(reverse("membership:request", args=[tos.pk]), {"address": ADDRESS, "message": ""})
    assert response.status_code == 302 and response.url == tos.get_absolute_url()
    assert membership_current(person, tos).status == MembershipStatus.REQUESTED


@freeze_time(TODAY)
def test_join_page_shows_the_age_error_with_article(client, tos):
    person = ResidentFactory(birth_date=born_years_ago(min_age(tos), days_later=1))
    client.force_login(person)
    response = client.post(reverse("membership:request", args=[tos.pk]), {"address": ADDRESS})
    assert response.status_code == 400
    html = response.content.decode()
    assert rule("tos.min_age", municipality=tos.municipality).basis in html
    assert reverse("accounts:profile") + '">Указать' in html
    assert not Membership.objects.filter(user=person).exists()


def test_join_page_requires_login(client, tos):
    response = client.post(reverse("membership:request", args=[tos.pk]), {"address": ADDRESS})
    assert response.status_code == 302 and reverse("accounts:login") in response.url


def test_pending_page_confirm_and_reject(client, tos, chair):
    first = membership_request(actor=ResidentFactory(last_name="Первова"), tos=tos, address=ADDRESS)
    second = membership_request(actor=ResidentFactory(last_name="Вторых"), tos=tos, address=ADDRESS)
    client.force_login(chair)
    html = client.get(reverse("membership:pending", args=[tos.pk])).content.decode()
    assert "Первова" in html and "Вторых" in html
    assert client.post(reverse("membership:confirm", args=[first.pk]), {"note": ""}).status_code == 302
    response = client.post(reverse("membership:reject", args=[second.pk]), {"note": ""})
    assert response.status_code == 400
    assert "Укажите причину отказа" in response.content.decode()
    assert client.post(reverse("membership:reject", args=[second.pk]), {"note": "Не живёт здесь"}).status_code == 302
    first.refresh_from_db()
    second.refresh_from_db()
    assert (first.status, second.status) == (MembershipStatus.ACTIVE, MembershipStatus.REJECTED)


def test_pending_page_closed_to_member_and_foreign_official(client, tos, request_):
    client.force_login(member(tos).user)
    assert client.get(reverse("membership:pending", args=[tos.pk])).status_code == 403
    assert client.post(reverse("membership:confirm", args=[request_.pk])).status_code == 403
    official = UserFactory()
    grant(official, Role.MUNICIPAL_OFFICIAL, municipality=municipality("Энгельсский муниципальный район"))
    client.force_login(official)
    assert client.get(reverse("membership:pending", args=[tos.pk])).status_code == 403
    request_.refresh_from_db()
    assert request_.status == MembershipStatus.REQUESTED


def test_leave_page(client, tos):
    membership = member(tos)
    client.force_login(membership.user)
    assert client.get(reverse("membership:leave", args=[membership.pk])).status_code == 200
    assert client.post(reverse("membership:leave", args=[membership.pk])).status_code == 302
    membership.refresh_from_db()
    assert membership.status == MembershipStatus.LEFT
    client.force_login(UserFactory())
    assert client.post(reverse("membership:leave", args=[membership.pk])).status_code == 404


def test_block_and_pending_page_queries_do_not_grow_with_requests(client, tos, chair):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    def count_queries():
        viewer = type(chair).objects.get(pk=chair.pk)  # each request loads the person afresh
        with CaptureQueriesContext(connection) as block:
            render_block(tos, viewer)
        with CaptureQueriesContext(connection) as page:
            client.get(reverse("membership:pending", args=[tos.pk]))
        return len(block), len(page)

    client.force_login(chair)
    member(tos, status="requested")
    few = count_queries()
    for _ in range(15):
        member(tos, status="requested")
    assert count_queries() == few


def test_tos_page_carries_the_membership_block(client, tos, chair):
    assert "Войдите, чтобы вступить" in client.get(tos.get_absolute_url()).content.decode()
    client.force_login(chair)
    html = client.get(tos.get_absolute_url()).content.decode()
    assert "Вы участник этого ТОС" in html
    assert reverse("membership:pending", args=[tos.pk]) in html
