"""The initiative project: the nine parts of ч. 3 ст. 26.1, its territory and its initiator (ч. 2): an initiative
group of confirmed residents of the required age, a ТОС's bodies, or a village head."""

import json
from datetime import date
from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from freezegun import freeze_time

import config.urls  # noqa: F401  (the API builds its schemas on import; not under a frozen clock)
from sosedi.core.models import AuditEvent
from sosedi.initiatives import services
from sosedi.initiatives.forms import ProjectForm
from sosedi.initiatives.models import GroupMember, IdeaStatus, InitiativeProject, InitiatorKind, ProjectStatus
from sosedi.notifications.models import Notification
from sosedi.territories.tests.factories import municipality

from .factories import PARTS, TERRITORY, allow_signatures, direction, idea, resident, tos_project, tos_with_chair

pytestmark = pytest.mark.django_db


def _group_project(initiator=None, **fields):
    initiator = initiator or resident()
    data = {**PARTS, "title": "Ремонт тротуара", "direction": direction(), "territory_geojson": TERRITORY, **fields}
    return services.project_create(
        actor=initiator, municipality=municipality(), initiator_kind=InitiatorKind.GROUP, **data
    )


def _group_of(project, n: int):
    """Invite and confirm n further members."""
    people = [resident() for _ in range(n)]
    for person in people:
        services.group_member_add(actor=project.created_by, project=project, user=person)
        services.group_member_confirm(actor=person, project=project)
    return people


def test_tos_chair_draws_up_a_project_with_the_nine_parts():
    project = tos_project()
    assert project.status == ProjectStatus.DRAFT
    assert project.initiator_kind == InitiatorKind.TOS_BODY
    assert project.cost_estimate == Decimal("850000.00")
    assert AuditEvent.objects.filter(action="initiative.create", object_id=str(project.pk)).exists()
    assert services.group_shortfall(project) == ""


@pytest.mark.parametrize(
    "missing", ["problem", "justification", "expected_result", "timeline", "participation", "territory_description"]
)
def test_each_required_part_is_required(missing):
    with pytest.raises(ValidationError) as error:
        tos_project(**{missing: "  "})
    assert missing in error.value.message_dict
    assert InitiativeProject.objects.count() == 0


def test_budget_share_cannot_exceed_the_estimate_or_be_negative():
    with pytest.raises(ValidationError) as error:
        tos_project(budget_amount=Decimal("900000"))
    assert "budget_amount" in error.value.message_dict
    with pytest.raises(ValidationError) as error:
        tos_project(cost_estimate=Decimal("-1"))
    assert "cost_estimate" in error.value.message_dict


def test_only_the_tos_leaders_act_for_the_tos_bodies():
    tos, _chair = tos_with_chair()
    stranger = resident()
    with pytest.raises(ValidationError) as error:
        services.project_create(
            actor=stranger,
            municipality=tos.municipality,
            initiator_kind=InitiatorKind.TOS_BODY,
            tos=tos,
            direction=direction(),
            title="Проект",
            **PARTS,
        )
    assert "initiator_kind" in error.value.message_dict


def test_village_head_names_themselves():
    head = resident()
    with pytest.raises(ValidationError) as error:
        services.project_create(
            actor=head,
            municipality=municipality(),
            initiator_kind=InitiatorKind.VILLAGE_HEAD,
            direction=direction(),
            title="Колодец",
            **PARTS,
        )
    assert "initiator_name" in error.value.message_dict
    project = services.project_create(
        actor=head,
        municipality=municipality(),
        initiator_kind=InitiatorKind.VILLAGE_HEAD,
        initiator_name="Иванов И. И., староста с. Тестовое",
        direction=direction(),
        title="Колодец",
        territory_geojson=TERRITORY,
        **PARTS,
    )
    assert services.group_shortfall(project) == ""


def test_group_of_nine_is_refused_and_ten_accepted():
    project = _group_project()
    _group_of(project, 8)
    assert "9" in services.group_shortfall(project) and "10" in services.group_shortfall(project)
    _group_of(project, 1)
    assert services.group_shortfall(project) == ""


def test_municipality_may_lower_the_minimum_group():
    allow_signatures(**{"initiative.min_group": 3})
    project = _group_project()
    _group_of(project, 1)
    assert services.group_shortfall(project) != ""
    _group_of(project, 1)
    assert services.group_shortfall(project) == ""


