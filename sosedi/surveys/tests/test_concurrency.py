"""One response per verified person under simultaneous submission, on PostgreSQL (CI runs the suite there too).

The same person fills the survey in several browsers at once (several drafts) and sends them all at the same
moment: the unique participation row lets exactly one through, and the others leave no response behind. SQLite
serialises every writer and proves nothing here; the constraint itself is tested on both in test_services."""

import threading

import pytest
from django.core.exceptions import ValidationError
from django.db import connection

from sosedi.accounts.tests.factories import ResidentFactory
from sosedi.surveys import services
from sosedi.surveys.models import Anonymity, Participation, Response, ResponseStatus
from tests.reference_data import restore_reference_data

from .factories import every_kind
from .test_services import first_section_ok, qd, second_section_ok

pytestmark = [
    pytest.mark.django_db(transaction=True),
    pytest.mark.skipif(connection.vendor != "postgresql", reason="concurrent transactions are PostgreSQL's"),
]

BROWSERS = 8


def test_one_response_per_person_when_submissions_race():
    restore_reference_data()
    s, one, two, q = every_kind(anonymity=Anonymity.ONE_PER_PERSON)
    person = ResidentFactory()
    keys = []
    for _ in range(BROWSERS):
        r = services.response_save_section(actor=person, survey=s, section=one, data=qd(**first_section_ok(q)))
        services.response_save_section(
            actor=person, survey=s, section=two, data=qd(**second_section_ok(q)), draft_key=r.draft_key
        )
        keys.append(r.draft_key)
    barrier = threading.Barrier(BROWSERS)
    outcomes: list[str] = []

    def send(key):
        try:
            barrier.wait()
            services.response_submit(actor=person, survey=s, draft_key=key)
            outcomes.append("ok")
        except ValidationError as error:
            outcomes.append(error.messages[0])
        finally:
            connection.close()

    threads = [threading.Thread(target=send, args=(key,)) for key in keys]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert outcomes.count("ok") == 1, outcomes
    assert all("уже ответили" in o for o in outcomes if o != "ok")
    assert Participation.objects.filter(survey=s, user=person).count() == 1
    assert Response.objects.filter(survey=s, status=ResponseStatus.SUBMITTED).count() == 1


def test_the_tally_adds_up_when_different_people_submit_at_once_and_a_rebuild_runs():
    """Eight people send at the same instant while staff rebuild the tally: the upserts add up (none overwrites
    another), nobody deadlocks, and the rebuild neither misses nor double-counts a submission."""
    from sosedi.surveys import tally

    from .test_tally import _normal

    restore_reference_data()
    s, one, two, q = every_kind(anonymity=Anonymity.ONE_PER_PERSON)
    drafts = []
    for _ in range(BROWSERS):
        person = ResidentFactory()
        r = services.response_save_section(actor=person, survey=s, section=one, data=qd(**first_section_ok(q)))
        services.response_save_section(
            actor=person, survey=s, section=two, data=qd(**second_section_ok(q)), draft_key=r.draft_key
        )
        drafts.append((person, r.draft_key))
    barrier = threading.Barrier(BROWSERS + 1)
    failures: list[str] = []

    def send(person, key):
        try:
            barrier.wait()
            services.response_submit(actor=person, survey=s, draft_key=key)
        except Exception as error:  # noqa: BLE001 — any failure is the finding
            failures.append(repr(error))
        finally:
            connection.close()

    def rebuild():
        try:
            barrier.wait()
            services.tally_rebuild(s)
        except Exception as error:  # noqa: BLE001
            failures.append(repr(error))
        finally:
            connection.close()

    threads = [threading.Thread(target=send, args=d) for d in drafts] + [threading.Thread(target=rebuild)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert failures == []
    current = _normal(tally.current(s.pk))
    assert current == _normal(tally.recount(s.pk))
    assert current[tally.RESPONSES][1] == BROWSERS
    assert current[f"q{q['single'].pk}"][1] == BROWSERS
