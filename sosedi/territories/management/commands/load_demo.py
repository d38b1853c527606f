"""Load the demo story idempotently: running it again changes nothing and duplicates nothing.

Everything goes through the same services as the pages (sign-up with consents, registry, membership, roles),
so the demo data obeys every rule real data does."""

import hashlib
import math
from datetime import date
from unittest import mock

from django.conf import settings
from django.contrib.auth.hashers import make_password
from django.core.management.base import BaseCommand
from django.db import transaction

from sosedi.accounts.models import Role, RoleAssignment, User
from sosedi.accounts.services import role_grant, user_signup
from sosedi.notifications.models import Notification
from sosedi.territories.demo import story
from sosedi.territories.memberships import membership_confirm, membership_request
from sosedi.territories.models import BoundaryDecision, Membership, MembershipStatus, Municipality, Region, Tos
from sosedi.territories.services import boundary_decision_add, tos_create, tos_update

METRES_PER_DEGREE = 111_320


def demo_polygon(key: str, lat: float, lon: float, size_m: float) -> dict:
    """An irregular octagon of about `size_m` across, the same for the same key every time."""
    digest = hashlib.sha256(key.encode()).digest()
    radius_lat = size_m / 2 / METRES_PER_DEGREE
    radius_lon = radius_lat / math.cos(math.radians(lat))
    ring = []
    for i in range(8):
        angle = 2 * math.pi * i / 8 + digest[8] / 255 * 0.3
        scale = 0.75 + digest[i] / 255 * 0.4
        ring.append(
            [round(lon + radius_lon * scale * math.cos(angle), 6), round(lat + radius_lat * scale * math.sin(angle), 6)]
        )
    ring.append(ring[0])
    return {"type": "Polygon", "coordinates": [ring]}


def demo_phone(key: str) -> str:
    """A number that cannot ring anyone: Russian local numbers never start with 0 (the plan reserves it)."""
    digest = hashlib.sha256(key.encode()).digest()
    return f"+7 8452 0{digest[0] % 10}-{digest[1] % 100:02d}-{digest[2] % 100:02d}"


def _check_digit(digits: str, weights) -> str:
    return str(sum(int(d) * w for d, w in zip(digits, weights, strict=False)) % 11 % 10)


def demo_inn(serial9: str) -> str:
    return serial9 + _check_digit(serial9, (2, 4, 10, 3, 5, 9, 4, 6, 8))


def demo_ogrn(serial12: str) -> str:
    return serial12 + str(int(serial12) % 11 % 10)


