"""The count under pressure, on PostgreSQL (CI runs the whole suite there too): 200 simultaneous ballot
requests, many of them from the same voters, and a worker killed in the middle of writing a ballot.

Row locks, unique indexes that make a second inserter wait for the first to commit, and a backend that rolls
back when its client vanishes are PostgreSQL's behaviour; SQLite serialises every writer and proves nothing
here, so these tests are skipped there."""

import os
import re
import signal
import subprocess
import sys
import threading
import time
from collections import Counter

import psycopg
import pytest
from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import connection

from sosedi.accounts.models import User
from sosedi.core.audit import audit_verify
from sosedi.core.models import AuditEvent
from sosedi.meetings import results, services
from sosedi.meetings.models import AgendaItem, Ballot, VoteRecord
from tests.reference_data import restore_reference_data

from .factories import members, open_meeting, tos_with_chair

pytestmark = [
    pytest.mark.django_db(transaction=True),
    pytest.mark.skipif(
        connection.vendor != "postgresql",
        reason="concurrent transactions, row locks and a killed client are PostgreSQL's; CI runs this there",
    ),
]

VOTERS = 40
ATTEMPTS = 5  # 40 voters × 5 attempts = 200 requests
# Threads, each with its own connection, like the workers of a server. PostgreSQL's default max_connections is
# 100 and other clients (this test's own connection, a developer's shell) need some, so 50 workers take the
# 200 requests in four waves of 50; each wave starts at a barrier with every connection already open.
WORKERS = 50
CHOICES = ["for", "against", "abstain"]
CYRILLIC = re.compile("[а-яё]", re.IGNORECASE)


def _meeting_with_voters(*, secret: bool):
    # A transactional test starts from empty tables (the previous one flushed them), rule sets included.
    restore_reference_data()
    tos, chair = tos_with_chair(residents=VOTERS, remote_counts_for_quorum=True, revote_allowed=True)
    people = members(tos, VOTERS)
    m = open_meeting(tos, chair, secret=secret)
    for person in people:
        services.check_in_remote(actor=person, meeting=m)
    item = m.agenda_items.get()
    services.vote_open(actor=chair, item=item)
    return item, people


def _storm(item, people) -> list[tuple]:
    """Send ATTEMPTS requests per voter; return (user id, choice, outcome, detail) for each request.

    Requests are dealt voter by voter, so the five attempts of one voter land in five different workers of the
    same wave and hit the database at the same moment — the race that lets people vote twice elsewhere."""
    requests = [(person.pk, CHOICES[n % len(CHOICES)]) for person in people for n in range(ATTEMPTS)]
    assert len(requests) % WORKERS == 0
    waves = len(requests) // WORKERS
    barrier = threading.Barrier(WORKERS)
    outcomes: list[tuple | None] = [None] * len(requests)

    def worker(slot: int) -> None:
        try:
            connection.ensure_connection()
            for wave in range(waves):
                index = wave * WORKERS + slot
                user_id, choice = requests[index]
                # Each request loads its own user and item, as a view does; nothing is shared between threads.
                actor = User.objects.get(pk=user_id)
                target = AgendaItem.objects.select_related("meeting__tos").get(pk=item.pk)
                barrier.wait(timeout=60)
                try:
                    ballot, receipt, replaced = services.ballot_cast(actor=actor, item=target, choice=choice)
                    outcomes[index] = (user_id, choice, "ok", (str(ballot.pk), receipt, replaced))
                except ValidationError as exc:
                    outcomes[index] = (user_id, choice, "refused", " ".join(exc.messages))
                except Exception as exc:  # noqa: BLE001 — an IntegrityError or any other escape is the failure
                    outcomes[index] = (user_id, choice, "error", repr(exc))
        except threading.BrokenBarrierError:
            pass  # another worker failed before the start line; its own outcome tells why
        except Exception as exc:  # noqa: BLE001 — reported through the outcomes, not lost in a thread
            barrier.abort()
            outcomes[slot] = (None, None, "error", f"worker setup: {exc!r}")
        finally:
            connection.close()  # this thread's connection; the server must not keep 50 idle backends

    threads = [threading.Thread(target=worker, args=(slot,)) for slot in range(WORKERS)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=180)
    assert not any(thread.is_alive() for thread in threads), "a worker hung: a deadlock or a lock never released"
    errors = [o for o in outcomes if o is None or o[2] == "error"]
    assert not errors, errors[:5]
    return outcomes


def _refusals_are_russian(outcomes) -> None:
    for _user, _choice, outcome, detail in outcomes:
        if outcome == "refused":
            assert CYRILLIC.search(detail), detail


def _one_per_voter(item, people) -> None:
    records = Counter(VoteRecord.objects.filter(item=item).values_list("participant__user_id", flat=True))
    assert records == Counter({person.pk: 1 for person in people})
    assert Ballot.objects.filter(item=item).count() == len(people)
    assert results.tally(item)["cast"] == len(people)
    # Concurrent writers append to one hash chain; a fork would read as tampering.
    assert audit_verify().ok


