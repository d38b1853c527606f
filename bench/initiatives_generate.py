"""Ideas and initiative projects at the issue's scale for the map and list benchmark (issue [3]: 100,000 ideas and
projects, p95 < 100 ms at 16 clients). Usage:

    DATABASE_URL=postgres://…/sosedi_bench_initiatives python bench/initiatives_generate.py N_IDEAS N_PROJECTS

The ТОС and their residents come from bench/generate.py (its towns, its COPY of ТОС and members, at a smaller
scale); ideas and projects are placed around those towns, half of them inside a ТОС, in every status, with
supports and online and paper signatures, all written with PostgreSQL COPY. Writes bench/results/initiatives.json
(ids and town centres for the wrk scenario)."""

import json
import random
import sys
import time
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

import generate  # noqa: I001 — bench/generate.py sets Django up on import
from django.db import connection

from sosedi.initiatives.models import ProjectStatus
from sosedi.territories.models import Direction

RNG = random.Random(26)
N_TOS = 10_000
N_RESIDENTS = 20_000
# Most projects are public and past submission, as on a platform that has run for some years; a few drafts.
STATUS_WEIGHTS = {
    ProjectStatus.DRAFT: 3,
    ProjectStatus.COLLECTING: 10,
    ProjectStatus.SUBMITTED: 5,
    ProjectStatus.PUBLISHED: 5,
    ProjectStatus.SUPPORTED: 15,
    ProjectStatus.REJECTED: 10,
    ProjectStatus.IMPLEMENTING: 15,
    ProjectStatus.COMPLETED: 7,
    ProjectStatus.REPORTED: 30,
}
WORDS = ["Детская площадка", "Ремонт тротуара", "Сквер", "Освещение улицы", "Спортплощадка", "Остановка", "Колодец"]


def _when(i: int, n: int) -> datetime:
    """Spread over five years, newer rows with higher ids (as inserts come)."""
    return datetime(2021, 6, 1, tzinfo=UTC) + timedelta(minutes=int(i * 5 * 365 * 24 * 60 / max(n, 1)))


