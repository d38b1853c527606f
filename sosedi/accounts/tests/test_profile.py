import json
from datetime import date

import pytest
from django.core.exceptions import PermissionDenied
from django.urls import reverse
from django.utils import timezone

from sosedi.accounts import services
from sosedi.accounts.models import Consent, ConsentKind, Role, RoleAssignment
from sosedi.accounts.selectors import HIDDEN_NAME, public_name
from sosedi.accounts.tests.factories import ResidentFactory, UserFactory, consent, grant, member
from sosedi.core.models import AuditEvent
from sosedi.notifications.models import Notification
from sosedi.territories.models import Membership, MembershipStatus
from sosedi.territories.tests.factories import TosFactory, municipality

pytestmark = pytest.mark.django_db


@pytest.fixture
def resident(client):
    user = ResidentFactory(last_name="Смирнова", first_name="Ольга", patronymic="Петровна")
    client.force_login(user)
    return user


def profile_data(**overrides):
    data = {
        "last_name": "Смирнова",
        "first_name": "Ольга",
        "patronymic": "",
        "phone": "+7 (845) 222-33-44",
        "birth_date": "1970-01-31",
        "address": "г. Саратов, ул. Рахова, д. 1",
        "municipality": str(municipality().pk),
    }
    data.update(overrides)
    return data


def test_profile_requires_login(client):
    response = client.get(reverse("accounts:profile"))
    assert response.status_code == 302 and reverse("accounts:login") in response.url


def test_profile_edit_saves_and_normalises(client, resident):
    response = client.post(reverse("accounts:profile"), profile_data())
    assert response.status_code == 302
    resident.refresh_from_db()
    assert resident.phone == "+78452223344"
    assert resident.birth_date == date(1970, 1, 31)
    assert resident.patronymic == ""
    assert resident.address == "г. Саратов, ул. Рахова, д. 1"
    event = AuditEvent.objects.filter(action="account.update").get()
    # The journal names the changed fields, never their values.
    assert "phone" in event.payload["fields"]
    assert "+78452223344" not in json.dumps(event.payload)


def test_profile_edit_errors_are_shown_and_nothing_saved(client, resident):
    before = resident.phone
    response = client.post(reverse("accounts:profile"), profile_data(phone="12", birth_date=""))
    assert response.status_code == 200
    form = response.context["form"]
    assert "phone" in form.errors and "birth_date" in form.errors
    resident.refresh_from_db()
    assert resident.phone == before


def test_profile_lists_my_tos_with_state_and_my_roles(client, resident):
    active_tos, pending_tos = TosFactory(name="ТОС «Солнечный»"), TosFactory(name="ТОС «Волжский»")
    member(active_tos, resident)
    member(pending_tos, resident, status="requested")
    grant(resident, Role.COUNCIL_MEMBER, tos=active_tos)
    html = client.get(reverse("accounts:profile")).content.decode()
    assert "ТОС «Солнечный»" in html and "ТОС «Волжский»" in html
    assert "участник" in html and "заявка" in html
    assert "член совета ТОС" in html


def test_public_name_needs_an_active_publication_consent():
    user = ResidentFactory(last_name="Орлов", first_name="Пётр", patronymic="")
    assert public_name(user) == HIDDEN_NAME
    given = consent(user, "publication")
    assert public_name(user) == "Орлов Пётр"
    given.withdrawn_at = timezone.now()
    given.save()
    assert public_name(user) == HIDDEN_NAME
    consent(user, "processing")
    assert public_name(user) == HIDDEN_NAME
    assert public_name(None) == HIDDEN_NAME


def test_withdrawing_publication_hides_the_name(client, resident):
    given = consent(resident, "publication")
    consent(resident, "processing")
    assert public_name(resident) != HIDDEN_NAME
    response = client.post(reverse("accounts:consent_withdraw", args=[given.pk]))
    assert response.status_code == 302
    given.refresh_from_db()
    assert given.withdrawn_at is not None
    assert public_name(resident) == HIDDEN_NAME
    assert AuditEvent.objects.filter(action="consent.withdraw").exists()
    # …and it can be given again, as a new document.
    client.post(reverse("accounts:consent_grant"))
    assert Consent.objects.filter(user=resident, kind=ConsentKind.PUBLICATION).count() == 2
    assert public_name(resident) == "Смирнова Ольга Петровна"
    assert "Смирнова Ольга Петровна" in Consent.objects.filter(withdrawn_at__isnull=True, kind="publication").get().text


def test_withdrawing_processing_leads_to_deletion(client, resident):
    processing = consent(resident, "processing")
    html = client.get(reverse("accounts:consents")).content.decode()
    assert "учётная запись будет удалена" in html
    response = client.post(reverse("accounts:consent_withdraw", args=[processing.pk]))
    assert response.url == reverse("accounts:delete")
    processing.refresh_from_db()
    assert processing.withdrawn_at is None  # nothing happens until the person confirms the deletion


def test_someone_elses_consent_cannot_be_withdrawn(client, resident):
    other = consent(UserFactory(), "publication")
    assert client.post(reverse("accounts:consent_withdraw", args=[other.pk])).status_code == 404
    other.refresh_from_db()
    assert other.withdrawn_at is None


