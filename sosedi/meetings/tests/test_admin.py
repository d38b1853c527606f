import pytest

from .factories import open_meeting, tos_with_chair

pytestmark = pytest.mark.django_db


def test_meetings_are_read_only_in_the_admin(admin_client):
    tos, chair = tos_with_chair()
    m = open_meeting(tos, chair)
    assert m.title in admin_client.get("/admin/meetings/meeting/").content.decode()
    assert admin_client.get("/admin/meetings/meeting/add/").status_code == 403
    assert admin_client.get(f"/admin/meetings/meeting/{m.pk}/delete/").status_code == 403
    admin_client.post(f"/admin/meetings/meeting/{m.pk}/change/", {"title": "переписано"})
    m.refresh_from_db()
    assert m.title != "переписано"