def test_an_unconfirmed_member_does_not_count_and_only_they_confirm():
    project = _group_project()
    _group_of(project, 8)
    invited = resident()
    services.group_member_add(actor=project.created_by, project=project, user=invited)
    assert services.group_shortfall(project) != ""
    with pytest.raises(PermissionDenied):
        services.group_member_confirm(actor=resident(), project=project)
    services.group_member_confirm(actor=invited, project=project)
    assert services.group_shortfall(project) == ""
    assert Notification.objects.filter(user=invited, kind="initiatives.group_invite").exists()


def test_the_same_person_is_not_invited_twice():
    project = _group_project()
    person = resident()
    services.group_member_add(actor=project.created_by, project=project, user=person)
    with pytest.raises(ValidationError):
        services.group_member_add(actor=project.created_by, project=project, user=person)
    assert GroupMember.objects.filter(project=project, user=person).count() == 1


@freeze_time("2026-11-25 10:00:00")
def test_age_15_years_364_days_is_refused_and_16_accepted():
    project = _group_project()
    almost = resident(birth_date=date(2010, 11, 26))
    with pytest.raises(ValidationError) as error:
        services.group_member_add(actor=project.created_by, project=project, user=almost)
    assert "16" in str(error.value)
    sixteen = resident(birth_date=date(2010, 11, 25))
    services.group_member_add(actor=project.created_by, project=project, user=sixteen)


def test_a_person_from_another_municipality_is_not_a_resident():
    project = _group_project()
    outsider = resident(municipality=municipality("Энгельсский муниципальный район"))
    with pytest.raises(ValidationError):
        services.group_member_add(actor=project.created_by, project=project, user=outsider)


def test_a_tos_member_counts_as_a_resident_without_the_profile_field():
    from sosedi.accounts.tests.factories import member

    tos, _chair = tos_with_chair()
    person = resident(municipality=None)
    assert not services.lives_in(person, tos.municipality)
    member(tos, person)
    assert services.lives_in(person, tos.municipality)


def test_initiator_without_a_birth_date_cannot_start_a_group():
    with pytest.raises(ValidationError) as error:
        _group_project(resident(birth_date=None))
    assert "initiator_kind" in error.value.message_dict


def test_an_idea_becomes_a_project_and_its_people_are_told():
    posted = idea()
    supporter = resident()
    services.idea_support(actor=supporter, idea=posted)
    tos, chair = tos_with_chair()
    project = tos_project(tos, chair, idea=posted)
    posted.refresh_from_db()
    assert posted.status == IdeaStatus.IN_PROJECT and project.idea == posted
    for person in (posted.author, supporter):
        assert Notification.objects.filter(user=person, kind="initiatives.idea_to_project").exists()
    with pytest.raises(ValidationError):
        tos_project(tos, chair, idea=posted)


def test_project_pages_create_show_and_edit(client):
    tos, chair = tos_with_chair()
    client.force_login(chair)
    form = {
        **PARTS,
        "municipality": tos.municipality.pk,
        "initiator_kind": "tos_body",
        "tos": tos.pk,
        "title": "Сквер у школы",
        "direction": direction().pk,
    }
    response = client.post("/initiatives/new/", form)
    project = InitiativeProject.objects.get()
    assert response.status_code == 302 and response["Location"] == f"/initiatives/{project.pk}/"
    page = client.get(f"/initiatives/{project.pk}/").content.decode()
    for label in ("1. Описание проблемы", "7. Средства местного бюджета", "9. Иные сведения"):
        assert label in page
    response = client.post(f"/initiatives/{project.pk}/edit/", {**form, "timeline": "", "title": "Сквер"})
    assert response.status_code == 200 and "errorlist" in response.content.decode()
    client.post(f"/initiatives/{project.pk}/edit/", {**form, "title": "Сквер у школы № 5"})
    project.refresh_from_db()
    assert project.title == "Сквер у школы № 5"


def test_a_draft_is_seen_only_by_its_initiators(client):
    project = tos_project()
    assert client.get(f"/initiatives/{project.pk}/").status_code == 404
    client.force_login(resident())
    assert client.get(f"/initiatives/{project.pk}/").status_code == 404
    assert project.title not in client.get("/initiatives/").content.decode()
    client.force_login(project.created_by)
    assert client.get(f"/initiatives/{project.pk}/").status_code == 200
    assert project.title in client.get("/initiatives/").content.decode()


# ---------------------------------------------------------------- territory on the map (part 8)

