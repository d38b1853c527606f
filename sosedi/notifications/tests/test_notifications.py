import socket

import pytest
from aiosmtpd.controller import Controller
from django.conf import settings as django_settings
from django.core import mail
from django.db import transaction

from sosedi.accounts.tests.factories import UserFactory
from sosedi.notifications.models import Notification
from sosedi.notifications.services import notify

pytestmark = pytest.mark.django_db


def test_rolled_back_change_sends_no_mail(django_capture_on_commit_callbacks):
    user = UserFactory()
    with django_capture_on_commit_callbacks(execute=True), pytest.raises(RuntimeError), transaction.atomic():
        notify(user=user, kind="test", title="Не должно уйти")
        raise RuntimeError
    assert mail.outbox == []
    assert not Notification.objects.exists()


def test_committed_notification_is_emailed_once(django_capture_on_commit_callbacks):
    user = UserFactory(email="zhitel@example.ru")
    with django_capture_on_commit_callbacks(execute=True):
        n = notify(user=user, kind="membership.confirmed", title="Заявка подтверждена", url="/tos/1/")
    assert len(mail.outbox) == 1
    assert mail.outbox[0].subject == "«Соседи»: Заявка подтверждена"
    assert "http://127.0.0.1:8000/tos/1/" in mail.outbox[0].body
    n.refresh_from_db()
    assert n.emailed_at is not None


def test_anonymised_person_gets_no_mail(django_capture_on_commit_callbacks):
    from django.utils import timezone

    user = UserFactory(anonymised_at=timezone.now())
    with django_capture_on_commit_callbacks(execute=True):
        notify(user=user, kind="test", title="Привет")
    assert mail.outbox == []


def test_tasks_run_in_process_without_redis():
    assert not django_settings.REDIS_URL
    from config.celery import app

    assert app.conf.task_always_eager


@pytest.mark.parametrize(("redis_url", "eager"), [(None, "True"), ("redis://127.0.0.1:6390/0", "False")])
def test_production_settings_choose_eager_by_redis_url(redis_url, eager):
    # The test settings force eager mode, so read the real settings module in a fresh interpreter.
    import os
    import subprocess
    import sys

    env = {k: v for k, v in os.environ.items() if k not in ("REDIS_URL", "DJANGO_SETTINGS_MODULE")}
    if redis_url:
        env["REDIS_URL"] = redis_url
    code = "import config.settings as s; print(s.CELERY_TASK_ALWAYS_EAGER)"
    command = [sys.executable, "-c", code]
    # A fixed command, no outside input.
    out = subprocess.run(  # noqa: S603
        command, env=env, cwd=django_settings.BASE_DIR, capture_output=True, text=True, check=True
    )
    assert out.stdout.strip() == eager


class _Inbox:
    def __init__(self):
        self.messages = []

    async def handle_DATA(self, server, session, envelope):  # noqa: N802 (aiosmtpd's hook name)
        self.messages.append(envelope)
        return "250 OK"


@pytest.fixture
def smtp_server():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    inbox = _Inbox()
    controller = Controller(inbox, hostname="127.0.0.1", port=port)
    controller.start()
    yield port, inbox
    controller.stop()


def test_mail_reaches_a_real_smtp_server(settings, smtp_server, django_capture_on_commit_callbacks):
    port, inbox = smtp_server
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST, settings.EMAIL_PORT, settings.EMAIL_USE_TLS = "127.0.0.1", port, False
    user = UserFactory(email="predsedatel@example.ru")
    with django_capture_on_commit_callbacks(execute=True):
        notify(user=user, kind="test", title="Новая заявка на вступление")
    assert len(inbox.messages) == 1
    envelope = inbox.messages[0]
    assert envelope.rcpt_tos == ["predsedatel@example.ru"]
    from email import message_from_bytes
    from email.header import decode_header, make_header

    parsed = message_from_bytes(envelope.content)
    assert str(make_header(decode_header(parsed["Subject"]))) == "«Соседи»: Новая заявка на вступление"


def test_unreachable_smtp_server_is_recorded_not_raised(settings, django_capture_on_commit_callbacks):
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]  # nothing listens here once the socket closes
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST, settings.EMAIL_PORT = "127.0.0.1", port
    user = UserFactory()
    with django_capture_on_commit_callbacks(execute=True):
        n = notify(user=user, kind="test", title="Письмо")
    n.refresh_from_db()
    assert n.emailed_at is None and n.email_error


