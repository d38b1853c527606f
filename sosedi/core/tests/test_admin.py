from datetime import date

import pytest

from sosedi.accounts.tests.factories import UserFactory
from sosedi.core.audit import audit_record
from sosedi.core.models import AuditEvent, CalendarDay

pytestmark = pytest.mark.django_db


@pytest.fixture
def superuser_client(client):
    client.force_login(UserFactory(is_staff=True, is_superuser=True))
    return client


def test_audit_events_are_read_only_in_the_admin(superuser_client):
    event = audit_record(actor=None, action="test.admin", payload={"a": 1})
    assert "test.admin" in superuser_client.get("/admin/core/auditevent/").content.decode()
    assert superuser_client.get("/admin/core/auditevent/add/").status_code == 403
    assert superuser_client.get(f"/admin/core/auditevent/{event.seq}/delete/").status_code == 403
    superuser_client.post(f"/admin/core/auditevent/{event.seq}/change/", {"action": "rewritten"})
    assert AuditEvent.objects.get(seq=event.seq).action == "test.admin"


def test_calendar_days_are_edited_in_the_admin(superuser_client):
    page = superuser_client.get("/admin/core/calendarday/?date__year=2025").content.decode()
    assert "№ 1335" in page
    response = superuser_client.post(
        "/admin/core/calendarday/add/", {"date": "2028-01-10", "is_working": "", "note": "тест: новый перенос"}
    )
    assert response.status_code == 302
    assert CalendarDay.objects.get(date=date(2028, 1, 10)).is_working is False
