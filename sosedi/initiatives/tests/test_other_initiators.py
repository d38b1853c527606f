"""«Иные лица» as initiators (ч. 2 ст. 26.1 131-ФЗ): only those the municipality's act names, in its rule set;
the project form offers them only there."""

import json
from datetime import date

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction

from sosedi.core.models import RuleSet
from sosedi.initiatives import services
from sosedi.initiatives.models import InitiativeProject, InitiatorKind
from sosedi.territories.models import Municipality
from sosedi.territories.tests.factories import municipality

from .factories import PARTS, TERRITORY, direction, resident

pytestmark = pytest.mark.django_db

COUNCIL = {"code": "district_council", "name": "совет микрорайона"}


def allow_others(muni, entries=(COUNCIL,)):
    RuleSet.objects.update_or_create(
        regime="131-FZ",
        effective_from=date(2021, 1, 2),
        municipality=muni,
        defaults={
            "title": "НПА (тест)",
            "rules": {
                "initiative.other_initiators": {"value": list(entries), "basis": "решение Думы № 5", "confidence": "V"}
            },
        },
    )


def create(actor, muni, **extra):
    return services.project_create(
        actor=actor,
        municipality=muni,
        title="Сквер",
        direction=direction(),
        **{**PARTS, "territory_geojson": TERRITORY, **extra},
    )


def test_the_base_rule_set_names_no_other_initiators():
    assert services.other_initiators(municipality()) == {}


def test_an_initiator_the_act_names_may_bring_a_project():
    muni = municipality()
    allow_others(muni)
    author = resident()
    project = create(
        author,
        muni,
        initiator_kind=InitiatorKind.OTHER,
        initiator_other="district_council",
        initiator_name="Совет микрорайона «Северный»",
    )
    assert (project.initiator_kind, project.initiator_other) == ("other", "district_council")
    assert author.has_perm("initiatives.change_project", project)


@pytest.mark.parametrize(
    ("other", "name", "field"),
    [("district_council", "", "initiator_name"), ("youth_council", "Молодёжный совет", "initiator_kind")],
)
def test_an_unnamed_or_unknown_other_initiator_is_refused(other, name, field):
    muni = municipality()
    allow_others(muni)
    with pytest.raises(ValidationError) as error:
        create(resident(), muni, initiator_kind=InitiatorKind.OTHER, initiator_other=other, initiator_name=name)
    assert field in error.value.message_dict


def test_where_the_act_names_none_other_initiators_are_refused_with_the_basis():
    with pytest.raises(ValidationError) as error:
        create(
            resident(),
            municipality(),
            initiator_kind=InitiatorKind.OTHER,
            initiator_other="district_council",
            initiator_name="Совет",
        )
    assert "ч. 2 ст. 26.1" in error.value.message_dict["initiator_kind"][0]


def test_the_database_refuses_an_other_initiator_without_its_kind():
    muni = municipality()
    allow_others(muni)
    project = create(
        resident(), muni, initiator_kind=InitiatorKind.OTHER, initiator_other="district_council", initiator_name="Совет"
    )
    with pytest.raises(IntegrityError), transaction.atomic():
        InitiativeProject.objects.filter(pk=project.pk).update(initiator_other="")


def test_the_form_offers_other_initiators_only_where_allowed(client):
    muni = municipality()
    other = Municipality.objects.exclude(pk=muni.pk).first()
    allow_others(muni)
    author = resident(municipality=muni)
    client.force_login(author)
    assert "совет микрорайона" in client.get("/initiatives/new/").content.decode()
    client.force_login(resident(municipality=other))
    assert "совет микрорайона" not in client.get("/initiatives/new/").content.decode()
    client.force_login(author)
    data = {
        "municipality": muni.pk,
        "initiator_kind": "other:district_council",
        "initiator_name": "Совет микрорайона «Северный»",
        "title": "Сквер у школы",
        "direction": direction().pk,
        "territory_geojson": json.dumps(TERRITORY),
        **PARTS,
    }
    response = client.post("/initiatives/new/", data)
    assert response.status_code == 302
    project = InitiativeProject.objects.get(title="Сквер у школы")
    assert project.initiator_other == "district_council"
    page = client.get(project.get_absolute_url()).content.decode()
    assert "Совет микрорайона «Северный»" in page
