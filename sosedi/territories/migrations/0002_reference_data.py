"""Reference data: Саратовская область, its 37 municipal districts and 4 urban okrugs (legal-rules.md §5.3,
shared/data/saratov-municipalities.csv), and the eight directions of ТОС activity (product.md)."""

import csv
from pathlib import Path

from django.db import migrations

DATA = Path(__file__).resolve().parent.parent / "data" / "saratov-municipalities.csv"

DIRECTIONS = [
    ("landscaping", "Благоустройство территории"),
    ("playgrounds", "Детские и спортивные площадки"),
    ("roads", "Ремонт дорог и тротуаров"),
    ("utilities", "Жилищно-коммунальные вопросы"),
    ("water", "Водоснабжение"),
    ("heritage", "Культурное наследие и досуг"),
    ("ecology", "Экология"),
    ("social", "Помощь нуждающимся"),
]


def load(apps, schema_editor):
    Region = apps.get_model("territories", "Region")
    Municipality = apps.get_model("territories", "Municipality")
    Direction = apps.get_model("territories", "Direction")
    region, _ = Region.objects.get_or_create(code="64", defaults={"name": "Саратовская область"})
    with DATA.open(encoding="utf-8") as fh:
        for row in csv.DictReader(fh):
            Municipality.objects.update_or_create(
                region=region,
                name=row["name"],
                defaults={
                    "kind": row["kind"],
                    "centre": row["centre"],
                    "oktmo": row["oktmo"] or None,
                    "oktmo_confidence": row["oktmo_confidence"],
                    "lat": float(row["lat"]) if row["lat"] else None,
                    "lon": float(row["lon"]) if row["lon"] else None,
                },
            )
    for position, (code, name) in enumerate(DIRECTIONS):
        Direction.objects.update_or_create(code=code, defaults={"name": name, "position": position})


class Migration(migrations.Migration):
    dependencies = [("territories", "0001_initial")]
    operations = [migrations.RunPython(load, migrations.RunPython.noop)]