def test_notification_pages(client):
    user = UserFactory()
    other = UserFactory()
    mine = Notification.objects.create(user=user, kind="t", title="Моё", url="/tos/")
    foreign = Notification.objects.create(user=other, kind="t", title="Чужое")
    evil = Notification.objects.create(user=user, kind="t", title="Внешняя", url="https://evil.example/")
    assert client.get("/notifications/").status_code == 302
    client.force_login(user)
    page = client.get("/notifications/").content.decode()
    assert "Моё" in page and "Чужое" not in page
    assert client.get(f"/notifications/{foreign.pk}/").status_code == 404
    response = client.get(f"/notifications/{mine.pk}/")
    assert response.status_code == 302 and response["Location"] == "/tos/"
    mine.refresh_from_db()
    assert mine.read_at is not None
    assert client.get(f"/notifications/{evil.pk}/")["Location"] == "/notifications/"
    client.post("/notifications/read-all/")
    assert not Notification.objects.filter(user=user, read_at__isnull=True).exists()


def test_task_runs_eagerly_and_never_sends_twice():
    from sosedi.notifications.tasks import send_notification_email

    user = UserFactory(email="sekretar@example.ru")
    n = Notification.objects.create(user=user, kind="t", title="Собрание назначено", url="https://evil.example/")
    result = send_notification_email.delay(n.pk)
    assert result.get() is True
    assert send_notification_email.delay(n.pk).get() is False
    assert len(mail.outbox) == 1
    message = mail.outbox[0]
    assert "evil.example" not in message.body  # off-site links stay out of letters
    html, mimetype = message.alternatives[0]
    assert mimetype == "text/html" and "Собрание назначено" in html


def test_person_without_email_gets_only_the_in_app_notice(django_capture_on_commit_callbacks):
    user = UserFactory(email="")
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        n = notify(user=user, kind="test", title="Только на сайте")
    assert callbacks == [] and mail.outbox == []
    assert Notification.objects.get(pk=n.pk).title == "Только на сайте"


def test_line_breaks_in_a_title_do_not_break_the_letter(django_capture_on_commit_callbacks):
    user = UserFactory()
    with django_capture_on_commit_callbacks(execute=True):
        notify(user=user, kind="test", title="Заявка\r\nBcc: all@example.ru")
    assert len(mail.outbox) == 1
    assert mail.outbox[0].subject == "«Соседи»: Заявка Bcc: all@example.ru"
    assert mail.outbox[0].bcc == []


def test_smtp_failure_under_a_worker_is_retried(settings):
    from celery.exceptions import Retry

    from sosedi.notifications.tasks import send_notification_email

    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST, settings.EMAIL_PORT = "127.0.0.1", port
    n = Notification.objects.create(user=UserFactory(), kind="t", title="Письмо")
    # As a worker would run it (not eager): the failure schedules a retry instead of being swallowed.
    send_notification_email.push_request(
        id="test-task", args=[n.pk], kwargs={}, is_eager=False, called_directly=False, retries=0
    )
    try:
        with pytest.raises(Retry):
            send_notification_email.run(n.pk)
    finally:
        send_notification_email.pop_request()
    n.refresh_from_db()
    assert n.emailed_at is None and n.email_error


@pytest.mark.parametrize("url", ["//evil.example/", "javascript:alert(1)", "/\\evil.example/", "http://evil.example/"])
def test_opening_never_redirects_off_site(client, url):
    user = UserFactory()
    n = Notification.objects.create(user=user, kind="t", title="Ссылка", url=url)
    client.force_login(user)
    assert client.get(f"/notifications/{n.pk}/")["Location"] == "/notifications/"


def test_list_counts_unread_and_hides_the_button_when_all_read(client):
    user = UserFactory()
    Notification.objects.create(user=user, kind="t", title="Первое")
    Notification.objects.create(user=user, kind="t", title="Второе")
    client.force_login(user)
    page = client.get("/notifications/").content.decode()
    assert "Непрочитанных: <strong>2</strong>" in page and page.count('class="card unread"') == 2
    assert "Отметить всё прочитанным" in page
    assert client.post("/notifications/read-all/").status_code == 302
    page = client.get("/notifications/").content.decode()
    assert "Все уведомления прочитаны." in page and "Отметить всё прочитанным" not in page
    assert client.get("/notifications/read-all/").status_code == 405
