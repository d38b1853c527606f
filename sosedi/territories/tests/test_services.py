from datetime import date

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from sosedi.accounts.models import Role
from sosedi.accounts.tests.factories import UserFactory, grant
from sosedi.core.models import AuditEvent
from sosedi.territories.models import TosStatus
from sosedi.territories.services import OverlapError, boundary_decision_add, tos_create, tos_update
from sosedi.territories.tests.factories import municipality, square

pytestmark = pytest.mark.django_db


@pytest.fixture
def saratov():
    return municipality("город Саратов")


@pytest.fixture
def official(saratov):
    user = UserFactory()
    grant(user, Role.MUNICIPAL_OFFICIAL, municipality=saratov)
    return user


def data(**extra):
    base = {
        "name": "ТОС «Солнечный»",
        "territory_type": "house_group",
        "status": "forming",
        "boundary": square(46.0, 51.5, 0.005),
        "residents_16plus": 420,
        "residents_as_of": date(2026, 1, 1),
        "directions": ["landscaping", "playgrounds"],
    }
    return {**base, **extra}


def test_official_creates_tos_with_derived_geometry_and_audit(official, saratov):
    tos = tos_create(actor=official, data=data(municipality=saratov))
    assert tos.bbox_min_lon == 46.0 and tos.centroid_lat is not None
    assert tos.search_text.startswith("тос «солнечный» город саратов")
    assert sorted(tos.directions.values_list("code", flat=True)) == ["landscaping", "playgrounds"]
    assert AuditEvent.objects.filter(action="tos.create", object_id=str(tos.pk)).exists()


def test_official_of_another_municipality_and_resident_refused(saratov):
    foreign = UserFactory()
    grant(foreign, Role.MUNICIPAL_OFFICIAL, municipality=municipality("Энгельсский муниципальный район"))
    for actor in (foreign, UserFactory()):
        with pytest.raises(PermissionDenied):
            tos_create(actor=actor, data=data(municipality=saratov))


def test_errors_name_every_field(official, saratov):
    bad = data(
        municipality=saratov,
        name="",
        status="registered",
        is_legal_entity=True,
        inn="7707083894",
        ogrn="",
        residents_as_of=None,
        boundary={"type": "Point", "coordinates": [46, 51]},
        directions=["nonsense"],
    )
    with pytest.raises(ValidationError) as exc:
        tos_create(actor=official, data=bad)
    fields = set(exc.value.message_dict)
    assert {
        "name",
        "charter_reg_number",
        "charter_reg_date",
        "inn",
        "ogrn",
        "residents_as_of",
        "boundary",
        "directions",
    } <= fields
    assert "контрольного" in " ".join(exc.value.message_dict["inn"])


def test_legal_entity_needs_organisation_numbers(official, saratov):
    with pytest.raises(ValidationError) as exc:
        tos_create(
            actor=official,
            data=data(municipality=saratov, is_legal_entity=True, inn="500100732259", ogrn="304500116000157"),
        )
    assert set(exc.value.message_dict) == {"inn", "ogrn"}
    tos = tos_create(
        actor=official, data=data(municipality=saratov, is_legal_entity=True, inn="7707083893", ogrn="1027700132195")
    )
    assert tos.is_legal_entity


def test_overlap_refused_then_saved_with_confirmation(official, saratov):
    first = tos_create(actor=official, data=data(municipality=saratov))
    second = data(municipality=saratov, name="ТОС «Соседний»", boundary=square(46.004, 51.504, 0.005))
    with pytest.raises(OverlapError) as exc:
        tos_create(actor=official, data=second)
    assert exc.value.overlapping == [first]
    assert "«ТОС «Солнечный»»" in exc.value.message_dict["boundary"][0]
    tos = tos_create(actor=official, data=second, confirm_overlap=True)
    event = AuditEvent.objects.get(action="tos.create", object_id=str(tos.pk))
    assert event.payload["overlap_confirmed"] == [first.pk]


def test_touching_neighbour_and_liquidated_do_not_count(official, saratov):
    tos_create(actor=official, data=data(municipality=saratov))
    tos_create(
        actor=official, data=data(municipality=saratov, name="ТОС «Восточный»", boundary=square(46.005, 51.5, 0.005))
    )
    old = tos_create(
        actor=official, data=data(municipality=saratov, name="ТОС «Старый»", boundary=square(46.1, 51.6, 0.005))
    )
    tos_update(actor=official, tos=old, data={"status": TosStatus.LIQUIDATED})
    tos_create(
        actor=official, data=data(municipality=saratov, name="ТОС «Новый»", boundary=square(46.101, 51.601, 0.005))
    )


def test_update_keeps_state_on_error_and_records_changes(official, saratov):
    tos = tos_create(actor=official, data=data(municipality=saratov))
    with pytest.raises(ValidationError):
        tos_update(actor=official, tos=tos, data={"status": "registered"})
    tos.refresh_from_db()
    assert tos.status == "forming"
    tos_update(
        actor=official,
        tos=tos,
        data={"status": "registered", "charter_reg_number": "12", "charter_reg_date": date(2026, 3, 1)},
    )
    tos.refresh_from_db()
    assert tos.status == "registered"
    event = AuditEvent.objects.filter(action="tos.update").last()
    assert event.payload["changed"]["status"] == ["forming", "registered"]


def test_chair_may_change_contacts_only(official, saratov):
    tos = tos_create(actor=official, data=data(municipality=saratov))
    chair = UserFactory()
    from sosedi.territories.models import Membership

    Membership.objects.create(tos=tos, user=chair, status="active", address="ул. Солнечная, 1")
    grant(chair, Role.CHAIR, tos=tos)
    tos_update(actor=chair, tos=tos, data={"contact_phone": "+7 845 200-00-00"})
    with pytest.raises(PermissionDenied):
        tos_update(actor=chair, tos=tos, data={"status": "liquidated"})


def test_moving_to_a_municipality_without_rights_refused(official, saratov):
    tos = tos_create(actor=official, data=data(municipality=saratov))
    with pytest.raises(PermissionDenied):
        tos_update(actor=official, tos=tos, data={"municipality": municipality("Энгельсский муниципальный район")})


def test_boundary_decision(official, saratov):
    tos = tos_create(actor=official, data=data(municipality=saratov))
    decision = boundary_decision_add(
        actor=official, tos=tos, body="Саратовская городская Дума", number="45-123", date=date(2025, 5, 20)
    )
    assert decision.boundary == tos.boundary
    with pytest.raises(ValidationError):
        boundary_decision_add(actor=official, tos=tos, body="", number="", date=date(2025, 5, 20))
