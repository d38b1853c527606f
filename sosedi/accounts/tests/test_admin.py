import pytest
from django.urls import reverse

from sosedi.accounts.models import User
from sosedi.accounts.tests.factories import UserFactory, consent

pytestmark = pytest.mark.django_db


@pytest.fixture
def admin_client(client):
    client.force_login(UserFactory(is_superuser=True, is_staff=True))
    return client


def test_admin_creates_a_user_by_email(admin_client):
    response = admin_client.post(
        reverse("admin:accounts_user_add"),
        {
            "email": "new.person@example.ru",
            "usable_password": "true",
            "password1": "Длинный-пароль-77",
            "password2": "Длинный-пароль-77",
        },
    )
    assert response.status_code == 302, response.context["adminform"].form.errors if response.context else ""
    assert User.objects.get(email="new.person@example.ru").check_password("Длинный-пароль-77")


def test_admin_user_pages_render_with_consents_read_only(admin_client):
    person = UserFactory()
    given = consent(person)
    assert admin_client.get(reverse("admin:accounts_user_changelist")).status_code == 200
    page = admin_client.get(reverse("admin:accounts_user_change", args=[person.pk]))
    assert page.status_code == 200
    assert given.version in page.content.decode()
    assert admin_client.get(reverse("admin:accounts_consent_add")).status_code == 403