def test_200_simultaneous_named_ballots_with_revoting_leave_one_ballot_per_voter():
    item, people = _meeting_with_voters(secret=False)
    outcomes = _storm(item, people)

    # Re-voting is allowed, so every request counts: the first one per voter casts, the others replace.
    assert Counter(o[2] for o in outcomes) == {"ok": VOTERS * ATTEMPTS}
    replaced = Counter((o[0], o[3][2]) for o in outcomes)
    assert all(replaced[(person.pk, False)] == 1 for person in people), replaced
    _one_per_voter(item, people)
    ballots = Counter(Ballot.objects.filter(item=item).values_list("voter__user_id", flat=True))
    assert ballots == Counter({person.pk: 1 for person in people})
    # Each voter kept a single ballot row: every request of theirs returned that same row.
    stored = dict(Ballot.objects.filter(item=item).values_list("voter__user_id", "pk"))
    assert all(o[3][0] == str(stored[o[0]]) for o in outcomes)

    # The log tells the same story as the table: one cast and four replacements per voter, and the last word
    # logged for each voter is the choice the ballot holds.
    events = AuditEvent.objects.filter(action__in=["ballot.cast", "ballot.replace"], payload__item=item.pk)
    assert Counter(events.values_list("action", flat=True)) == {
        "ballot.cast": VOTERS,
        "ballot.replace": VOTERS * (ATTEMPTS - 1),
    }
    last_logged = {}
    for payload in events.order_by("seq").values_list("payload", flat=True):
        last_logged[payload["participant"]] = payload["choice"]
    assert last_logged == dict(Ballot.objects.filter(item=item).values_list("voter_id", "choice"))


def test_200_simultaneous_secret_ballots_leave_one_ballot_per_voter():
    item, people = _meeting_with_voters(secret=True)
    outcomes = _storm(item, people)

    # A secret ballot cannot be replaced (it is not linked to its voter): one success per voter, and the other
    # attempts get the Russian refusal, not a server error.
    assert Counter(o[2] for o in outcomes) == {"ok": VOTERS, "refused": VOTERS * (ATTEMPTS - 1)}
    assert Counter(o[0] for o in outcomes if o[2] == "ok") == Counter({person.pk: 1 for person in people})
    _refusals_are_russian(outcomes)
    _one_per_voter(item, people)
    assert not Ballot.objects.filter(item=item, voter__isnull=False).exists()
    # Every voter's receipt is on the list anyone can check, and no two voters share one.
    receipts = [o[3][1] for o in outcomes if o[2] == "ok"]
    assert all(receipts) and len(set(receipts)) == VOTERS
    assert set(receipts) == set(Ballot.objects.filter(item=item).values_list("receipt", flat=True))


def _backend_state(pid: int) -> tuple | None:
    with connection.cursor() as cursor:
        cursor.execute("SELECT wait_event_type, backend_xid IS NOT NULL FROM pg_stat_activity WHERE pid = %s", [pid])
        return cursor.fetchone()


def test_a_worker_killed_mid_request_loses_no_committed_ballot():
    item, people = _meeting_with_voters(secret=False)
    db = connection.settings_dict
    url = f"postgres://{db['USER']}@{db['HOST'] or '127.0.0.1'}:{db['PORT'] or 5432}/{db['NAME']}"
    worker = subprocess.Popen(  # noqa: S603 — our own module with fixed arguments
        [sys.executable, "-m", "sosedi.meetings.tests.ballot_worker", str(item.pk), *[str(p.pk) for p in people]],
        stdout=subprocess.PIPE,
        env={**os.environ, "DATABASE_URL": url, "DJANGO_SETTINGS_MODULE": "config.settings"},
        cwd=settings.BASE_DIR,
        text=True,
    )
    # A second connection that will hold the audit log still, so the worker stops inside a ballot's transaction
    # after writing the vote and the ballot: recording a ballot in the log is part of casting it.
    locker = psycopg.connect(**connection.get_connection_params())
    try:
        backend = int(worker.stdout.readline().split()[1])
        committed = [worker.stdout.readline().strip() for _ in range(VOTERS // 4)]
        locker.execute(f"LOCK TABLE {AuditEvent._meta.db_table} IN EXCLUSIVE MODE")  # reads pass, inserts wait
        deadline = time.monotonic() + 30
        while (state := _backend_state(backend)) != ("Lock", True):
            assert worker.poll() is None, "the worker finished before it could be caught mid-ballot"
            assert time.monotonic() < deadline, f"the worker never waited inside a ballot: {state}"
            time.sleep(0.005)
        worker.send_signal(signal.SIGKILL)  # no cleanup, no rollback handler: the process just vanishes
        worker.wait(timeout=30)
        # Ballots committed after the lines read above were printed too; the pipe still holds them.
        committed += [line.strip() for line in worker.stdout]
    finally:
        locker.close()  # releases the log; the orphaned backend may now run on, but it never gets a COMMIT
        worker.stdout.close()
        if worker.poll() is None:
            worker.kill()
    deadline = time.monotonic() + 30
    while _backend_state(backend) is not None:
        assert time.monotonic() < deadline, "the killed worker's transaction is still open after 30 s"
        time.sleep(0.05)

    # Every ballot the worker saw committed is there, and nothing else: the one in flight left no trace.
    stored = {str(pk) for pk in Ballot.objects.filter(item=item).values_list("pk", flat=True)}
    assert len(committed) >= VOTERS // 4
    assert stored == set(committed)
    in_flight = people[len(committed)]
    assert not VoteRecord.objects.filter(item=item, participant__user=in_flight).exists()
    # No vote without its ballot, no ballot without its vote, and the log holds exactly the committed casts.
    assert set(Ballot.objects.filter(item=item).values_list("voter_id", flat=True)) == set(
        VoteRecord.objects.filter(item=item).values_list("participant_id", flat=True)
    )
    casts = AuditEvent.objects.filter(action="ballot.cast", payload__item=item.pk)
    assert {e["ballot"] for e in casts.values_list("payload", flat=True)} == stored
    assert audit_verify().ok
