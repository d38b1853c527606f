import pytest
from django.contrib.auth import get_user_model
from django.core import mail
from django.urls import reverse

from sosedi.accounts import consent_texts
from sosedi.accounts.models import Consent, ConsentKind
from sosedi.accounts.tests.factories import UserFactory
from sosedi.core.models import AuditEvent
from sosedi.core.rulesets import rule
from sosedi.territories.tests.factories import municipality

pytestmark = pytest.mark.django_db
User = get_user_model()
PASSWORD = "Соседи-пароль-2026"


def signup_data(**overrides):
    data = {
        "email": "Anna.Ivanova@Example.RU",
        "password1": PASSWORD,
        "password2": PASSWORD,
        "last_name": "Иванова",
        "first_name": "Анна",
        "patronymic": "Сергеевна",
        "phone": "8 (927) 111-22-33",
        "birth_date": "1990-04-12",
        "address": "г. Саратов, ул. Чапаева, д. 5, кв. 12",
        "municipality": str(municipality().pk),
        "consent_processing": "on",
        "consent_publication": "on",
    }
    data.update(overrides)
    return {k: v for k, v in data.items() if v is not None}


def test_signup_page_shows_both_consents_separately(client):
    response = client.get(reverse("accounts:signup"))
    assert response.status_code == 200
    html = response.content.decode()
    assert html.count("<details>") == 2
    assert consent_texts.PROCESSING.title in html and consent_texts.PUBLICATION.title in html
    assert consent_texts.operator_name() in html.replace("&laquo;", "«").replace("&raquo;", "»")
    assert 'name="consent_processing"' in html and 'name="consent_publication"' in html


def test_signup_creates_account_two_consents_and_logs_in(client):
    response = client.post(reverse("accounts:signup"), signup_data())
    assert response.status_code == 302
    assert response.url == reverse("accounts:profile")
    user = User.objects.get()
    assert user.email == "anna.ivanova@example.ru"
    assert user.phone == "+79271112233"
    assert user.full_name == "Иванова Анна Сергеевна"
    assert user.municipality == municipality()
    assert str(user.birth_date) == "1990-04-12"
    assert user.check_password(PASSWORD)
    assert client.session["_auth_user_id"] == str(user.pk)

    processing = Consent.objects.get(user=user, kind=ConsentKind.PROCESSING)
    publication = Consent.objects.get(user=user, kind=ConsentKind.PUBLICATION)
    assert processing.pk != publication.pk
    assert processing.version == consent_texts.PROCESSING.version
    assert publication.version == consent_texts.PUBLICATION.version
    # Each document carries the person's name; the processing consent also their address (ч. 4 ст. 9).
    assert "Иванова Анна Сергеевна" in processing.text and user.address in processing.text
    assert "Иванова Анна Сергеевна" in publication.text
    assert "ст. 10.1" in publication.text or "статья 10.1" in publication.text
    assert "Цели обработки" in processing.text and "Как отозвать" in processing.text
    assert f"в течение {rule('pd.destroy_days').value} дней" in processing.text
    assert processing.withdrawn_at is None and publication.withdrawn_at is None
    assert AuditEvent.objects.filter(action="account.signup", actor=user).exists()


def test_publication_consent_is_optional(client):
    response = client.post(reverse("accounts:signup"), signup_data(consent_publication=None))
    assert response.status_code == 302
    user = User.objects.get()
    assert list(user.consents.values_list("kind", flat=True)) == [ConsentKind.PROCESSING]


@pytest.mark.parametrize(
    ("overrides", "field", "fragment"),
    [
        ({"password2": "другой-пароль-2026"}, "password2", "Пароли не совпадают"),
        ({"password1": "12345678", "password2": "12345678"}, "password1", "пароль"),
        ({"password1": "qwerty", "password2": "qwerty"}, "password1", "короткий"),
        ({"consent_processing": None}, "consent_processing", "Без согласия"),
        ({"email": "не-почта"}, "email", "адрес электронной почты"),
        ({"phone": "+1 555 000"}, "phone", "+7"),
        ({"birth_date": "2999-01-01"}, "birth_date", "будущем"),
        ({"birth_date": "31.02.2000"}, "birth_date", "дату"),
        ({"last_name": ""}, "last_name", "Обязательное поле"),
        ({"address": ""}, "address", "Обязательное поле"),
        ({"municipality": ""}, "municipality", "Обязательное поле"),
    ],
)
def test_invalid_signup_shows_russian_error_next_to_the_field(client, overrides, field, fragment):
    response = client.post(reverse("accounts:signup"), signup_data(**overrides))
    assert response.status_code == 200
    errors = response.context["form"].errors
    assert field in errors, errors
    assert any(fragment.lower() in message.lower() for message in errors[field]), errors[field]
    assert f'id="id_{field}_error"' in response.content.decode()
    assert not User.objects.exists()
    assert not Consent.objects.exists()


def test_duplicate_email_is_refused_whatever_the_case(client):
    UserFactory(email="anna.ivanova@example.ru")
    response = client.post(reverse("accounts:signup"), signup_data())
    assert response.status_code == 200
    assert "уже зарегистрирован" in response.context["form"].errors["email"][0]
    assert User.objects.count() == 1


def test_password_similar_to_email_is_refused(client):
    response = client.post(
        reverse("accounts:signup"),
        signup_data(email="zhukovsky.petr@example.ru", password1="zhukovsky.petr", password2="zhukovsky.petr"),
    )
    assert "password1" in response.context["form"].errors


def test_login_with_email_in_any_case_and_logout_by_post(client):
    user = UserFactory(email="login@example.ru")
    response = client.post(reverse("accounts:login"), {"username": "LOGIN@example.ru", "password": "пароль-для-тестов"})
    assert response.status_code == 302
    assert client.session["_auth_user_id"] == str(user.pk)
    assert client.get(reverse("accounts:logout")).status_code == 405
    client.post(reverse("accounts:logout"))
    assert "_auth_user_id" not in client.session


def test_login_error_is_russian(client):
    UserFactory(email="login@example.ru")
    response = client.post(reverse("accounts:login"), {"username": "login@example.ru", "password": "неверный"})
    assert response.status_code == 200
    assert "Неверная электронная почта или пароль" in response.content.decode()
    assert "_auth_user_id" not in client.session


def test_login_page_is_russian_and_links_to_reset(client):
    html = client.get(reverse("accounts:login")).content.decode()
    assert "Электронная почта" in html and reverse("accounts:password_reset") in html


def test_password_reset_mails_a_working_link(client):
    user = UserFactory(email="reset@example.ru")
    response = client.post(reverse("accounts:password_reset"), {"email": "reset@example.ru"})
    assert response.status_code == 302
    assert len(mail.outbox) == 1
    message = mail.outbox[0]
    assert message.to == ["reset@example.ru"]
    assert "Восстановление пароля" in message.subject
    link = next(line for line in message.body.splitlines() if "/password/reset/" in line)
    path = link.split("testserver", 1)[1].strip()
    response = client.get(path, follow=True)
    assert "Новый пароль" in response.content.decode()
    form_url = response.redirect_chain[-1][0]
    response = client.post(form_url, {"new_password1": "Новый-пароль-2026", "new_password2": "Новый-пароль-2026"})
    assert response.status_code == 302
    user.refresh_from_db()
    assert user.check_password("Новый-пароль-2026")


def test_signed_in_person_is_sent_from_signup_to_profile(client):
    client.force_login(UserFactory())
    assert client.get(reverse("accounts:signup")).url == reverse("accounts:profile")
