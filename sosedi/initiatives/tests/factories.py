"""Ideas and projects built through the services, as residents and a ТОС would build them."""

from datetime import date
from decimal import Decimal

from sosedi.accounts.models import Role
from sosedi.accounts.tests.factories import ResidentFactory, grant
from sosedi.core.models import RuleSet
from sosedi.initiatives import services
from sosedi.initiatives.models import InitiatorKind
from sosedi.territories.models import Direction
from sosedi.territories.tests.factories import TosFactory, municipality

PARTS = {
    "problem": "Во дворе нет детской площадки, дети играют у проезжей части.",
    "justification": "Площадка на пустыре у дома 5 уберёт детей с дороги; место согласовано с жителями.",
    "expected_result": "Детская площадка с покрытием и ограждением, 120 м².",
    "cost_estimate": Decimal("850000.00"),
    "cost_breakdown": "Оборудование — 600 000 ₽; покрытие — 250 000 ₽.",
    "timeline": "май — август 2027 года",
    "participation": "Жители — 85 000 ₽ инициативных платежей и субботник по подготовке площадки.",
    "budget_amount": Decimal("765000.00"),
    "territory_description": "г. Саратов, ул. Тестовая, двор домов 3–7.",
}

# A courtyard in Saratov, [долгота, широта]: the territory a project without a ТОС must draw.
TERRITORY = {
    "type": "Polygon",
    "coordinates": [[[46.03, 51.53], [46.032, 51.53], [46.032, 51.531], [46.03, 51.531], [46.03, 51.53]]],
}


def direction() -> Direction:
    return Direction.objects.order_by("position").first()


def resident(**kwargs):
    """An adult resident of Saratov (the profile names the municipality)."""
    kwargs.setdefault("municipality", municipality())
    return ResidentFactory(**kwargs)


def idea(author=None, **kwargs):
    author = author or resident()
    kwargs.setdefault("municipality", municipality())
    kwargs.setdefault("direction", direction())
    kwargs.setdefault("title", "Детская площадка во дворе")
    kwargs.setdefault("description", "Во дворе домов 3–7 нет ни одной площадки для детей.")
    return services.idea_create(actor=author, **kwargs)


def tos_with_chair():
    tos = TosFactory()
    chair = resident(last_name="Председателева", first_name="Анна")
    grant(chair, Role.CHAIR, tos=tos)
    return tos, chair


def tos_project(tos=None, chair=None, **fields):
    """A draft project of a ТОС's bodies, drawn up by its chair."""
    if tos is None:
        tos, chair = tos_with_chair()
    data = {**PARTS, "title": "Детская площадка «Солнышко»", "direction": direction(), **fields}
    return services.project_create(
        actor=chair, municipality=tos.municipality, initiator_kind=InitiatorKind.TOS_BODY, tos=tos, **data
    )


def allow_signatures(muni=None, *, min_signatures: int = 3, **extra):
    """A municipal act that allows signatures as support (ч. 4 ст. 26.1) and sets how many are needed."""
    muni = muni or municipality()

    def r(value):
        return {"value": value, "basis": "решение Думы (тест)", "confidence": "V"}

    rules = {
        "initiative.support_methods": r(["meeting", "conference", "signatures"]),
        "initiative.min_signatures": r(min_signatures),
        **{key: r(value) for key, value in extra.items()},
    }
    rule_set, _created = RuleSet.objects.update_or_create(
        regime="131-FZ",
        effective_from=date(2021, 1, 2),
        municipality=muni,
        defaults={"title": "НПА (тест)", "rules": rules},
    )
    return rule_set


def signed_by(project, n: int):
    people = [resident(municipality=project.municipality) for _ in range(n)]
    for person in people:
        services.signature_sign(actor=person, project=project)
    return people


def approving_meeting(tos, chair, *, close: bool = True, publish: bool = True, against: bool = False):
    """A собрание of the ТОС of [2] that voted on supporting the project: closed, its decision published."""
    from sosedi.meetings import services as meetings
    from sosedi.meetings.tests.factories import members, open_meeting

    meetings.charter_update(actor=chair, tos=tos, remote_counts_for_quorum=True)
    tos.residents_16plus = 9
    tos.save(update_fields=["residents_16plus"])
    people = members(tos, 5)
    m = open_meeting(tos, chair)
    for person in people:
        meetings.check_in_remote(actor=person, meeting=m)
    item = m.agenda_items.get()
    meetings.vote_open(actor=chair, item=item)
    for person in people:
        meetings.ballot_cast(actor=person, item=item, choice="against" if against else "for")
    meetings.vote_close(actor=chair, item=item)
    if publish:
        meetings.vote_publish(actor=chair, item=item)
    if close:
        meetings.meeting_close(actor=chair, meeting=m)
    item.refresh_from_db()
    return item
