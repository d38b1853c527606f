import csv
import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from openpyxl import Workbook, load_workbook

from sosedi.accounts.models import Role
from sosedi.accounts.tests.factories import UserFactory, grant
from sosedi.territories.importing import HEADERS, registry_import_start, registry_import_template
from sosedi.territories.models import RegistryImport, Tos
from sosedi.territories.tests.factories import TosFactory, municipality

pytestmark = pytest.mark.django_db

POLY = '{"type":"Polygon","coordinates":[[[46.%s,51.5],[46.%s,51.5],[46.%s,51.502],[46.%s,51.502],[46.%s,51.5]]]}'


def poly(i):
    a, b = f"{i * 10:03d}", f"{i * 10 + 2:03d}"
    return POLY % (a, b, b, a, a)


def row(name, i, **overrides):
    values = dict(zip(HEADERS, [""] * len(HEADERS), strict=True))
    values.update(
        {
            "Название": name,
            "Вид территории": "группа жилых домов",
            "Статус": "создаётся",
            "Жителей 16+": "120",
            "Численность на дату": "01.01.2026",
            "Направления": "Экология",
            "Границы (GeoJSON)": poly(i),
        }
    )
    values.update(overrides)
    return [values[h] for h in HEADERS]


def csv_file(rows, name="reestr.csv"):
    out = io.StringIO()
    writer = csv.writer(out, delimiter=";")
    writer.writerow(HEADERS)
    writer.writerows(rows)
    return SimpleUploadedFile(name, out.getvalue().encode("utf-8-sig"), content_type="text/csv")


@pytest.fixture
def official():
    user = UserFactory()
    grant(user, Role.MUNICIPAL_OFFICIAL, municipality=municipality())
    return user


def run(official, upload, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        job = registry_import_start(actor=official, municipality=municipality(), uploaded_file=upload)
    return RegistryImport.objects.get(pk=job.pk)


def test_good_csv_creates_and_updates(official, django_capture_on_commit_callbacks):
    existing = TosFactory(name="ТОС «Старый»", boundary=None)
    upload = csv_file(
        [row("ТОС «Первый»", 1), row("ТОС «Второй»", 2), row("ТОС «Старый»", 3, **{"Статус": "инициатива"})]
    )
    job = run(official, upload, django_capture_on_commit_callbacks)
    assert job.status == "done", job.errors
    assert (job.created_count, job.updated_count, job.processed_rows, job.total_rows) == (2, 1, 3, 3)
    existing.refresh_from_db()
    assert existing.status == "initiative" and existing.bbox_min_lon is not None
    assert Tos.objects.get(name="ТОС «Первый»").directions.get().code == "ecology"


def test_bad_rows_leave_database_unchanged_and_are_named(official, django_capture_on_commit_callbacks):
    before = Tos.objects.count()
    upload = csv_file(
        [
            row("ТОС «Хороший»", 1),
            row("ТОС «Плохой ИНН»", 2, **{"Юрлицо": "да", "ИНН": "7707083894", "ОГРН": "1027700132195"}),
            row("ТОС «Плохая дата»", 3, **{"Численность на дату": "31.02.2026"}),
            row("", 4),
            row("ТОС «Кривой»", 5, **{"Границы (GeoJSON)": '{"type":"Point","coordinates":[46,51]}'}),
            row("ТОС «Статус»", 6, **{"Статус": "непонятный"}),
        ]
    )
    job = run(official, upload, django_capture_on_commit_callbacks)
    assert job.status == "failed"
    assert Tos.objects.count() == before
    found = {(e["row"], e["column"]) for e in job.errors}
    assert {(4, "Численность на дату"), (5, "Название"), (7, "Статус")} <= found


def test_service_level_errors_reported_per_row(official, django_capture_on_commit_callbacks):
    upload = csv_file(
        [
            row("ТОС «А»", 1),
            row("ТОС «Б»", 2, **{"Юрлицо": "да", "ИНН": "7707083894", "ОГРН": "1027700132195"}),
            row("ТОС «В»", 3, **{"Границы (GeoJSON)": '{"type":"Point","coordinates":[46,51]}'}),
        ]
    )
    job = run(official, upload, django_capture_on_commit_callbacks)
    assert job.status == "failed"
    assert not Tos.objects.filter(name="ТОС «А»").exists()
    found = {(e["row"], e["column"]) for e in job.errors}
    assert {(3, "ИНН"), (4, "Границы (GeoJSON)")} <= found


def test_xlsx_import_and_templates(official, django_capture_on_commit_callbacks):
    workbook = Workbook()
    sheet = workbook.active
    sheet.append(HEADERS)
    sheet.append(row("ТОС «Из Excel»", 4, **{"Жителей 16+": 250}))
    out = io.BytesIO()
    workbook.save(out)
    job = run(official, SimpleUploadedFile("reestr.xlsx", out.getvalue()), django_capture_on_commit_callbacks)
    assert job.status == "done", job.errors
    assert Tos.objects.get(name="ТОС «Из Excel»").residents_16plus == 250
    assert load_workbook(io.BytesIO(registry_import_template("xlsx"))).active.cell(1, 1).value == "Название"
    assert registry_import_template("csv").decode("utf-8-sig").startswith("Название;")


def test_wrong_type_size_and_permission(official):
    from django.core.exceptions import PermissionDenied, ValidationError

    with pytest.raises(ValidationError):
        registry_import_start(
            actor=official, municipality=municipality(), uploaded_file=SimpleUploadedFile("x.pdf", b"%PDF")
        )
    with pytest.raises(PermissionDenied):
        registry_import_start(
            actor=official,
            municipality=municipality("Энгельсский муниципальный район"),
            uploaded_file=csv_file([row("ТОС", 1)]),
        )


def test_import_pages(client, official, django_capture_on_commit_callbacks):
    client.force_login(official)
    assert client.get("/tos/import/").status_code == 200
    pending = client.post("/tos/import/", {"municipality": municipality().pk, "file": csv_file([row("ТОС «Ждёт»", 8)])})
    waiting = client.get(pending["Location"]).content.decode()
    assert 'http-equiv="refresh"' in waiting and "<progress" in waiting  # before the worker has run
    RegistryImport.objects.all().delete()
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            "/tos/import/", {"municipality": municipality().pk, "file": csv_file([row("ТОС «Страница»", 7)])}
        )
    job = RegistryImport.objects.get()
    assert response["Location"] == f"/tos/import/{job.pk}/"
    page = client.get(f"/tos/import/{job.pk}/").content.decode()
    assert "добавлено ТОС — 1" in page
    with django_capture_on_commit_callbacks(execute=True):
        bad = client.post("/tos/import/", {"municipality": municipality().pk, "file": csv_file([row("", 1)])})
    bad_job = RegistryImport.objects.exclude(pk=job.pk).get()
    page = client.get(bad["Location"]).content.decode()
    assert "ничего не сохранено" in page and "Не указано название" in page
    assert (
        client.get(f"/tos/import/{bad_job.pk}/", HTTP_HX_REQUEST="true")
        .content.decode()
        .lstrip()
        .startswith("<section")
    )
    assert client.get("/tos/import/template.xlsx").status_code == 200
    client.force_login(UserFactory())
    assert client.get(f"/tos/import/{job.pk}/").status_code == 403
