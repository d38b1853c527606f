"""Support before submission (ч. 4 ст. 26.1): online signatures of verified residents, paper entries typed back
in and deduplicated, one signature per person per project in the database, the printable sheet, and approval at
a собрание of [2] or an uploaded protocol."""

from datetime import date, timedelta

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import IntegrityError, transaction
from django.utils import timezone

from sosedi.core.models import AuditEvent
from sosedi.initiatives import services
from sosedi.initiatives.models import ProjectStatus, Signature, SignatureSource
from sosedi.territories.tests.factories import municipality

from .factories import allow_signatures, approving_meeting, resident, signed_by, tos_project, tos_with_chair

pytestmark = pytest.mark.django_db


def _collecting(**kwargs):
    tos, chair = tos_with_chair()
    project = tos_project(tos, chair, **kwargs)
    services.project_open_support(actor=chair, project=project)
    project.refresh_from_db()
    return project


def _paper(project, **fields):
    data = {
        "full_name": "Сидорова Мария Петровна",
        "birth_date": date(1970, 3, 8),
        "address": "г. Саратов, ул. Тестовая, д. 5, кв. 1",
        "sheet_number": 1,
        **fields,
    }
    return services.signature_enter_paper(actor=project.created_by, project=project, **data)


def test_opening_support_needs_a_complete_draft_and_is_audited():
    project = _collecting()
    assert project.status == ProjectStatus.COLLECTING
    assert AuditEvent.objects.filter(action="initiative.collecting", object_id=str(project.pk)).exists()
    with pytest.raises(ValidationError):
        services.project_open_support(actor=project.created_by, project=project)


def test_signatures_are_refused_where_the_municipality_does_not_allow_them():
    project = _collecting()
    with pytest.raises(ValidationError) as error:
        services.signature_sign(actor=resident(), project=project)
    assert "не предусмотрен" in str(error.value)


def test_online_signature_by_a_verified_resident_counts_once():
    allow_signatures()
    project = _collecting()
    person = resident()
    signature = services.signature_sign(actor=person, project=project)
    assert signature.source == SignatureSource.ONLINE
    with pytest.raises(ValidationError):
        services.signature_sign(actor=person, project=project)
    assert project.signatures.count() == 1
    assert AuditEvent.objects.filter(action="initiative.sign", object_id=str(project.pk)).count() == 1


@pytest.mark.parametrize(
    "person",
    [
        {"birth_date": None},
        {"birth_date": "minor"},
        {"municipality": "elsewhere"},
    ],
)
def test_online_signature_needs_age_and_residence(person):
    allow_signatures()
    project = _collecting()
    if person.get("birth_date") == "minor":
        person = {"birth_date": timezone.localdate() - timedelta(days=15 * 366)}
    if person.get("municipality") == "elsewhere":
        person = {"municipality": municipality("Энгельсский муниципальный район")}
    with pytest.raises(ValidationError):
        services.signature_sign(actor=resident(**person), project=project)
    assert project.signatures.count() == 0


def test_nobody_signs_a_draft_or_a_submitted_project():
    allow_signatures()
    tos, chair = tos_with_chair()
    draft = tos_project(tos, chair)
    with pytest.raises(PermissionDenied):
        services.signature_sign(actor=resident(), project=draft)


def test_paper_entry_is_marked_and_checked_field_by_field():
    allow_signatures()
    project = _collecting()
    signature = _paper(project)
    assert signature.source == SignatureSource.PAPER and signature.entered_by == project.created_by
    for fields, field in [
        ({"full_name": "Сидорова"}, "full_name"),
        ({"birth_date": timezone.localdate() - timedelta(days=365 * 15)}, "birth_date"),
        ({"birth_date": None}, "birth_date"),
        ({"address": " "}, "address"),
        ({"signed_on": timezone.localdate() + timedelta(days=1)}, "signed_on"),
    ]:
        with pytest.raises(ValidationError) as error:
            _paper(project, **{"full_name": "Другая Ольга", **fields})
        assert field in error.value.message_dict, fields


