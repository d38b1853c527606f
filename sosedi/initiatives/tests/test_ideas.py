"""Ideas: post with direction, description, photos and a point; support once; comment; list, detail, map."""

import io

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import IntegrityError, connection, transaction
from django.test.utils import CaptureQueriesContext
from PIL import Image

from sosedi.core.models import AuditEvent
from sosedi.initiatives import services
from sosedi.initiatives.models import Idea, IdeaStatus, IdeaSupport
from sosedi.notifications.models import Notification
from sosedi.territories.models import Direction
from sosedi.territories.tests.factories import TosFactory, municipality

from .factories import direction, idea, resident

pytestmark = pytest.mark.django_db


def _png(name="photo.png"):
    buffer = io.BytesIO()
    Image.new("RGB", (8, 8), "green").save(buffer, format="PNG")
    return SimpleUploadedFile(name, buffer.getvalue(), content_type="image/png")


def test_idea_is_posted_with_direction_point_and_photos_and_audited():
    author = resident()
    posted = idea(author, lat=51.53, lon=46.02, photos=[_png(), _png("b.png")])
    assert posted.status == IdeaStatus.OPEN
    assert (posted.lat, posted.lon) == (51.53, 46.02)
    assert posted.photos.count() == 2
    assert AuditEvent.objects.filter(action="idea.create", object_id=str(posted.pk)).exists()


@pytest.mark.parametrize(
    ("changes", "field"),
    [
        ({"title": "  "}, "title"),
        ({"description": "коротко"}, "description"),
        ({"lat": 51.5}, "lat"),
        ({"lat": 95.0, "lon": 46.0}, "lat"),
    ],
)
def test_bad_idea_is_refused_with_the_field_named(changes, field):
    with pytest.raises(ValidationError) as error:
        idea(**changes)
    assert field in error.value.message_dict
    assert Idea.objects.count() == 0


def test_idea_tos_must_lie_in_its_municipality():
    elsewhere = TosFactory(municipality=municipality("Энгельсский муниципальный район"))
    with pytest.raises(ValidationError) as error:
        idea(tos=elsewhere)
    assert "tos" in error.value.message_dict


def test_photo_of_a_wrong_type_is_refused_and_nothing_is_written():
    with pytest.raises(ValidationError) as error:
        idea(photos=[SimpleUploadedFile("virus.exe", b"MZ", content_type="application/octet-stream")])
    assert "photos" in error.value.message_dict
    assert Idea.objects.count() == 0


def test_anonymous_cannot_post_an_idea():
    from django.contrib.auth.models import AnonymousUser

    with pytest.raises(PermissionDenied):
        services.idea_create(
            actor=AnonymousUser(),
            municipality=municipality(),
            direction=direction(),
            title="x",
            description="достаточно длинное описание идеи",
        )


def test_support_counts_once_per_person_and_tells_the_author():
    posted = idea()
    neighbour = resident()
    assert services.idea_support(actor=neighbour, idea=posted) is not None
    assert services.idea_support(actor=neighbour, idea=posted) is None
    assert IdeaSupport.objects.filter(idea=posted).count() == 1
    assert Notification.objects.filter(user=posted.author, kind="initiatives.idea_supported").count() == 1
    with pytest.raises(IntegrityError), transaction.atomic():
        IdeaSupport.objects.create(idea=posted, user=neighbour)
    assert services.idea_unsupport(actor=neighbour, idea=posted) is True
    assert IdeaSupport.objects.filter(idea=posted).count() == 0


def test_comment_needs_text_and_notifies_the_author():
    posted = idea()
    neighbour = resident()
    with pytest.raises(ValidationError) as error:
        services.idea_comment(actor=neighbour, idea=posted, text="   ")
    assert "text" in error.value.message_dict
    services.idea_comment(actor=neighbour, idea=posted, text="Поддерживаю, нужна ещё скамейка.")
    assert posted.comments.count() == 1
    assert Notification.objects.filter(user=posted.author, kind="initiatives.idea_comment").exists()


def test_archived_idea_cannot_be_supported_or_discussed():
    posted = idea()
    posted.status = IdeaStatus.ARCHIVED
    posted.save()
    with pytest.raises(PermissionDenied):
        services.idea_support(actor=resident(), idea=posted)
    with pytest.raises(PermissionDenied):
        services.idea_comment(actor=resident(), idea=posted, text="текст")


def test_idea_pages_post_support_and_comment_without_javascript(client):
    author = resident()
    client.force_login(author)
    response = client.post(
        "/initiatives/ideas/new/",
        {
            "title": "Освещение у остановки",
            "direction": direction().pk,
            "municipality": municipality().pk,
            "description": "Вечером у остановки на ул. Тестовой темно, люди спотыкаются.",
            "lat": "51.531",
            "lon": "46.021",
            "photos": [_png()],
        },
    )
    posted = Idea.objects.get()
    assert response.status_code == 302 and response["Location"] == f"/initiatives/ideas/{posted.pk}/"
    assert posted.photos.count() == 1
    neighbour = resident()
    client.force_login(neighbour)
    client.post(f"/initiatives/ideas/{posted.pk}/support/")
    client.post(f"/initiatives/ideas/{posted.pk}/comment/", {"text": "Да, очень темно."})
    page = client.get(f"/initiatives/ideas/{posted.pk}/").content.decode()
    assert "Поддержали: <strong>1</strong>" in page
    assert "Да, очень темно." in page
    assert "Отозвать поддержку" in page


def test_bad_idea_form_shows_the_error_next_to_the_field(client):
    client.force_login(resident())
    response = client.post(
        "/initiatives/ideas/new/",
        {"title": "Идея", "direction": direction().pk, "municipality": municipality().pk, "description": "мало"},
    )
    assert response.status_code == 200
    assert "подробнее" in response.content.decode()
    assert Idea.objects.count() == 0


def test_lists_and_map_filter_by_direction_and_municipality(client):
    other = Direction.objects.exclude(pk=direction().pk).first()
    idea(title="Площадка во дворе", lat=51.5, lon=46.0)
    idea(title="Сквер у школы", direction=other, lat=51.6, lon=46.1)
    page = client.get(f"/initiatives/ideas/?direction={other.pk}").content.decode()
    assert "Сквер у школы" in page and "Площадка во дворе" not in page
    map_page = client.get(f"/initiatives/map/?direction={other.pk}").content.decode()
    assert "Сквер у школы" in map_page and "Площадка во дворе" not in map_page
    assert client.get("/initiatives/ideas/?direction=abc&municipality=999999").status_code == 200


def _count(client, url):
    with CaptureQueriesContext(connection) as ctx:
        assert client.get(url).status_code == 200
    return len(ctx.captured_queries)


def test_idea_list_and_map_queries_do_not_grow(client):
    client.force_login(resident())
    for n in range(3):
        idea(title=f"Идея {n}", lat=51.5, lon=46.0)

    def sizes():
        # The directions and the filter's municipalities are read once per process and change, not per page.
        client.get("/initiatives/ideas/")
        return _count(client, "/initiatives/ideas/"), _count(client, "/initiatives/map/")

    small = sizes()
    for n in range(30):
        idea(title=f"Ещё идея {n}", lat=51.5, lon=46.0)
    large = sizes()
    assert small == large