OPEN_RING = {"type": "Polygon", "coordinates": [[[46.03, 51.53], [46.032, 51.53], [46.032, 51.531], [46.03, 51.531]]]}
BOW_TIE = {
    "type": "Polygon",
    "coordinates": [[[46.03, 51.53], [46.032, 51.531], [46.032, 51.53], [46.03, 51.531], [46.03, 51.53]]],
}
A_LINE = {"type": "LineString", "coordinates": [[46.03, 51.53], [46.032, 51.531]]}
OFF_EARTH = {"type": "Polygon", "coordinates": [[[46.03, 51.53], [246.0, 51.53], [46.032, 95.0], [46.03, 51.53]]]}


@pytest.mark.parametrize(
    ("value", "words"),
    [
        ("{не json", "формате GeoJSON"),
        (OPEN_RING, "не замкнут"),
        (BOW_TIE, "пересекает сама себя"),
        (A_LINE, "«LineString»"),
        (OFF_EARTH, "вне допустимых координат"),
    ],
)
def test_bad_territory_is_refused_with_the_boundary_checks(value, words):
    with pytest.raises(ValidationError) as error:
        _group_project(territory_geojson=value)
    assert words in error.value.message_dict["territory_geojson"][0]
    assert not InitiativeProject.objects.exists()


def test_territory_required_without_tos_and_optional_with_tos():
    with pytest.raises(ValidationError) as error:
        _group_project(territory_geojson=None)
    assert "обязательна" in error.value.message_dict["territory_geojson"][0]
    project = tos_project()  # a ТОС body's project: the ТОС boundary is its territory
    assert project.territory_geojson is None
    drawn = tos_project(territory_geojson=json.dumps(TERRITORY))
    assert drawn.territory_geojson == TERRITORY  # stored as a checked dict, not as the text it came in


def test_update_cannot_drop_the_territory_of_a_project_without_tos():
    project = _group_project()
    with pytest.raises(ValidationError) as error:
        services.project_update(actor=project.created_by, project=project, territory_geojson=None)
    assert "territory_geojson" in error.value.message_dict
    project.refresh_from_db()
    assert project.territory_geojson == TERRITORY


def test_form_shows_the_territory_error_next_to_the_field(client):
    project = _group_project()
    client.force_login(project.created_by)
    page = client.get(f"/initiatives/{project.pk}/edit/").content.decode()
    assert "id_territory_geojson" in page and "Отменить точку" in page
    data = {
        name: getattr(project, name)
        for name in ProjectForm.Meta.fields
        if name not in ("direction", "territory_geojson")
    }
    data = {k: ("" if v is None else v) for k, v in data.items()}
    data.update(direction=project.direction_id, territory_geojson=json.dumps(BOW_TIE))
    response = client.post(f"/initiatives/{project.pk}/edit/", data)
    assert response.status_code == 200
    assert "пересекает сама себя" in response.content.decode()
    data["territory_geojson"] = json.dumps(
        {"type": "Polygon", "coordinates": [[[46.0, 51.5], [46.01, 51.5], [46.01, 51.51], [46.0, 51.5]]]}
    )
    assert client.post(f"/initiatives/{project.pk}/edit/", data).status_code == 302
    project.refresh_from_db()
    assert project.territory_geojson["coordinates"][0][1] == [46.01, 51.5]
    page = client.get(project.get_absolute_url()).content.decode()
    assert 'id="territory-map"' in page and "многоугольник из 3 точек" in page


def test_tos_project_page_shows_the_tos_boundary_as_its_territory(client):
    project = tos_project()
    client.force_login(project.created_by)  # a draft is seen by its authors only
    page = client.get(project.get_absolute_url()).content.decode()
    assert "граница ТОС" in page and 'id="territory-geojson"' in page


def test_someone_else_cannot_edit_the_territory(client):
    project = _group_project()
    client.force_login(resident())
    response = client.post(f"/initiatives/{project.pk}/edit/", {"territory_geojson": json.dumps(BOW_TIE)})
    assert response.status_code in (403, 404)
    project.refresh_from_db()
    assert project.territory_geojson == TERRITORY


def test_form_labels_every_field_in_russian(client):
    project = _group_project()
    client.force_login(project.created_by)
    page = client.get(f"/initiatives/{project.pk}/edit/").content.decode()
    assert '<label for="id_direction">Направление' in page and "Direction" not in page
