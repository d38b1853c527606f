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
