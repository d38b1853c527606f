"""Country-scale data set for the benchmarks: ТОС in clusters around towns (as real ones are), members with
accounts, written with PostgreSQL COPY. Usage: DATABASE_URL=postgres://… python bench/generate.py N_TOS N_MEMBERS"""

import json
import math
import os
import random
import sys
import time
from datetime import UTC, date, datetime
from pathlib import Path

import django

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
django.setup()

from django.db import connection  # noqa: E402

from sosedi.territories.models import Municipality  # noqa: E402

RNG = random.Random(64)
TOS_PER_TOWN = 100
STATUSES = ["initiative", "forming", "registered", "registered", "registered", "liquidated"]
TYPES = ["entrance", "apartment_building", "house_group", "microdistrict", "rural_settlement", "other"]


def octagon(lat, lon, radius_m):
    rl = radius_m / 111_320
    rn = rl / math.cos(math.radians(lat))
    ring = []
    for i in range(8):
        a = 2 * math.pi * i / 8
        s = 0.8 + RNG.random() * 0.3
        ring.append([round(lon + rn * s * math.cos(a), 6), round(lat + rl * s * math.sin(a), 6)])
    ring.append(ring[0])
    return ring


def towns(n_tos):
    """Town centres on a jittered grid over European Russia; each town holds up to 100 ТОС."""
    count = math.ceil(n_tos / TOS_PER_TOWN)
    result = []
    for i in range(count):
        result.append((45.0 + (i % 30) * 0.5 + RNG.random() * 0.2, 30.0 + (i // 30) * 0.6 + RNG.random() * 0.2))
    return result


def main(n_tos: int, n_members: int) -> None:
    started = time.time()
    municipalities = list(Municipality.objects.values_list("id", flat=True))
    now = datetime.now(UTC)
    town_list = towns(n_tos)
    with connection.cursor() as cursor:
        cursor.execute(
            "TRUNCATE territories_membership, territories_tos_directions, territories_boundarydecision, "
            "territories_tos RESTART IDENTITY CASCADE"
        )
        cursor.execute("DELETE FROM accounts_user WHERE email LIKE %s", ["bench%@bench.invalid"])
    raw = connection.connection  # psycopg 3 connection under Django's wrapper
    columns = (
        "name, municipality_id, territory_type, territory_description, boundary, boundary_simplified, "
        "bbox_min_lon, bbox_min_lat, bbox_max_lon, bbox_max_lat, centroid_lon, centroid_lat, status, "
        "charter_reg_number, charter_reg_date, is_legal_entity, inn, ogrn, chair_name, contact_phone, "
        "contact_email, contact_address, residents_16plus, residents_as_of, founded_on, description, "
        "search_text, created_at, updated_at"
    )
    town_meta = []
    with raw.cursor() as cur, cur.copy(f"COPY territories_tos ({columns}) FROM STDIN") as copy:
        for i in range(n_tos):
            town = i // TOS_PER_TOWN
            tlat, tlon = town_list[town]
            # Place ТОС on a 10 × 10 grid of 450 m cells inside the town, so none overlap.
            k = i % TOS_PER_TOWN
            lat = tlat + (k // 10) * 0.004
            lon = tlon + (k % 10) * 0.0065
            ring = octagon(lat, lon, 180)
            geometry = json.dumps({"type": "Polygon", "coordinates": [ring]})
            lons = [p[0] for p in ring]
            lats = [p[1] for p in ring]
            status = STATUSES[i % len(STATUSES)]
            registered = status == "registered"
            name = f"ТОС «Бенч-{i:05d}»"
            mun = municipalities[town % len(municipalities)]
            copy.write_row(
                (
                    name,
                    mun,
                    TYPES[i % len(TYPES)],
                    f"ул. Тестовая {k}",
                    geometry,
                    geometry,
                    min(lons),
                    min(lats),
                    max(lons),
                    max(lats),
                    lon,
                    lat,
                    status,
                    str(i) if registered else "",
                    date(2022, 1, 1) if registered else None,
                    False,
                    "",
                    "",
                    "",
                    "",
                    "",
                    "",
                    100 + i % 900,
                    date(2026, 1, 1),
                    date(2021, 1, 1),
                    "",
                    name.lower() + " ул. тестовая",
                    now,
                    now,
                )
            )
            if k == 0:
                town_meta.append((tlat, tlon))
    print(f"ТОС: {n_tos} за {time.time() - started:.1f} с", flush=True)

    user_cols = (
        "password, is_superuser, first_name, last_name, is_staff, is_active, date_joined, email, patronymic, "
        "phone, birth_date, address"
    )
    with raw.cursor() as cur, cur.copy(f"COPY accounts_user ({user_cols}) FROM STDIN") as copy:
        for i in range(n_members):
            copy.write_row(
                (
                    "!",
                    False,
                    "Жит",
                    f"Бенч{i}",
                    False,
                    True,
                    now,
                    f"bench{i}@bench.invalid",
                    "",
                    "",
                    date(1980, 1, 1),
                    "ул. Тестовая",
                )
            )
    with connection.cursor() as cursor:
        cursor.execute("SELECT min(id) FROM accounts_user WHERE email LIKE %s", ["bench%@bench.invalid"])
        first_user = cursor.fetchone()[0]
        cursor.execute("SELECT min(id), max(id) FROM territories_tos")
        first_tos, last_tos = cursor.fetchone()
    print(f"люди: {n_members} за {time.time() - started:.1f} с", flush=True)
    member_cols = "tos_id, user_id, status, address, message, decision_note, created_at, updated_at"
    span = last_tos - first_tos + 1
    with raw.cursor() as cur, cur.copy(f"COPY territories_membership ({member_cols}) FROM STDIN") as copy:
        for i in range(n_members):
            copy.write_row(
                (
                    first_tos + (i * 7919) % span,
                    first_user + i,
                    "active" if i % 10 else "requested",
                    "ул. Тестовая",
                    "",
                    "",
                    now,
                    now,
                )
            )
    with connection.cursor() as cursor:
        cursor.execute(
            "INSERT INTO territories_tos_directions (tos_id, direction_id) "
            "SELECT t.id, d.id FROM territories_tos t JOIN territories_direction d ON d.position = t.id % 8"
        )
    # VACUUM (outside a transaction) fills the visibility map, so counts can use index-only scans.
    connection.set_autocommit(True)
    with connection.cursor() as cursor:
        cursor.execute("VACUUM ANALYZE")
    print(f"участники: {n_members} за {time.time() - started:.1f} с", flush=True)
    out = Path(__file__).resolve().parent / "results"
    out.mkdir(exist_ok=True)
    (out / "dataset.json").write_text(
        json.dumps({"first_tos": first_tos, "last_tos": last_tos, "towns": town_meta, "members": n_members})
    )


if __name__ == "__main__":
    main(int(sys.argv[1]) if len(sys.argv) > 1 else 35_000, int(sys.argv[2]) if len(sys.argv) > 2 else 1_000_000)
