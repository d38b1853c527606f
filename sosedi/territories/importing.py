"""Registry import from CSV or XLSX: every row is checked first, and only a file without a single error is
written, in one transaction. Row numbers are the spreadsheet's own (the header is row 1)."""

import csv
import io
from datetime import date, datetime
from pathlib import Path

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from sosedi.core.audit import audit_record

from .models import Direction, ImportStatus, RegistryImport, TerritoryType, Tos, TosStatus
from .services import tos_create, tos_update

MAX_BYTES = 5 * 1024 * 1024
PROGRESS_EVERY = 25

# Column header → (service field, parser). Headers are matched case-insensitively without extra spaces.
COLUMNS = {
    "название": "name",
    "вид территории": "territory_type",
    "описание территории": "territory_description",
    "статус": "status",
    "номер регистрации устава": "charter_reg_number",
    "дата регистрации устава": "charter_reg_date",
    "юрлицо": "is_legal_entity",
    "инн": "inn",
    "огрн": "ogrn",
    "председатель": "chair_name",
    "телефон": "contact_phone",
    "эл. почта": "contact_email",
    "жителей 16+": "residents_16plus",
    "численность на дату": "residents_as_of",
    "дата учреждения": "founded_on",
    "направления": "directions",
    "границы (geojson)": "boundary",
}
HEADERS = [
    "Название",
    "Вид территории",
    "Описание территории",
    "Статус",
    "Номер регистрации устава",
    "Дата регистрации устава",
    "Юрлицо",
    "ИНН",
    "ОГРН",
    "Председатель",
    "Телефон",
    "Эл. почта",
    "Жителей 16+",
    "Численность на дату",
    "Дата учреждения",
    "Направления",
    "Границы (GeoJSON)",
]
FIELD_HEADER = {field: header for header, field in zip(HEADERS, COLUMNS.values(), strict=True)}
EXAMPLE = [
    "ТОС «Пример»",
    "группа жилых домов",
    "ул. Примерная, дома 1–15",
    "зарегистрирован",
    "17",
    "15.03.2024",
    "нет",
    "",
    "",
    "Иванова Мария Петровна",
    "+7 900 000-00-00",
    "tos@example.ru",
    "350",
    "01.01.2026",
    "01.02.2024",
    "Благоустройство территории; Экология",
    '{"type":"Polygon","coordinates":[[[46.0,51.5],[46.002,51.5],[46.002,51.502],[46.0,51.502],[46.0,51.5]]]}',
]


def _choice(value: str, choices) -> str:
    wanted = value.strip().lower()
    for code, label in choices:
        if wanted in (code, str(label).lower()):
            return code
    allowed = "; ".join(str(label) for _, label in choices)
    raise ValidationError(f"Неизвестное значение «{value}». Допустимо: {allowed}.")


def _date(value) -> date | None:
    if isinstance(value, datetime):
        return value.date()
    if isinstance(value, date):
        return value
    text = str(value).strip()
    for fmt in ("%d.%m.%Y", "%Y-%m-%d"):
        try:
            return datetime.strptime(text, fmt).date()  # noqa: DTZ007 (a calendar date, no time zone)
        except ValueError:
            continue
    raise ValidationError(f"Дата «{text}» не распознана: пишите ДД.ММ.ГГГГ.")


def _bool(value) -> bool:
    text = str(value).strip().lower()
    if text in ("да", "1", "true", "yes", "истина"):
        return True
    if text in ("нет", "0", "false", "no", "ложь", ""):
        return False
    raise ValidationError(f"Ожидается «да» или «нет», а не «{value}».")


def _int(value) -> int:
    if isinstance(value, int | float) and not isinstance(value, bool):
        if int(value) != value or value < 0:
            raise ValidationError("Нужно целое неотрицательное число.")
        return int(value)
    text = str(value).strip().replace(" ", "").replace("\u00a0", "")
    if not text.isdigit():
        raise ValidationError(f"Нужно целое неотрицательное число, а не «{value}».")
    return int(text)


def _directions(value, known: dict[str, str]) -> list[str]:
    codes = []
    for part in str(value).replace(",", ";").split(";"):
        name = part.strip().lower()
        if not name:
            continue
        if name not in known:
            raise ValidationError(f"Неизвестное направление «{part.strip()}».")
        codes.append(known[name])
    return codes