def test_paper_entry_of_someone_who_signed_online_is_refused_however_typed():
    allow_signatures()
    project = _collecting()
    person = resident(last_name="Ёлкина", first_name="Анна", patronymic="Сергеевна", birth_date=date(1980, 1, 2))
    services.signature_sign(actor=person, project=project)
    with pytest.raises(ValidationError) as error:
        _paper(project, full_name="  елкина   АННА ", birth_date=date(1980, 1, 2))
    assert "один раз" in str(error.value)
    # Same name, another birth date: another person.
    _paper(project, full_name="Елкина Анна", birth_date=date(1981, 1, 2))
    assert project.signatures.count() == 2


def test_the_database_keeps_one_signature_per_person_and_per_account():
    allow_signatures()
    project = _collecting()
    first = _paper(project)
    with pytest.raises(IntegrityError), transaction.atomic():
        Signature.objects.create(
            project=project,
            source="paper",
            full_name="x",
            birth_date=first.birth_date,
            person_key=first.person_key,
            signed_on=first.signed_on,
        )
    person = resident()
    services.signature_sign(actor=person, project=project)
    with pytest.raises(IntegrityError), transaction.atomic():
        Signature.objects.create(
            project=project,
            user=person,
            source="online",
            full_name="иначе",
            birth_date=date(1990, 1, 1),
            person_key="иначе|1990-01-01",
            signed_on=first.signed_on,
        )


def test_only_initiators_type_paper_entries_in():
    allow_signatures()
    project = _collecting()
    with pytest.raises(PermissionDenied):
        services.signature_enter_paper(
            actor=resident(), project=project, full_name="Кто Угодно", birth_date=date(1970, 1, 1), address="адрес"
        )


def test_support_shortfall_counts_signatures_against_the_municipal_minimum():
    allow_signatures(min_signatures=3)
    project = _collecting()
    signed_by(project, 2)
    assert "3" in services.support_shortfall(project)
    _paper(project)
    assert services.support_shortfall(project) == ""
    assert services.support_counts(project) == {
        "signatures_online": 2,
        "signatures_paper": 1,
        "signatures": 3,
        "meeting": 0,
        "survey_yes": 0,
        "survey_answered": 0,
    }


def test_without_signatures_allowed_only_a_meeting_is_support():
    project = _collecting()
    assert "собрания" in services.support_shortfall(project)


def test_a_closed_meeting_with_a_published_decision_is_support():
    tos, chair = tos_with_chair()
    project = tos_project(tos, chair)
    services.project_open_support(actor=chair, project=project)
    item = approving_meeting(tos, chair)
    services.support_meeting_link(actor=chair, project=project, item=item)
    project.refresh_from_db()
    assert project.meeting_item == item
    assert services.support_shortfall(project) == ""


@pytest.mark.parametrize("state", ["open", "unpublished", "rejected", "other_tos"])
def test_a_meeting_that_did_not_approve_is_refused(state):
    tos, chair = tos_with_chair()
    project = tos_project(tos, chair)
    if state == "other_tos":
        other, other_chair = tos_with_chair()
        item = approving_meeting(other, other_chair)
    else:
        item = approving_meeting(
            tos, chair, close=state != "open", publish=state != "unpublished", against=state == "rejected"
        )
    with pytest.raises(ValidationError) as error:
        services.support_meeting_link(actor=chair, project=project, item=item)
    assert "item" in error.value.message_dict


def test_an_uploaded_protocol_is_support_and_its_type_is_checked():
    project = _collecting()
    with pytest.raises(ValidationError) as error:
        services.support_protocol_upload(
            actor=project.created_by,
            project=project,
            file=SimpleUploadedFile("p.exe", b"x"),
            meeting_date=date(2026, 1, 10),
        )
    assert "protocol_file" in error.value.message_dict
    services.support_protocol_upload(
        actor=project.created_by,
        project=project,
        file=SimpleUploadedFile("protocol.pdf", b"%PDF-1.4"),
        meeting_date=timezone.localdate(),
    )
    assert services.support_shortfall(project) == ""