class Command(BaseCommand):
    help = "Загрузить демонстрационные данные (повторный запуск ничего не дублирует)."

    def handle(self, *args, **options):
        # The demo sends no e-mail: notifications stay in the app.
        settings.EMAIL_BACKEND = "django.core.mail.backends.dummy.EmailBackend"
        # All demo accounts share one password: hash it once instead of ~80 times (PBKDF2 is slow on purpose).
        shared_hash = make_password(story.PASSWORD)
        with (
            mock.patch.object(User, "set_password", lambda user, raw: setattr(user, "password", shared_hash)),
            transaction.atomic(),
        ):
            created = self._load()
        total = Tos.objects.count()
        self.stdout.write(
            self.style.SUCCESS(f"Демо-данные готовы: ТОС в реестре — {total}, добавлено сейчас — {created}.")
        )

    def _person(self, email, last, first, patronymic, birth, municipality=None, address="") -> User:
        user = User.objects.filter(email=email).first()
        if user:
            return user
        return user_signup(
            data={
                "email": email,
                "last_name": last,
                "first_name": first,
                "patronymic": patronymic,
                "birth_date": birth,
                "address": address,
                "municipality": municipality,
            },
            password=story.PASSWORD,
            publish_name=True,
        )

    def _grant(self, actor, user, role, **scope):
        if not RoleAssignment.objects.filter(user=user, role=role, revoked_at__isnull=True, **scope).exists():
            role_grant(actor=actor, user=user, role=role, **scope)

    def _member(self, admin, user, tos, address, *, confirm=True):
        current = Membership.objects.filter(user=user, tos=tos, status__in=["requested", "active"]).first()
        if current is None:
            current = membership_request(actor=user, tos=tos, address=address)
        if confirm and current.status == MembershipStatus.REQUESTED:
            membership_confirm(actor=admin, membership=current, note="Проживание подтверждено (демо).")
        return current

    def _load(self) -> int:
        region = Region.objects.get(code="64")
        municipalities = {m.name: m for m in Municipality.objects.all()}
        admin = self._person("admin@demo.sosedi.ru", "Администратор", "Платформы", "", date(1985, 3, 2))
        if not admin.is_superuser:
            admin.is_superuser = admin.is_staff = True
            admin.save(update_fields=["is_superuser", "is_staff"])
        for email, last, first, patronymic, birth, role, scope in story.PEOPLE:
            user = self._person(email, last, first, patronymic, birth)
            if scope == "region":
                self._grant(admin, user, role, region=region)
            else:
                self._grant(admin, user, role, municipality=municipalities[scope])

        created = 0
        tos_by_key = {}
        for key, name, mun, lat, lon, size, ttype, status, territory, directions, residents in story.TOS:
            municipality = municipalities[mun]
            tos = Tos.objects.filter(name=name, municipality=municipality).first()
            if tos is None:
                data = {
                    "name": name,
                    "municipality": municipality,
                    "territory_type": ttype,
                    "territory_description": territory,
                    "status": "forming" if status == "liquidated" else status,
                    "boundary": demo_polygon(key, lat, lon, size),
                    "residents_16plus": residents,
                    "residents_as_of": date(2026, 1, 1),
                    "directions": directions,
                    "description": f"{name} объединяет жителей: {territory}. Демонстрационные данные.",
                    "contact_email": f"{key}@demo.sosedi.ru",
                    "contact_phone": demo_phone(key),
                }
                if key in story.REGISTRATION:
                    number, reg_date, founded, _ = story.REGISTRATION[key]
                    data.update(charter_reg_number=number, charter_reg_date=reg_date, founded_on=founded)
                if key in story.LEGAL_ENTITIES:
                    inn9, ogrn12 = story.LEGAL_ENTITIES[key]
                    data.update(is_legal_entity=True, inn=demo_inn(inn9), ogrn=demo_ogrn(ogrn12))
                if key in story.CHAIRS:
                    _, last, first, patronymic = story.CHAIRS[key]
                    data["chair_name"] = f"{last} {first} {patronymic}"
                tos = tos_create(actor=admin, data=data)
                if status == "liquidated":
                    # Liquidation happens to a ТОС that existed: create it, then liquidate it (audited as such).
                    tos_update(actor=admin, tos=tos, data={"status": "liquidated"})
                if key in story.REGISTRATION:
                    body, number, when = story.REGISTRATION[key][3]
                    if not BoundaryDecision.objects.filter(tos=tos, number=number).exists():
                        boundary_decision_add(actor=admin, tos=tos, body=body, number=number, date=when)
                created += 1
            tos_by_key[key] = tos

        # Chairs of several ТОС, with the full body of the first one.
        for key, (email, last, first, patronymic) in story.CHAIRS.items():
            tos = tos_by_key[key]
            chair = self._person(email, last, first, patronymic, date(1961, 7, 1), tos.municipality)
            self._member(admin, chair, tos, f"{tos.territory_description.split(',')[0]}, д. 1")
            self._grant(admin, chair, Role.CHAIR, tos=tos)
        # Secretaries of the other ТОС with a chair, so that more than one ТОС has its full leadership.
        for key, person in story.SECRETARIES.items():
            tos = tos_by_key[key]
            user = self._person(*person, tos.municipality)
            self._member(admin, user, tos, f"{tos.territory_description.split(',')[0]}, д. 3")
            self._grant(admin, user, Role.SECRETARY, tos=tos)
        main = tos_by_key["solnechny"]
        saratov = municipalities["город Саратов"]
        secretary = self._person(*story.SECRETARY, saratov)
        self._member(admin, secretary, main, "ул. Рахова, д. 10, кв. 4")
        self._grant(admin, secretary, Role.SECRETARY, tos=main)
        for i, person in enumerate(story.COUNCIL):
            user = self._person(*person, saratov)
            self._member(admin, user, main, f"ул. Чапаева, д. {7 + i * 2}")
            self._grant(admin, user, Role.COUNCIL_MEMBER, tos=main)
        member = self._person(*story.MEMBER, saratov)
        self._member(admin, member, main, "ул. Рахова, д. 14, кв. 31")
        resident = self._person(*story.RESIDENT, saratov, "ул. Чапаева, д. 11, кв. 2")
        # The resident's request waits for the chair: the demo's first task for a visitor logged in as chair.
        self._member(admin, resident, main, "ул. Чапаева, д. 11, кв. 2", confirm=False)

        # Ordinary members across the registry, and a few open requests.
        active = [t for t in tos_by_key.values() if t.status != "liquidated"]
        n = 0
        for i, last in enumerate(story.LAST_NAMES):
            for j, first in enumerate(story.FIRST_NAMES[: 3 + i % 4]):
                tos = active[(i * 7 + j) % len(active)]
                email = f"zhitel{i:02d}{j:02d}@demo.sosedi.ru"
                feminine = last.endswith("а")
                first_name = first if feminine == first.endswith(("а", "я")) else story.FIRST_NAMES[(j + 1) % 10]
                user = self._person(
                    email, last, first_name, "", date(1950 + (i * 3 + j) % 55, 1 + j % 12, 1 + i % 28), tos.municipality
                )
                self._member(
                    admin, user, tos, f"{tos.territory_description.split(',')[0]}, д. {j + 2}", confirm=(n % 6 != 0)
                )
                n += 1
        from sosedi.meetings import demo as meetings_demo

        meetings_demo.load(tos_by_key)
        from sosedi.initiatives import demo as initiatives_demo

        initiatives_demo.load(tos_by_key)
        from sosedi.surveys import demo as surveys_demo

        surveys_demo.load()
        from sosedi.knowledge.demo import load as knowledge_demo

        knowledge_demo.load()
        from sosedi.practices.demo import load as practices_demo

        practices_demo()
        if not Notification.objects.filter(user=admin, kind="demo.welcome").exists():
            Notification.objects.create(
                user=admin,
                kind="demo.welcome",
                title="Добро пожаловать в демо «Соседей»",
                body="Посмотрите реестр и карту ТОС, войдите как председатель и подтвердите заявку на вступление.",
                url="/tos/",
            )
        return created
