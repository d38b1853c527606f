"""Writes to the registry. Pages, the API, the import and the demo loader all create and change ТОС here, so
the checks (permissions, geometry, ИНН/ОГРН, overlaps) cannot drift apart."""

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction

from sosedi.core.audit import audit_record

from .geometry import derive_fields, overlaps, parse_boundary
from .models import BoundaryDecision, Direction, Municipality, Tos, TosStatus
from .selectors import max_box_span
from .validators import validate_inn, validate_ogrn

EDITABLE_FIELDS = (
    "name",
    "municipality",
    "territory_type",
    "territory_description",
    "status",
    "charter_reg_number",
    "charter_reg_date",
    "is_legal_entity",
    "inn",
    "ogrn",
    "chair_name",
    "contact_phone",
    "contact_email",
    "contact_address",
    "residents_16plus",
    "residents_as_of",
    "founded_on",
    "description",
)
CONTACT_FIELDS = ("chair_name", "contact_phone", "contact_email", "contact_address", "description")


class OverlapError(ValidationError):
    """The boundary shares area with other ТОС; the caller may confirm and save anyway."""

    def __init__(self, overlapping: list[Tos]):
        names = ", ".join(f"«{t.name}»" for t in overlapping)
        super().__init__(
            {
                "boundary": [
                    ValidationError(
                        f"Границы пересекаются с территорией других ТОС: {names}. "
                        "Проверьте границы или подтвердите пересечение.",
                        code="overlap",
                    )
                ]
            }
        )
        self.overlapping = overlapping


def find_overlaps(geom, *, exclude_pk=None) -> list[Tos]:
    """Active ТОС whose boundary shares area with `geom`: a bounding-box query, then the exact test."""
    min_lon, min_lat, max_lon, max_lat = geom.bounds
    candidates = (
        Tos.objects.active()
        .filter(boundary__isnull=False)
        .in_bbox(min_lon, min_lat, max_lon, max_lat, max_span=max_box_span())
        .select_related("municipality")
    )
    if exclude_pk:
        candidates = candidates.exclude(pk=exclude_pk)
    return [t for t in candidates if overlaps(geom, parse_boundary(t.boundary))]


def _resolve_directions(values) -> list[Direction]:
    if values is None:
        return []
    codes = [v.code if isinstance(v, Direction) else str(v) for v in values]
    found = {d.code: d for d in Direction.objects.filter(code__in=codes)}
    unknown = [c for c in codes if c not in found]
    if unknown:
        raise ValidationError({"directions": [f"Неизвестное направление деятельности: {', '.join(unknown)}."]})
    return [found[c] for c in codes]


def _resolve_municipality(value) -> Municipality | None:
    if value is None or isinstance(value, Municipality):
        return value
    try:
        return Municipality.objects.get(pk=int(value))
    except (Municipality.DoesNotExist, TypeError, ValueError):
        raise ValidationError({"municipality": ["Муниципальное образование не найдено."]}) from None


def _cross_field_errors(tos: Tos) -> dict[str, list[str]]:
    errors: dict[str, list[str]] = {}
    if tos.status == TosStatus.REGISTERED:
        if not tos.charter_reg_number:
            errors.setdefault("charter_reg_number", []).append(
                "Для зарегистрированного ТОС укажите номер регистрации устава (ч. 5 ст. 27 131-ФЗ)."
            )
        if not tos.charter_reg_date:
            errors.setdefault("charter_reg_date", []).append(
                "Для зарегистрированного ТОС укажите дату регистрации устава."
            )
    if tos.is_legal_entity:
        for field, validator, length, label in (
            ("inn", validate_inn, 10, "ИНН организации — 10 цифр"),
            ("ogrn", validate_ogrn, 13, "ОГРН организации — 13 цифр"),
        ):
            value = getattr(tos, field)
            if not value:
                errors.setdefault(field, []).append(f"ТОС — юридическое лицо: укажите {field.upper()}.")
                continue
            try:
                validator(value)
            except ValidationError as exc:
                errors.setdefault(field, []).extend(exc.messages)
                continue
            if len(value) != length:
                errors.setdefault(field, []).append(f"{label}.")
    else:
        for field, validator in (("inn", validate_inn), ("ogrn", validate_ogrn)):
            if getattr(tos, field):
                try:
                    validator(getattr(tos, field))
                except ValidationError as exc:
                    errors.setdefault(field, []).extend(exc.messages)
    if tos.residents_16plus is not None and not tos.residents_as_of:
        errors.setdefault("residents_as_of", []).append("Укажите, на какую дату посчитана численность жителей.")
    if tos.charter_reg_date and tos.founded_on and tos.charter_reg_date < tos.founded_on:
        errors.setdefault("charter_reg_date", []).append("Устав не может быть зарегистрирован раньше учреждения ТОС.")
    return errors


