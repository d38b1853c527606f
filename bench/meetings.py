"""Meetings benchmark data and the tally measurement, on PostgreSQL.

    DATABASE_URL=postgres://…/sosedi_bench_meetings python bench/meetings.py [N_BALLOTS]

1. Writes (with COPY) one open собрание of a ТОС with N_BALLOTS participants (100,000 by default) who all voted
   on its first item, and a second, live собрание with 300 participants, three items and the first vote open.
2. Times `results.tally(item)` on the 100,000 ballots (20 runs: median and max; target < 200 ms), then the
   ballots' digest and the whole `vote_close` (which does both, plus the quorum and the audit record).
3. Prints one JSON line per measurement and writes bench/results/meetings-params.json (ids for wrk).
"""

import io
import json
import os
import statistics
import sys
import time
import uuid
from datetime import date, timedelta
from pathlib import Path

import django

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
django.setup()

from django.conf import settings  # noqa: E402
from django.db import connection  # noqa: E402
from django.test import Client  # noqa: E402
from django.utils import timezone  # noqa: E402

from sosedi.accounts.models import Role, User  # noqa: E402
from sosedi.accounts.services import role_grant  # noqa: E402
from sosedi.meetings import results, services  # noqa: E402
from sosedi.meetings.models import Meeting  # noqa: E402
from sosedi.territories.models import Membership, Municipality, Tos  # noqa: E402

RESULTS = Path(__file__).resolve().parent / "results"


def _copy(table: str, columns: list[str], rows) -> None:
    buffer = io.StringIO()
    for row in rows:
        buffer.write("\t".join("\\N" if v is None else str(v) for v in row) + "\n")
    buffer.seek(0)
    with connection.cursor() as cursor, cursor.copy(f"COPY {table} ({', '.join(columns)}) FROM STDIN") as copy:
        copy.write(buffer.getvalue())


def _setup(residents: int):
    admin, _ = User.objects.get_or_create(email="bench-admin@bench.invalid", defaults={"is_superuser": True})
    municipality = Municipality.objects.get(name="город Саратов")
    tos = Tos.objects.create(
        name=f"ТОС «Бенчмарк {uuid.uuid4().hex[:6]}»",
        municipality=municipality,
        territory_type="microdistrict",
        status="forming",
        residents_16plus=residents,
        search_text="бенчмарк",
    )
    chair = User.objects.create(email=f"chair-{tos.pk}@bench.invalid", last_name="Председатель", first_name="Бенч")
    Membership.objects.create(tos=tos, user=chair, status="active", address="ул. Тестовая, 1")
    role_grant(actor=admin, user=chair, role=Role.CHAIR, tos=tos)
    services.charter_update(actor=chair, tos=tos, remote_counts_for_quorum=True)
    return tos, chair


def _meeting(tos, chair, title: str, items: int):
    meeting = services.meeting_create(
        actor=chair,
        tos=tos,
        kind="assembly",
        format="hybrid",
        title=title,
        starts_at=timezone.now() + timedelta(days=10),
        place="Актовый зал",
        link="https://meet.example.ru/bench",
    )
    for n in range(items):
        services.agenda_item_add(actor=chair, meeting=meeting, title=f"Вопрос повестки № {n + 1}")
    services.meeting_call(actor=chair, meeting=meeting)
    services.meeting_open(actor=chair, meeting=meeting, presiding_name="Председатель Б.", secretary_name="Секретарь Б.")
    return meeting


def _participants(meeting: Meeting, count: int, start: int = 0) -> list[int]:
    now = timezone.now().isoformat()
    _copy(
        "meetings_participant",
        ["meeting_id", "mode", "full_name", "address", "birth_year", "person_key", "proxy_document", "checked_in_at"],
        (
            (
                meeting.pk,
                "paper",
                f"Житель Номер{n}",
                "ул. Тестовая",
                1950 + n % 50,
                f"житель номер{n}|{1950 + n % 50}",
                "",
                now,
            )
            for n in range(start, start + count)
        ),
    )
    return list(meeting.participants.order_by("pk").values_list("pk", flat=True))


def _ballots(item, participant_ids: list[int]) -> None:
    now = timezone.now().isoformat()
    choices = ["for", "for", "against", "abstain"]
    _copy(
        "meetings_voterecord",
        ["item_id", "participant_id", "source", "created_at"],
        ((item.pk, pk, "paper", now) for pk in participant_ids),
    )
    _copy(
        "meetings_ballot",
        ["id", "item_id", "choice", "voter_id", "receipt", "source"],
        ((uuid.uuid4(), item.pk, choices[n % 4], pk, "", "paper") for n, pk in enumerate(participant_ids)),
    )
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE meetings_ballot; ANALYZE meetings_voterecord; ANALYZE meetings_participant")


def _timed(fn, runs: int) -> dict:
    times = []
    for _ in range(runs):
        started = time.perf_counter()
        fn()
        times.append((time.perf_counter() - started) * 1000)
    return {"median_ms": round(statistics.median(times), 1), "max_ms": round(max(times), 1), "runs": runs}


def main(n_ballots: int) -> None:
    RESULTS.mkdir(exist_ok=True)
    started = time.time()
    tos, chair = _setup(residents=3 * n_ballots)
    big = _meeting(tos, chair, "Собрание на 100 000 бюллетеней", items=1)
    item = big.agenda_items.get()
    services.vote_open(actor=chair, item=item)
    _ballots(item, _participants(big, n_ballots))
    print(json.dumps({"step": "data", "ballots": n_ballots, "seconds": round(time.time() - started, 1)}), flush=True)

    counts = results.tally(item)
    assert counts["cast"] == n_ballots, counts
    tally = _timed(lambda: results.tally(item), 20)
    print(json.dumps({"measure": "tally", "ballots": n_ballots, **tally, "target_ms": 200,
                      "ok": tally["median_ms"] < 200 and tally["max_ms"] < 200}), flush=True)  # fmt: skip
    digest = _timed(lambda: results.ballots_digest(item), 3)
    print(json.dumps({"measure": "ballots_digest", "ballots": n_ballots, **digest}), flush=True)
    close = _timed(lambda: services.vote_close(actor=chair, item=item), 1)
    print(json.dumps({"measure": "vote_close", "ballots": n_ballots, **close}), flush=True)

    live = _meeting(tos, chair, "Идущее собрание на 300 участников", items=3)
    _participants(live, 300)
    first = live.agenda_items.order_by("position").first()
    services.vote_open(actor=chair, item=first)
    # A signed-in participant: the page as the people in the meeting see it (never from the page cache).
    voter = User.objects.create(
        email=f"voter-{live.pk}@bench.invalid", last_name="Участник", first_name="Бенч", birth_date=date(1970, 1, 1)
    )
    Membership.objects.create(tos=tos, user=voter, status="active", address="ул. Тестовая, 2")
    services.check_in_remote(actor=voter, meeting=live)
    client = Client()
    client.force_login(voter)
    session = client.cookies[settings.SESSION_COOKIE_NAME].value
    (RESULTS / "meetings-params.json").write_text(json.dumps({"live_meeting": live.pk, "member_session": session}))
    print(json.dumps({"step": "live meeting", "id": live.pk, "participants": 300}), flush=True)


if __name__ == "__main__":
    main(int(sys.argv[1]) if len(sys.argv) > 1 else 100_000)