def _parse_cell(field: str, value, known_directions) -> object:
    if field == "territory_type":
        return _choice(value, TerritoryType.choices)
    if field == "status":
        return _choice(value, TosStatus.choices)
    if field in ("charter_reg_date", "residents_as_of", "founded_on"):
        return _date(value)
    if field == "is_legal_entity":
        return _bool(value)
    if field == "residents_16plus":
        return _int(value)
    if field == "directions":
        return _directions(value, known_directions)
    if field in ("inn", "ogrn") and isinstance(value, int | float):
        return str(int(value))
    return str(value).strip()


def read_rows(name: str, content: bytes) -> tuple[list[str], list[tuple[int, list]]]:
    """Header and (spreadsheet row number, cells) of the non-empty data rows of a CSV or XLSX file."""
    suffix = Path(name).suffix.lower()
    if suffix == ".xlsx":
        from openpyxl import load_workbook

        try:
            workbook = load_workbook(io.BytesIO(content), read_only=True, data_only=True)
        except Exception as exc:  # openpyxl raises many kinds for a damaged file
            raise ValidationError(_("Файл XLSX повреждён или это не таблица Excel.")) from exc
        sheet = workbook.worksheets[0]
        rows = [list(r) for r in sheet.iter_rows(values_only=True)]
        workbook.close()
    elif suffix == ".csv":
        try:
            text = content.decode("utf-8-sig")
        except UnicodeDecodeError as exc:
            raise ValidationError(_("CSV-файл должен быть в кодировке UTF-8.")) from exc
        # The header row has no quoted values, so the most frequent separator in it is the delimiter.
        header_line = text.split("\n", 1)[0]
        delimiter = max(";,\t", key=header_line.count)
        try:
            rows = [list(r) for r in csv.reader(io.StringIO(text), delimiter=delimiter)]
        except csv.Error as exc:
            raise ValidationError(_("CSV-файл повреждён: %(error)s") % {"error": exc}) from exc
    else:
        raise ValidationError(_("Загрузите файл CSV или XLSX."))
    numbered = [(i + 1, r) for i, r in enumerate(rows) if any(c not in (None, "") for c in r)]
    if not numbered:
        raise ValidationError(_("Файл пуст."))
    header = [str(c or "").strip() for c in numbered[0][1]]
    return header, numbered[1:]


def registry_import_template(fmt: str) -> bytes:
    if fmt == "csv":
        out = io.StringIO()
        writer = csv.writer(out, delimiter=";")
        writer.writerow(HEADERS)
        writer.writerow(EXAMPLE)
        return ("\ufeff" + out.getvalue()).encode("utf-8")
    if fmt == "xlsx":
        from openpyxl import Workbook

        workbook = Workbook()
        sheet = workbook.active
        sheet.title = "Реестр ТОС"
        sheet.append(HEADERS)
        sheet.append(EXAMPLE)
        out = io.BytesIO()
        workbook.save(out)
        return out.getvalue()
    raise ValueError(fmt)


@transaction.atomic
def registry_import_start(*, actor, municipality, uploaded_file) -> RegistryImport:
    if not actor.has_perm("territories.import_registry", municipality):
        raise PermissionDenied("Загружать реестр может служащий этого муниципального образования или администратор.")
    name = Path(uploaded_file.name or "").name
    if Path(name).suffix.lower() not in (".csv", ".xlsx"):
        raise ValidationError({"file": ["Загрузите файл CSV или XLSX."]})
    if uploaded_file.size > MAX_BYTES:
        raise ValidationError({"file": ["Файл больше 5 МБ — разделите его на части."]})
    job = RegistryImport.objects.create(
        municipality=municipality, uploaded_by=actor, file=uploaded_file, original_name=name[:255]
    )
    from .tasks import process_registry_import

    transaction.on_commit(lambda: process_registry_import.delay(job.pk))
    return job


def _progress(job: RegistryImport, **fields) -> None:
    # Outside the all-or-nothing transaction: the page shows progress while the file is checked.
    RegistryImport.objects.filter(pk=job.pk).update(**fields)


