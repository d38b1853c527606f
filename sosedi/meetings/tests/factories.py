"""Meetings built through the services, as a chair would build them."""

from datetime import timedelta

from django.utils import timezone

from sosedi.accounts.models import Role
from sosedi.accounts.tests.factories import ResidentFactory, grant, member
from sosedi.meetings import services
from sosedi.meetings.models import MeetingFormat, MeetingKind
from sosedi.territories.tests.factories import TosFactory


def tos_with_chair(residents: int = 300, **charter):
    tos = TosFactory(residents_16plus=residents)
    chair = ResidentFactory(last_name="Председателева", first_name="Анна")
    grant(chair, Role.CHAIR, tos=tos)
    if charter:
        services.charter_update(actor=chair, tos=tos, **charter)
    return tos, chair


def meeting(tos, chair, *, kind=MeetingKind.ASSEMBLY, fmt=MeetingFormat.HYBRID, items=1, days=10, **item_kwargs):
    m = services.meeting_create(
        actor=chair,
        tos=tos,
        kind=kind,
        format=fmt,
        title="Общее собрание жителей",
        starts_at=timezone.now() + timedelta(days=days),
        place="Двор дома 5" if fmt != MeetingFormat.ONLINE else "",
        link="https://meet.example.ru/tos" if fmt != MeetingFormat.IN_PERSON else "",
    )
    for n in range(items):
        services.agenda_item_add(actor=chair, meeting=m, title=f"Вопрос {n + 1}", **item_kwargs)
    return m


def open_meeting(tos, chair, **kwargs):
    m = meeting(tos, chair, **kwargs)
    services.meeting_call(actor=chair, meeting=m)
    services.meeting_open(actor=chair, meeting=m, presiding_name="Председателева А.", secretary_name="Секретарёва Е.")
    return m


def members(tos, n: int):
    return [member(tos).user for _ in range(n)]