def _apply(tos: Tos, data: dict, *, confirm_overlap: bool) -> tuple[list[Direction] | None, list[Tos]]:
    errors: dict[str, list[str]] = {}
    for field in EDITABLE_FIELDS:
        if field not in data:
            continue
        value = data[field]
        if field == "municipality":
            value = _resolve_municipality(value)
        elif isinstance(value, str):
            value = value.strip()
        setattr(tos, field, value)
    if "boundary" in data:
        raw = data["boundary"]
        if raw in (None, "", {}):
            tos.boundary = None
            for key in ("boundary_simplified", "bbox_min_lon", "bbox_min_lat", "bbox_max_lon", "bbox_max_lat"):
                setattr(tos, key, None)
            tos.centroid_lon = tos.centroid_lat = None
        else:
            try:
                geom = parse_boundary(raw)
            except ValidationError as exc:
                errors["boundary"] = exc.messages
            else:
                for key, value in derive_fields(geom).items():
                    setattr(tos, key, value)
    directions = None
    if "directions" in data:
        try:
            directions = _resolve_directions(data["directions"])
        except ValidationError as exc:
            errors.update(exc.message_dict)
    try:
        tos.full_clean(exclude=["search_text"], validate_constraints=False)
    except ValidationError as exc:
        for field, messages in exc.message_dict.items():
            errors.setdefault(field, []).extend(messages)
    for field, messages in _cross_field_errors(tos).items():
        errors.setdefault(field, []).extend(m for m in messages if m not in errors.get(field, []))
    if errors:
        raise ValidationError(errors)
    found: list[Tos] = []
    if tos.boundary and tos.status != TosStatus.LIQUIDATED:
        found = find_overlaps(parse_boundary(tos.boundary), exclude_pk=tos.pk)
        if found and not confirm_overlap:
            raise OverlapError(found)
    tos.search_text = " ".join(
        p for p in (tos.name, tos.municipality.name if tos.municipality_id else "", tos.territory_description) if p
    ).lower()
    return directions, found


@transaction.atomic
def tos_create(*, actor, data: dict, confirm_overlap: bool = False) -> Tos:
    municipality = _resolve_municipality(data.get("municipality"))
    if municipality is None:
        raise ValidationError({"municipality": ["Выберите муниципальное образование."]})
    if not actor.has_perm("territories.add_tos", municipality):
        raise PermissionDenied("Добавлять ТОС может служащий этого муниципального образования или администратор.")
    tos = Tos()
    directions, found = _apply(tos, {**data, "municipality": municipality}, confirm_overlap=confirm_overlap)
    tos.save()
    if directions is not None:
        tos.directions.set(directions)
    audit_record(
        actor=actor,
        action="tos.create",
        obj=tos,
        payload={"name": tos.name, "status": tos.status, "overlap_confirmed": [t.pk for t in found]},
    )
    return tos


@transaction.atomic
def tos_update(*, actor, tos: Tos, data: dict, confirm_overlap: bool = False) -> Tos:
    if not actor.has_perm("territories.change_tos", tos):
        only_contacts = set(data) <= set(CONTACT_FIELDS)
        if not (only_contacts and actor.has_perm("territories.change_tos_contacts", tos)):
            raise PermissionDenied("Изменять ТОС может служащий его муниципального образования или администратор.")
    new_municipality = _resolve_municipality(data.get("municipality")) if "municipality" in data else None
    if (
        new_municipality
        and new_municipality.pk != tos.municipality_id
        and not actor.has_perm("territories.add_tos", new_municipality)
    ):
        raise PermissionDenied("Перенести ТОС можно только в муниципальное образование, где у вас есть права.")
    before = {f: str(getattr(tos, f)) for f in EDITABLE_FIELDS if f in data}
    directions, found = _apply(tos, data, confirm_overlap=confirm_overlap)
    tos.save()
    if directions is not None:
        tos.directions.set(directions)
    changed = {f: [before[f], str(getattr(tos, f))] for f in before if before[f] != str(getattr(tos, f))}
    audit_record(
        actor=actor,
        action="tos.update",
        obj=tos,
        payload={
            "changed": changed,
            "boundary_changed": "boundary" in data,
            "overlap_confirmed": [t.pk for t in found],
        },
    )
    return tos


@transaction.atomic
def boundary_decision_add(*, actor, tos: Tos, body: str, number: str, date) -> BoundaryDecision:
    """Record the representative body's decision setting the boundary (ч. 2 ст. 27 131-ФЗ)."""
    if not actor.has_perm("territories.change_tos", tos):
        raise PermissionDenied
    decision = BoundaryDecision(tos=tos, body=(body or "").strip(), number=(number or "").strip(), date=date)
    decision.boundary = tos.boundary
    decision.full_clean()
    decision.save()
    audit_record(actor=actor, action="tos.boundary_decision", obj=tos, payload={"number": number, "date": str(date)})
    return decision