def test_export_contains_everything_held_about_the_person(client, resident):
    tos = TosFactory(name="ТОС «Экспорт»")
    member(tos, resident)
    grant(resident, Role.SECRETARY, tos=tos)
    consent(resident, "processing")
    Notification.objects.create(user=resident, kind="test", title="Вас приняли")
    services.profile_update(actor=resident, user=resident, data={"phone": "+79990001122"})
    stranger = UserFactory()
    Notification.objects.create(user=stranger, kind="test", title="Чужое уведомление")

    response = client.get(reverse("accounts:export"))
    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/json")
    assert "attachment" in response["Content-Disposition"]
    data = json.loads(response.content.decode("utf-8"))
    assert data["profile"]["email"] == resident.email
    assert data["profile"]["last_name"] == "Смирнова"
    assert data["profile"]["phone"] == "+79990001122"
    assert data["profile"]["birth_date"] == resident.birth_date.isoformat()
    assert [r["role"] for r in data["roles"]] == ["secretary"]
    assert data["memberships"][0]["tos"]["name"] == "ТОС «Экспорт»"
    assert data["memberships"][0]["status"] == "active"
    assert data["consents"][0]["text"] == "Текст согласия processing"
    assert [n["title"] for n in data["notifications"]] == ["Вас приняли"]
    assert "account.update" in [e["action"] for e in data["audit_events"]]
    assert stranger.email not in response.content.decode()
    assert AuditEvent.objects.filter(action="account.export", actor=resident).exists()


def test_export_requires_login(client):
    assert client.get(reverse("accounts:export")).status_code == 302


def test_delete_with_wrong_password_changes_nothing(client, resident):
    response = client.post(reverse("accounts:delete"), {"password": "не тот"})
    assert response.status_code == 200
    assert "Пароль неверный" in response.content.decode()
    resident.refresh_from_db()
    assert resident.anonymised_at is None and resident.last_name == "Смирнова"


def test_delete_anonymises_and_keeps_required_records(client, resident):
    tos = TosFactory()
    membership = member(tos, resident)
    grant(resident, Role.COUNCIL_MEMBER, tos=tos)
    processing = consent(resident, "processing")
    publication = consent(resident, "publication")
    processing.text = f"Я, {resident.full_name}, проживающий по адресу: {resident.address}, даю согласие"
    processing.save()
    Notification.objects.create(user=resident, kind="test", title="Уведомление")
    services.profile_update(actor=resident, user=resident, data={"phone": "+79990001122"})
    events_before = AuditEvent.objects.count()
    old_email, old_address = resident.email, resident.address

    response = client.post(reverse("accounts:delete"), {"password": "пароль-для-тестов"})
    assert response.status_code == 302
    assert "_auth_user_id" not in client.session

    resident.refresh_from_db()
    assert resident.anonymised_at is not None
    assert resident.email == f"deleted-{resident.pk}@invalid"
    assert (resident.first_name, resident.last_name, resident.patronymic) == ("", "", "")
    assert resident.phone == "" and resident.address == "" and resident.birth_date is None
    assert resident.municipality is None
    assert not resident.has_usable_password() and not resident.is_active
    assert str(resident) == "Удалённый пользователь"

    # Consents stay as proof, withdrawn and without the person's name and address.
    for c in (processing, publication):
        c.refresh_from_db()
        assert c.withdrawn_at is not None
    assert "Смирнова" not in processing.text and old_address not in processing.text
    assert "[обезличено]" in processing.text
    # Membership history stays, ended as "left", pointing at the anonymised account.
    membership.refresh_from_db()
    assert membership.status == MembershipStatus.LEFT and membership.user_id == resident.pk
    assert old_address not in membership.address
    assert not RoleAssignment.objects.filter(user=resident, revoked_at__isnull=True).exists()
    assert RoleAssignment.objects.filter(user=resident).exists()
    assert not Notification.objects.filter(user=resident).exists()
    # The journal keeps every earlier entry and records the deletion.
    assert AuditEvent.objects.count() == events_before + 1
    assert AuditEvent.objects.filter(action="account.delete", actor=resident).exists()
    assert AuditEvent.objects.filter(action="account.update", actor=resident).exists()
    # The old e-mail and password no longer open anything.
    assert not client.login(username=old_email, password="пароль-для-тестов")
    assert Membership.objects.filter(user=resident).count() == 1


def test_only_the_owner_or_an_administrator_deletes():
    owner, other = ResidentFactory(), ResidentFactory()
    with pytest.raises(PermissionDenied):
        services.account_delete(actor=other, user=owner)
    admin = UserFactory(is_superuser=True)
    services.account_delete(actor=admin, user=owner)
    owner.refresh_from_db()
    assert owner.anonymised_at is not None


def test_privacy_page_shows_rule_values_with_articles(client):
    from sosedi.core.rulesets import rule

    html = client.get(reverse("accounts:privacy")).content.decode()
    destroy, reply = rule("pd.destroy_days"), rule("pd.access_reply_wd")
    assert f"в течение {destroy.value} дней" in html
    assert f"в течение {reply.value} рабочих" in html
    assert destroy.basis in html and reply.basis in html
    assert "152-ФЗ" in html