def main(n_ideas: int, n_projects: int) -> None:
    started = time.time()
    generate.main(N_TOS, N_RESIDENTS)
    with connection.cursor() as cursor:
        cursor.execute(
            "TRUNCATE initiatives_ideasupport, initiatives_ideacomment, initiatives_ideaphoto, initiatives_idea, "
            "initiatives_signature, initiatives_initiativeproject RESTART IDENTITY CASCADE"
        )
        cursor.execute("SELECT id, municipality_id, centroid_lat, centroid_lon FROM territories_tos ORDER BY id")
        tos_rows = cursor.fetchall()
        cursor.execute("SELECT min(id) FROM accounts_user WHERE email LIKE %s", ["bench%@bench.invalid"])
        first_user = cursor.fetchone()[0]
    directions = list(Direction.objects.values_list("id", flat=True))
    raw = connection.connection
    statuses = list(STATUS_WEIGHTS)
    weights = list(STATUS_WEIGHTS.values())

    def place(i):
        tos_id, municipality_id, lat, lon = tos_rows[RNG.randrange(len(tos_rows))]
        jitter_lat, jitter_lon = RNG.uniform(-0.002, 0.002), RNG.uniform(-0.003, 0.003)
        return (tos_id if i % 2 else None), municipality_id, round(lat + jitter_lat, 6), round(lon + jitter_lon, 6)

    idea_cols = (
        "author_id, municipality_id, tos_id, direction_id, title, description, lat, lon, status, created_at, updated_at"
    )
    with raw.cursor() as cur, cur.copy(f"COPY initiatives_idea ({idea_cols}) FROM STDIN") as copy:
        for i in range(n_ideas):
            tos_id, muni, lat, lon = place(i)
            at = _when(i, n_ideas)
            status = "archived" if i % 20 == 0 else ("in_project" if i % 7 == 0 else "open")
            title = f"{WORDS[i % len(WORDS)]} — идея {i}"
            row = (first_user + i % N_RESIDENTS, muni, tos_id, directions[i % len(directions)], title)
            copy.write_row((*row, "Описание идеи для нагрузочного теста.", lat, lon, status, at, at))
    print(f"идеи: {n_ideas} за {time.time() - started:.1f} с", flush=True)

    with raw.cursor() as cur, cur.copy("COPY initiatives_ideasupport (idea_id, user_id, created_at) FROM STDIN") as c:
        now = datetime.now(UTC)
        for i in range(n_ideas):
            for k in range(i % 6):
                c.write_row((i + 1, first_user + (i * 13 + k * 101) % N_RESIDENTS, now))

    project_cols = (
        "title, municipality_id, tos_id, direction_id, created_by_id, initiator_kind, initiator_other, initiator_name, "
        "problem, "
        "justification, expected_result, cost_estimate, cost_breakdown, timeline, participation, budget_amount, "
        "territory_description, other_info, lat, lon, status, protocol_file, submitted_at, publication_deadline, "
        "review_deadline, published_at, remarks_until, deadline_basis, decision, decided_at, rejection_ground, "
        "decision_text, budget_line, rework_offer, report_text, created_at, updated_at"
    )
    after_submission = {s for s in statuses if s not in (ProjectStatus.DRAFT, ProjectStatus.COLLECTING)}
    with raw.cursor() as cur, cur.copy(f"COPY initiatives_initiativeproject ({project_cols}) FROM STDIN") as copy:
        for i in range(n_projects):
            tos_id, muni, lat, lon = place(i)
            status = RNG.choices(statuses, weights)[0]
            at = _when(i, n_projects)
            submitted = at + timedelta(days=20) if status in after_submission else None
            published = submitted + timedelta(days=2) if submitted and status != ProjectStatus.SUBMITTED else None
            decision = "" if status in (ProjectStatus.SUBMITTED, ProjectStatus.PUBLISHED) else "support"
            if status == ProjectStatus.REJECTED:
                decision = "reject"
            elif not submitted:
                decision = ""
            copy.write_row(
                (
                    f"{WORDS[i % len(WORDS)]} — проект {i}",
                    muni,
                    tos_id,
                    directions[i % len(directions)],
                    first_user + i % N_RESIDENTS,
                    "tos_body" if tos_id else "group",
                    "",  # initiator_other: only for initiators named by a municipal act
                    "Совет ТОС" if tos_id else "",
                    *("Часть проекта для нагрузочного теста." for _ in range(3)),
                    500_000 + i % 1000 * 1000,
                    "",
                    "2027 год",
                    "Жители — субботник.",
                    450_000 + i % 1000 * 900,
                    "Двор у дома.",
                    "",
                    lat,
                    lon,
                    status,
                    "",
                    submitted,
                    submitted.date() + timedelta(days=4) if submitted else None,
                    submitted.date() + timedelta(days=30) if submitted else None,
                    published,
                    published.date() + timedelta(days=8) if published else None,
                    "{}",
                    decision,
                    submitted + timedelta(days=25) if decision else None,
                    4 if decision == "reject" else None,
                    "Решение для нагрузочного теста." if decision else "",
                    "КБК 000 0503" if decision == "support" else "",
                    "",
                    "",
                    at,
                    at,
                )
            )
    print(f"проекты: {n_projects} за {time.time() - started:.1f} с", flush=True)

    sig_cols = "project_id, user_id, source, full_name, birth_date, address, person_key, signed_on, created_at"
    with raw.cursor() as cur, cur.copy(f"COPY initiatives_signature ({sig_cols}) FROM STDIN") as copy:
        now = datetime.now(UTC)
        for i in range(n_projects):
            for k in range(i % 12):
                online = k % 3 != 0
                user = first_user + (i * 17 + k * 37) % N_RESIDENTS if online else None
                key = f"u{user}" if online else f"p{i}-{k}"
                copy.write_row(
                    (
                        i + 1,
                        user,
                        "online" if online else "paper",
                        f"Житель {key}",
                        date(1980, 1, 1),
                        "",
                        key,
                        now.date(),
                        now,
                    )
                )
    connection.set_autocommit(True)
    with connection.cursor() as cursor:
        cursor.execute("VACUUM ANALYZE")
        cursor.execute("SELECT DISTINCT municipality_id FROM initiatives_initiativeproject ORDER BY 1")
        municipalities = [r[0] for r in cursor.fetchall()]
    towns = json.loads((Path(__file__).resolve().parent / "results" / "dataset.json").read_text())["towns"]
    out = Path(__file__).resolve().parent / "results" / "initiatives.json"
    out.write_text(
        json.dumps({"municipalities": municipalities, "towns": towns, "ideas": n_ideas, "projects": n_projects})
    )
    print(f"всё: {time.time() - started:.1f} с", flush=True)


if __name__ == "__main__":
    main(int(sys.argv[1]) if len(sys.argv) > 1 else 50_000, int(sys.argv[2]) if len(sys.argv) > 2 else 50_000)
