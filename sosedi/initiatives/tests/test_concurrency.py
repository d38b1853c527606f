"""Concurrent signatures by the same person count once (PostgreSQL: the unique index makes the second inserter
wait for the first to commit, then fail). SQLite serialises every writer and proves nothing here."""

import threading

import pytest
from django.core.exceptions import ValidationError
from django.db import connection

from sosedi.accounts.models import User
from sosedi.initiatives import services
from sosedi.initiatives.models import InitiativeProject, Signature
from tests.reference_data import restore_reference_data

from .factories import allow_signatures, resident, tos_project, tos_with_chair

pytestmark = [
    pytest.mark.django_db(transaction=True),
    pytest.mark.skipif(connection.vendor != "postgresql", reason="concurrent transactions are PostgreSQL's"),
]

WORKERS = 16


def test_the_same_person_signing_at_once_from_many_requests_counts_once():
    restore_reference_data()
    allow_signatures()
    tos, chair = tos_with_chair()
    project = tos_project(tos, chair)
    services.project_open_support(actor=chair, project=project)
    people = [resident() for _ in range(4)]
    barrier = threading.Barrier(WORKERS)
    outcomes: list[str] = [""] * WORKERS

    def worker(slot: int) -> None:
        try:
            actor = User.objects.get(pk=people[slot % len(people)].pk)
            target = InitiativeProject.objects.select_related("municipality", "tos").get(pk=project.pk)
            barrier.wait(timeout=60)
            try:
                services.signature_sign(actor=actor, project=target)
                outcomes[slot] = "ok"
            except ValidationError as exc:
                outcomes[slot] = "refused:" + " ".join(exc.messages)
            except Exception as exc:  # noqa: BLE001 — any other escape is the failure this test looks for
                outcomes[slot] = f"error:{exc!r}"
        finally:
            connection.close()

    threads = [threading.Thread(target=worker, args=(slot,)) for slot in range(WORKERS)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)
    assert not [o for o in outcomes if not o.startswith(("ok", "refused:"))], outcomes
    assert outcomes.count("ok") == len(people)
    assert all("один раз" in o for o in outcomes if o.startswith("refused"))
    assert Signature.objects.filter(project=project).count() == len(people)