def registry_import_process(import_id: int) -> RegistryImport:
    job = RegistryImport.objects.select_related("municipality", "uploaded_by").get(pk=import_id)
    if job.status in (ImportStatus.DONE, ImportStatus.FAILED):
        return job
    _progress(job, status=ImportStatus.RUNNING)
    errors: list[dict] = []
    try:
        with job.file.open("rb") as fh:
            header, rows = read_rows(job.original_name, fh.read())
    except ValidationError as exc:
        _progress(
            job, status=ImportStatus.FAILED, errors=[{"row": 0, "column": "", "message": m} for m in exc.messages]
        )
        return RegistryImport.objects.get(pk=job.pk)
    columns = {}
    for index, title in enumerate(header):
        field = COLUMNS.get(" ".join(title.lower().split()))
        if field:
            columns[index] = field
        elif title:
            errors.append({"row": 1, "column": title, "message": "Неизвестный столбец."})
    if "name" not in columns.values():
        errors.append({"row": 1, "column": "Название", "message": "Нет обязательного столбца «Название»."})
    _progress(job, total_rows=len(rows), errors=errors)
    known_directions = {d.name.lower(): d.code for d in Direction.objects.all()}
    known_directions.update({d.code: d.code for d in Direction.objects.all()})
    existing = {t.name.lower(): t for t in Tos.objects.filter(municipality=job.municipality)}
    parsed: list[tuple[int, dict]] = []
    seen: dict[str, int] = {}
    for offset, (line, row) in enumerate(rows):
        record: dict = {}
        for index, field in columns.items():
            value = row[index] if index < len(row) else None
            if value in (None, ""):
                continue
            try:
                record[field] = _parse_cell(field, value, known_directions)
            except ValidationError as exc:
                errors.append({"row": line, "column": FIELD_HEADER[field], "message": exc.messages[0]})
        name = str(record.get("name", "")).strip()
        if not name:
            errors.append({"row": line, "column": "Название", "message": "Не указано название ТОС."})
        elif name.lower() in seen:
            errors.append(
                {
                    "row": line,
                    "column": "Название",
                    "message": f"ТОС с таким названием уже есть в строке {seen[name.lower()]}.",
                }
            )
        else:
            seen[name.lower()] = line
        record.setdefault("territory_type", TerritoryType.OTHER)
        parsed.append((line, record))
        if (offset + 1) % PROGRESS_EVERY == 0:
            _progress(job, processed_rows=offset + 1)
    created = updated = 0
    if not errors:
        # Dry run of every row through the service inside a transaction that is always rolled back, so every
        # rule (geometry, checksums, overlaps with the registry and within the file) reports per row.
        errors = _check_with_services(job, parsed, existing)
    if not errors:
        with transaction.atomic():
            for _line, record in parsed:
                tos = existing.get(record["name"].lower())
                if tos:
                    tos_update(actor=job.uploaded_by, tos=tos, data=record, confirm_overlap=True)
                    updated += 1
                else:
                    tos_create(
                        actor=job.uploaded_by, data={**record, "municipality": job.municipality}, confirm_overlap=True
                    )
                    created += 1
            audit_record(
                actor=job.uploaded_by,
                action="registry.import",
                obj=job,
                payload={"file": job.original_name, "created": created, "updated": updated},
            )
    _progress(
        job,
        processed_rows=len(rows),
        status=ImportStatus.FAILED if errors else ImportStatus.DONE,
        errors=errors,
        created_count=created,
        updated_count=updated,
    )
    return RegistryImport.objects.get(pk=job.pk)


class _Rollback(Exception):
    pass


def _check_with_services(job, parsed, existing) -> list[dict]:
    errors: list[dict] = []
    try:
        with transaction.atomic():
            for line, record in parsed:
                tos = existing.get(record["name"].lower())
                try:
                    with transaction.atomic():
                        if tos:
                            tos_update(
                                actor=job.uploaded_by, tos=Tos.objects.get(pk=tos.pk), data=record, confirm_overlap=True
                            )
                        else:
                            tos_create(
                                actor=job.uploaded_by,
                                data={**record, "municipality": job.municipality},
                                confirm_overlap=True,
                            )
                except ValidationError as exc:
                    for field, messages in exc.message_dict.items():
                        column = FIELD_HEADER.get(field, field)
                        errors.extend({"row": line, "column": column, "message": m} for m in messages)
                except PermissionDenied as exc:
                    errors.append(
                        {"row": line, "column": "", "message": str(exc) or "Нет прав на изменение этого ТОС."}
                    )
            raise _Rollback
    except _Rollback:
        pass
    return errors
