"""The count under pressure, on PostgreSQL (CI runs the whole suite there too): simultaneous ballots from the
same voters, and a worker killed in the middle of its work."""

import os
import signal
import subprocess
import sys
import threading
from collections import Counter
from concurrent.futures import ThreadPoolExecutor

import pytest
from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import connection, connections

from sosedi.accounts.tests.factories import member
from sosedi.meetings import services
from sosedi.meetings.models import Ballot, VoteRecord
from tests.reference_data import restore_reference_data

from .factories import open_meeting, tos_with_chair

pytestmark = [
    pytest.mark.django_db(transaction=True),
    pytest.mark.skipif(
        settings.DATABASES["default"]["ENGINE"] != "django.db.backends.postgresql",
        reason="row locks and concurrent transactions are PostgreSQL's; CI runs this on PostgreSQL",
    ),
]
VOTERS = 40
ATTEMPTS = 5  # 40 × 5 = 200 simultaneous requests
WORKERS = 50


def _meeting_with_voters(*, secret: bool):
    restore_reference_data()
    tos, chair = tos_with_chair(residents=VOTERS, remote_counts_for_quorum=True)
    people = [member(tos).user for _ in range(VOTERS)]
    m = open_meeting(tos, chair, secret=secret)
    for person in people:
        services.check_in_remote(actor=person, meeting=m)
    item = m.agenda_items.get()
    services.vote_open(actor=chair, item=item)
    return item, people


def _storm(item, people):
    """200 requests queued at once on 50 workers (PostgreSQL allows 100 connections; a server has a pool of
    workers too). A voter's five attempts sit next to each other in the queue, so they run at the same time
    in different workers."""
    tasks = [(person, n) for person in people for n in range(ATTEMPTS)]
    start = threading.Event()

    def attempt(task):
        person, n = task
        start.wait()
        try:
            services.ballot_cast(actor=person, item=item, choice=["for", "against", "abstain"][n % 3])
            return "ok"
        except ValidationError:
            return "refused"
        except Exception as exc:  # noqa: BLE001 — any other escape is exactly what this test looks for
            return f"error: {exc!r}"
        finally:
            connections.close_all()

    with ThreadPoolExecutor(max_workers=WORKERS) as pool:
        futures = [pool.submit(attempt, task) for task in tasks]
        start.set()
        outcomes = Counter(future.result(timeout=120) for future in futures)
    return outcomes


def test_200_simultaneous_named_ballots_leave_one_per_voter():
    item, people = _meeting_with_voters(secret=False)
    outcomes = _storm(item, people)
    assert set(outcomes) <= {"ok", "refused"}, outcomes
    assert sum(outcomes.values()) == VOTERS * ATTEMPTS
    assert VoteRecord.objects.filter(item=item).count() == VOTERS
    assert Ballot.objects.filter(item=item).count() == VOTERS
    voters = Counter(Ballot.objects.filter(item=item).values_list("voter_id", flat=True))
    assert len(voters) == VOTERS and set(voters.values()) == {1}


def test_200_simultaneous_secret_ballots_leave_one_per_voter():
    item, people = _meeting_with_voters(secret=True)
    outcomes = _storm(item, people)
    assert set(outcomes) <= {"ok", "refused"}, outcomes
    assert outcomes["ok"] == VOTERS and outcomes["refused"] == VOTERS * (ATTEMPTS - 1)
    assert VoteRecord.objects.filter(item=item).count() == VOTERS
    assert Ballot.objects.filter(item=item).count() == VOTERS
    assert Ballot.objects.filter(item=item, voter__isnull=False).count() == 0


def test_a_worker_killed_mid_request_loses_no_committed_ballot():
    item, people = _meeting_with_voters(secret=False)
    db = connection.settings_dict
    url = f"postgres://{db['USER']}@{db['HOST'] or '127.0.0.1'}:{db['PORT'] or 5432}/{db['NAME']}"
    env = {**os.environ, "DATABASE_URL": url, "DJANGO_SETTINGS_MODULE": "config.settings"}
    worker = subprocess.Popen(  # noqa: S603 — our own module, fixed arguments
        [sys.executable, "-m", "sosedi.meetings.tests.ballot_worker", str(item.pk), *[str(p.pk) for p in people]],
        stdout=subprocess.PIPE,
        env=env,
        cwd=settings.BASE_DIR,
        text=True,
    )
    committed = []
    for line in worker.stdout:
        committed.append(line.strip())
        if len(committed) == VOTERS // 2:
            break
    worker.send_signal(signal.SIGKILL)  # no cleanup, no rollback handler: the process just vanishes
    worker.wait(timeout=30)
    stored = {str(pk) for pk in Ballot.objects.filter(item=item).values_list("pk", flat=True)}
    assert set(committed) <= stored
    # Whatever was in flight is either wholly there or wholly gone: no vote without its ballot.
    records = VoteRecord.objects.filter(item=item).count()
    assert records == len(stored) >= len(committed)
    assert set(Ballot.objects.filter(item=item).values_list("voter_id", flat=True)) == set(
        VoteRecord.objects.filter(item=item).values_list("participant_id", flat=True)
    )
