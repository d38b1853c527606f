import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import connection

from sosedi.accounts.tests.factories import UserFactory
from sosedi.core.audit import GENESIS, audit_record, audit_verify
from sosedi.core.models import AuditEvent

pytestmark = pytest.mark.django_db


def _chain(n=5):
    user = UserFactory()
    return [audit_record(actor=user, action="test.event", payload={"i": i, "текст": "проверка"}) for i in range(n)]


def test_chain_links_each_event_to_the_previous():
    events = _chain(3)
    assert events[0].prev_hash == GENESIS
    assert events[1].prev_hash == events[0].hash
    result = audit_verify()
    assert result.ok and result.checked == 3


def test_application_cannot_update_or_delete():
    event = _chain(1)[0]
    event.action = "rewritten"
    with pytest.raises(PermissionError):
        event.save()
    with pytest.raises(PermissionError):
        event.delete()
    with pytest.raises(PermissionError):
        AuditEvent.objects.all().delete()
    with pytest.raises(PermissionError):
        AuditEvent.objects.update(action="x")


def _raw(sql, params):
    with connection.cursor() as cursor:
        cursor.execute(sql, params)


def test_tampering_is_detected_or_refused_by_the_database():
    events = _chain(5)
    target = events[2]
    if connection.vendor == "postgresql":
        from django.db import DatabaseError, transaction

        with pytest.raises(DatabaseError), transaction.atomic():
            _raw("UPDATE core_auditevent SET payload = %s WHERE seq = %s", ['{"i": 99}', target.seq])
        assert audit_verify().ok
    else:
        _raw("UPDATE core_auditevent SET payload = %s WHERE seq = %s", ['{"i": 99}', target.seq])
        result = audit_verify()
        assert not result.ok and result.first_bad_seq == target.seq
        with pytest.raises(CommandError, match=f"#{target.seq}"):
            call_command("audit_verify")


def test_deleted_row_is_detected_or_refused_by_the_database():
    events = _chain(4)
    if connection.vendor == "postgresql":
        from django.db import DatabaseError, transaction

        with pytest.raises(DatabaseError), transaction.atomic():
            _raw("DELETE FROM core_auditevent WHERE seq = %s", [events[1].seq])
        assert AuditEvent.objects.count() == 4
    else:
        _raw("DELETE FROM core_auditevent WHERE seq = %s", [events[1].seq])
        result = audit_verify()
        assert not result.ok and result.first_bad_seq == events[2].seq


def test_object_reference_and_system_actor():
    user = UserFactory()
    event = audit_record(actor=None, action="system.run", obj=user)
    assert event.actor_label == "система"
    assert event.object_type == "accounts.user" and event.object_id == str(user.pk)


def test_verify_command_reports_an_intact_chain():
    from io import StringIO

    _chain(3)
    out = StringIO()
    call_command("audit_verify", stdout=out)
    assert "проверено записей — 3" in out.getvalue()


def test_verify_walks_in_batches_smaller_than_the_chain():
    _chain(7)
    assert audit_verify(batch_size=2).checked == 7


def test_payload_is_hashed_as_stored_so_dates_and_decimals_verify():
    from datetime import date
    from decimal import Decimal

    audit_record(actor=None, action="test.types", payload={"on": date(2026, 1, 9), "sum": Decimal("1.50"), "n": None})
    assert audit_verify().ok


# Real commits (transaction=True): each thread has its own connection and must see the others' rows.
@pytest.mark.django_db(transaction=True)
def test_concurrent_writers_keep_one_linear_chain():
    import threading
    import time

    from django.db import connections

    errors = []
    barrier = threading.Barrier(4)

    from django.db import OperationalError

    def append(k, i):
        # The in-memory test database of SQLite is a shared cache, which reports "locked" at once instead of
        # waiting as a file database with a busy timeout does; retrying stands in for that wait. PostgreSQL
        # waits on the lock itself, so there any error fails the test.
        while True:
            try:
                return audit_record(actor=None, action="test.concurrent", payload={"writer": k, "i": i})
            except OperationalError as exc:
                if connection.vendor != "sqlite" or "locked" not in str(exc):
                    raise
                time.sleep(0.001)

    def writer(k):
        try:
            barrier.wait()
            for i in range(8):
                append(k, i)
        except Exception as exc:  # noqa: BLE001 (reported below)
            errors.append(exc)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=writer, args=(k,)) for k in range(4)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert errors == []
    result = audit_verify()
    assert result.ok and result.checked == 32
    prev_hashes = list(AuditEvent.objects.values_list("prev_hash", flat=True))
    assert len(set(prev_hashes)) == 32  # no two events hang off the same predecessor: no fork
