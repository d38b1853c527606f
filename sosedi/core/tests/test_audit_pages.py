from datetime import timedelta

import pytest
from django.db import connection
from django.urls import reverse
from django.utils import timezone

from sosedi.accounts.models import Role
from sosedi.accounts.tests.factories import UserFactory, grant
from sosedi.core.audit import audit_record
from sosedi.territories.tests.factories import saratov_region

pytestmark = [pytest.mark.django_db, pytest.mark.urls("sosedi.core.tests.urls_with_audit")]


@pytest.fixture
def admin_client(client):
    admin = UserFactory()
    grant(admin, Role.ADMINISTRATOR, region=saratov_region())
    client.force_login(admin)
    return client


def test_only_administrators_see_the_log(client):
    url = reverse("audit:list")
    assert client.get(url).status_code == 302  # to the login page
    client.force_login(UserFactory())
    assert client.get(url).status_code == 403


def test_filters_by_action_prefix_object_and_actor(admin_client):
    someone = UserFactory()
    target = UserFactory()
    audit_record(actor=someone, action="tos.create", payload={"name": "ТОС «Заря»"})
    audit_record(actor=someone, action="membership.confirm", obj=target)
    audit_record(actor=None, action="registry.import")
    page = admin_client.get(reverse("audit:list"), {"action": "tos."}).content.decode()
    assert "tos.create" in page and "membership.confirm" not in page and "registry.import" not in page
    page = admin_client.get(reverse("audit:list"), {"object_type": "accounts.user", "object_id": target.pk})
    assert "membership.confirm" in page.content.decode() and "tos.create" not in page.content.decode()
    page = admin_client.get(reverse("audit:list"), {"actor": someone.pk}).content.decode()
    assert "tos.create" in page and "registry.import" not in page


def test_date_filter_and_its_error_in_russian(admin_client):
    audit_record(actor=None, action="system.today")
    today = timezone.localdate()
    page = admin_client.get(reverse("audit:list"), {"date_from": today, "date_to": today}).content.decode()
    assert "system.today" in page
    tomorrow = today + timedelta(days=1)
    assert "system.today" not in admin_client.get(reverse("audit:list"), {"date_from": tomorrow}).content.decode()
    page = admin_client.get(reverse("audit:list"), {"date_from": tomorrow, "date_to": today}).content.decode()
    assert "Дата окончания раньше даты начала." in page


def test_integrity_check_from_the_page(admin_client):
    events = [audit_record(actor=None, action="system.step", payload={"i": i}) for i in range(3)]
    response = admin_client.post(reverse("audit:check"), follow=True)
    assert "Журнал цел: проверено записей — 3." in response.content.decode()
    if connection.vendor == "sqlite":
        with connection.cursor() as cursor:
            cursor.execute("UPDATE core_auditevent SET action = 'x' WHERE seq = %s", [events[1].seq])
        response = admin_client.post(reverse("audit:check"), follow=True)
        assert f"Журнал нарушен на записи №{events[1].seq}" in response.content.decode()
    assert admin_client.get(reverse("audit:check")).status_code == 405
