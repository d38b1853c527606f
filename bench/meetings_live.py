"""A live собрание for the page benchmark, and a voter that keeps it changing while wrk loads the page.

    .venv/bin/python bench/meetings_live.py setup              # writes bench/results/meetings-params.json
    .venv/bin/python bench/meetings_live.py vote RATE SECONDS  # RATE ballots a second through the services

Run by bench/run_meetings.sh on the database in DATABASE_URL (default the scratch `sosedi_bench_meetings`,
already migrated); the name must contain "bench".

`setup` builds, through the services as the chair, secretary and members would: a ТОС of 600 residents aged
16+, a hybrid собрание with three agenda items, opened; 300 participants checked in — 150 online, 100 at the
door by their codes, 50 from the paper sheet — so the quorum line reads «Кворум есть: 300 из 600»; the vote on
the first item open with 100 ballots already cast. It also signs one online participant in and stores the
session key, for the signed-in scenarios.

`vote` is what happens during a real vote: online participants cast (and re-cast) ballots at a steady rate.
Every ballot is an event of the meeting, so the cached copies of its page and quorum line are replaced — the
anonymous scenario "during the vote" measures the page being rendered afresh, not only served from the cache.
"""

import json
import os
import sys
import time
import uuid
from datetime import date, timedelta
from pathlib import Path
from urllib.parse import urlsplit

ROOT = Path(__file__).resolve().parent.parent
PARAMS = ROOT / "bench" / "results" / "meetings-params.json"
DEFAULT_URL = "postgres://postgres@127.0.0.1:5432/sosedi_bench_meetings"
ONLINE, AT_DOOR, ON_PAPER = 150, 100, 50
CAST_BEFORE = 100


def _setup_django() -> None:
    url = os.environ.setdefault("DATABASE_URL", DEFAULT_URL)
    if "bench" not in urlsplit(url).path:
        sys.exit("refusing to write benchmark data: the database name must contain 'bench'")
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
    os.environ.setdefault("DEBUG", "false")
    os.environ["EMAIL_URL"] = "dummymail://"  # the services notify members; a benchmark sends no mail
    sys.path.insert(0, str(ROOT))
    import django

    django.setup()


def setup() -> dict:
    from django.conf import settings
    from django.test import Client
    from django.utils import timezone

    from sosedi.accounts.models import Role, User
    from sosedi.accounts.services import role_grant
    from sosedi.meetings import services
    from sosedi.territories.models import Membership, Municipality, Tos

    tag = uuid.uuid4().hex[:8]
    admin, _ = User.objects.get_or_create(email="bench-admin@bench.invalid", defaults={"is_superuser": True})
    tos = Tos.objects.create(
        name=f"ТОС «Бенчмарк собрания {tag}»",
        municipality=Municipality.objects.order_by("pk").first(),
        territory_type="microdistrict",
        status="forming",
        residents_16plus=600,
        search_text="бенчмарк",
    )
    chair = User.objects.create(email=f"chair-{tag}@bench.invalid", last_name="Председатель", first_name="Бенч")
    Membership.objects.create(tos=tos, user=chair, status="active", address="ул. Тестовая, 1")
    role_grant(actor=admin, user=chair, role=Role.CHAIR, tos=tos)
    services.charter_update(actor=chair, tos=tos, remote_counts_for_quorum=True, revote_allowed=True)
    # Members of the ТОС (bulk: accounts are not what is measured), old enough to take part.
    people = User.objects.bulk_create(
        User(
            email=f"m{n}-{tag}@bench.invalid",
            last_name=f"Жителева{n}",
            first_name="Мария",
            patronymic="Ивановна",
            birth_date=date(1950 + n % 50, 1 + n % 12, 1 + n % 28),
        )
        for n in range(ONLINE + AT_DOOR)
    )
    Membership.objects.bulk_create(
        Membership(tos=tos, user=u, status="active", address=f"ул. Тестовая, {n % 40 + 1}")
        for n, u in enumerate(people)
    )

    meeting = services.meeting_create(
        actor=chair,
        tos=tos,
        kind="assembly",
        format="hybrid",
        title="Отчётное собрание жителей",
        starts_at=timezone.now() + timedelta(days=10),
        place="Актовый зал школы № 5",
        link="https://meet.example.ru/bench",
    )
    for title in ("Отчёт совета ТОС за год", "Смета на следующий год", "Благоустройство двора"):
        services.agenda_item_add(actor=chair, meeting=meeting, title=title)
    services.meeting_call(actor=chair, meeting=meeting)
    services.meeting_open(actor=chair, meeting=meeting, presiding_name="Председатель Б.", secretary_name="Секретарь Б.")
    online, at_door = people[:ONLINE], people[ONLINE:]
    for person in online:
        services.check_in_remote(actor=person, meeting=meeting)
    for person in at_door:
        code = services.door_pass_issue(actor=person, meeting=meeting).code
        services.check_in_by_code(actor=chair, meeting=meeting, code=code)
    for n in range(ON_PAPER):
        services.register_paper(
            actor=chair, meeting=meeting, full_name=f"Бумажкин{n} Пётр Сергеевич", birth_year=1940 + n, address="ул. 1"
        )
    item = meeting.agenda_items.order_by("position").first()
    services.vote_open(actor=chair, item=item)
    choices = ["for", "for", "against", "abstain"]
    for n, person in enumerate(online[:CAST_BEFORE]):
        services.ballot_cast(actor=person, item=item, choice=choices[n % len(choices)])

    # A participant signed in: the page as the people in the meeting see it (never from the page cache).
    client = Client()
    client.force_login(online[-1])
    params = {
        "live_meeting": meeting.pk,
        "item": item.pk,
        "participants": meeting.participants.count(),
        "member_session": client.cookies[settings.SESSION_COOKIE_NAME].value,
        "voters": [u.pk for u in online],
    }
    PARAMS.parent.mkdir(exist_ok=True)
    PARAMS.write_text(json.dumps(params))
    return params


def vote(rate: float, seconds: float) -> int:
    """Cast ballots round-robin over the online participants at `rate` a second for `seconds`."""
    from sosedi.accounts.models import User
    from sosedi.meetings import services
    from sosedi.meetings.models import AgendaItem

    params = json.loads(PARAMS.read_text())
    item = AgendaItem.objects.select_related("meeting__tos").get(pk=params["item"])
    voters = list(User.objects.filter(pk__in=params["voters"]).order_by("pk"))
    choices = ["for", "against", "abstain", "for"]
    started = time.monotonic()
    cast = 0
    while (elapsed := time.monotonic() - started) < seconds:
        services.ballot_cast(actor=voters[cast % len(voters)], item=item, choice=choices[cast % len(choices)])
        cast += 1
        # A steady schedule, not "sleep after each": a slow ballot does not lower the rate.
        time.sleep(max(0.0, cast / rate - (time.monotonic() - started)))
    print(json.dumps({"step": "voter", "ballots": cast, "seconds": round(elapsed, 1)}), flush=True)
    return cast


if __name__ == "__main__":
    _setup_django()
    if sys.argv[1:2] == ["setup"]:
        result = setup()
        shown = {k: v for k, v in result.items() if k not in ("voters", "member_session")}
        print(json.dumps({"step": "live meeting", **shown}))
    elif sys.argv[1:2] == ["vote"]:
        vote(float(sys.argv[2]), float(sys.argv[3]))
    else:
        sys.exit(__doc__)