def test_signature_sheet_is_a_pdf_with_cyrillic_fonts(client):
    allow_signatures()
    project = _collecting()
    response = client.get(f"/initiatives/{project.pk}/signature-sheet.pdf")
    assert response.status_code == 200 and response["Content-Type"] == "application/pdf"
    assert response.content.startswith(b"%PDF")


def test_signature_sheet_is_set_in_dejavu_which_has_cyrillic():
    from weasyprint import HTML

    from sosedi.initiatives.views_documents import signature_sheet_html

    allow_signatures()
    document = HTML(string=signature_sheet_html(_collecting())).render()
    document.write_pdf()
    assert len(document.pages) == 1
    assert {font.family for font in document.fonts.values()} == {"DejaVu Sans"}


def test_signature_sheet_html_names_the_project_and_the_age():
    from sosedi.initiatives.views_documents import signature_sheet_html

    allow_signatures()
    project = _collecting()
    html = signature_sheet_html(project)
    assert project.title in html and "достигшие 16 лет" in html and html.count("<tr>") == 13


def test_sign_and_paper_pages_without_javascript(client):
    allow_signatures()
    project = _collecting()
    person = resident()
    client.force_login(person)
    page = client.get(f"/initiatives/{project.pk}/").content.decode()
    assert "Подписать в поддержку проекта" in page
    client.post(f"/initiatives/{project.pk}/do/sign/")
    assert "Вы поддержали этот проект" in client.get(f"/initiatives/{project.pk}/").content.decode()
    client.force_login(project.created_by)
    response = client.post(
        f"/initiatives/{project.pk}/paper/",
        {
            "full_name": person.full_name,
            "birth_date": person.birth_date.isoformat(),
            "address": "адрес",
            "signed_on": timezone.localdate().isoformat(),
        },
    )
    assert response.status_code == 200 and "один раз" in response.content.decode()
    response = client.post(
        f"/initiatives/{project.pk}/paper/",
        {
            "full_name": "Сидорова Мария",
            "birth_date": "1970-03-08",
            "address": "ул. Тестовая, 5",
            "signed_on": timezone.localdate().isoformat(),
            "sheet_number": "2",
        },
    )
    assert response.status_code == 302
    assert project.signatures.filter(source="paper").count() == 1


def test_meeting_link_page_offers_the_decision_and_shows_a_forged_choice_next_to_the_field(client):
    tos, chair = tos_with_chair()
    project = tos_project(tos, chair)
    services.project_open_support(actor=chair, project=project)
    item = approving_meeting(tos, chair)
    other, other_chair = tos_with_chair()
    foreign = approving_meeting(other, other_chair)
    client.force_login(chair)
    page = client.get(f"/initiatives/{project.pk}/").content.decode()
    assert f'<option value="{item.pk}"' in page and f'<option value="{foreign.pk}"' not in page
    for forged in (str(foreign.pk), "999999", "не число", ""):
        response = client.post(f"/initiatives/{project.pk}/meeting/", {"item": forged})
        assert response.status_code == 200, forged  # the page again, not a redirect
        html = response.content.decode()
        field = html[html.index('id="meeting_item"') :]
        error = "Выберите вопрос повестки завершённого собрания"
        assert 'id="meeting_item_error"' in field and error in field[: field.index("</form>")], forged
        project.refresh_from_db()
        assert project.meeting_item_id is None
    response = client.post(f"/initiatives/{project.pk}/meeting/", {"item": str(item.pk)})
    assert response.status_code == 302 and response["Location"].endswith("#support")
    project.refresh_from_db()
    assert project.meeting_item == item
