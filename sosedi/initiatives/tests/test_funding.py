"""Co-financing (ст. 56.1 131-ФЗ): pledges of money, property and labour; payments received are recorded by the
administration; refunds proportional to contributions, to the kopeck."""

from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from freezegun import freeze_time
from hypothesis import given
from hypothesis import strategies as st

import config.urls  # noqa: F401  (the API builds its schemas on import; not under a frozen clock)
from sosedi.initiatives import funding, services
from sosedi.initiatives.models import Contribution, InitiativeProject

from .factories import resident
from .test_review import _decide, published


def test_split_adds_up_to_the_pool_and_follows_the_proportions():
    assert funding.split_proportionally(600, [100, 200, 300]) == [100, 200, 300]
    assert funding.split_proportionally(2, [1, 1, 1]) == [1, 1, 0]
    assert funding.split_proportionally(100, [100, 100, 100]) == [34, 33, 33]
    assert funding.split_proportionally(0, [5, 5]) == [0, 0]
    with pytest.raises(ValueError):
        funding.split_proportionally(11, [5, 5])


@given(st.lists(st.integers(min_value=0, max_value=10**9), min_size=1, max_size=30), st.data())
def test_split_never_loses_or_invents_a_kopeck(weights, data):
    pool = data.draw(st.integers(min_value=0, max_value=sum(weights)))
    parts = funding.split_proportionally(pool, weights)
    assert sum(parts) == pool
    total = sum(weights)
    for part, weight in zip(parts, weights, strict=True):
        assert part <= weight
        if total:
            assert abs(part * total - pool * weight) < total  # within one kopeck of the exact share


def test_refund_pool():
    assert funding.refund_pool(received=5000, budget=95000, spent=None, built=False) == 5000
    # Built for 80 000 of 100 000 financed: a fifth saved; the payments' 5 % share of it is 1 000.
    assert funding.refund_pool(received=5000, budget=95000, spent=80000, built=True) == 1000
    assert funding.refund_pool(received=5000, budget=95000, spent=120000, built=True) == 0


def _with_payments(project, chair, clerk):
    people = []
    for name, amount in [("Иванов И. И.", "1000"), ("ООО «Волга»", "2000"), ("Петрова А. С.", "3000")]:
        c = services.contribution_add(
            actor=chair, project=project, kind="payment", contributor=name, pledged=Decimal(amount)
        )
        services.contribution_receive(actor=clerk, contribution=c, amount=Decimal(amount))
        people.append(c)
    services.contribution_add(
        actor=chair, project=project, kind="labour", contributor="Жители дома 5", pledged=Decimal("15000"),
        description="Субботник по расчистке участка",
    )  # fmt: skip
    return people


@pytest.mark.django_db
def test_a_refused_project_returns_every_payment_in_full():
    project, clerk, chair, _ = published("2026-11-23 10:00", "2026-11-24 10:00")
    _with_payments(project, chair, clerk)
    _decide(project, clerk, decision="reject", ground=4, budget_line="")
    project.refresh_from_db()
    assert [(r.contributor, r.refund) for r in services.refunds(project)] == [
        ("Иванов И. И.", Decimal("1000.00")),
        ("ООО «Волга»", Decimal("2000.00")),
        ("Петрова А. С.", Decimal("3000.00")),
    ]


@pytest.mark.django_db
def test_a_cheaper_build_returns_the_payments_share_of_the_saving_proportionally():
    project, clerk, chair, _ = published("2026-11-23 10:00", "2026-11-24 10:00")
    _with_payments(project, chair, clerk)
    _decide(project, clerk)
    project.refresh_from_db()
    assert services.refunds(project) == []  # nothing due while it is being built
    with freeze_time("2027-06-01 10:00"):
        services.project_start(actor=chair, project=project)
        services.project_complete(actor=chair, project=project)
        # budget 765 000 + payments 6 000 = 771 000 financed; spent 694 000 → saving 77 000;
        # the payments' share 77 000 × 6 000 / 771 000 = 599,22 ₽ (kopecks rounded down), split 1:2:3.
        services.project_report(actor=chair, project=project, spent_amount=Decimal("694000"), text="Итоги: " + "x" * 30)
    project = InitiativeProject.objects.get(pk=project.pk)
    refunds = services.refunds(project)
    assert sum(r.refund for r in refunds) == Decimal("599.22")
    assert [r.refund for r in refunds] == [Decimal("99.87"), Decimal("199.74"), Decimal("299.61")]


@pytest.mark.django_db
def test_pledges_are_checked_and_only_the_administration_records_receipts():
    project, clerk, chair, _ = published("2026-11-23 10:00", "2026-11-24 10:00")
    with pytest.raises(ValidationError) as error:
        services.contribution_add(actor=chair, project=project, kind="property", contributor="", pledged=Decimal(0))
    assert {"contributor", "pledged", "description"} <= set(error.value.message_dict)
    with pytest.raises(PermissionDenied):
        services.contribution_add(actor=resident(), project=project, kind="payment", contributor="Я", pledged=1)
    c = services.contribution_add(actor=chair, project=project, kind="payment", contributor="Я", pledged=Decimal(5))
    with pytest.raises(PermissionDenied):
        services.contribution_receive(actor=chair, contribution=c, amount=Decimal(5))
    labour = services.contribution_add(
        actor=clerk, project=project, kind="labour", contributor="Мы", pledged=Decimal(5), description="труд"
    )
    with pytest.raises(ValidationError):
        services.contribution_receive(actor=clerk, contribution=labour, amount=Decimal(5))
    with pytest.raises(IntegrityError), transaction.atomic():
        Contribution.objects.filter(pk=labour.pk).update(received=Decimal(1))


@pytest.mark.django_db
def test_funding_section_without_javascript(client):
    project, clerk, chair, _ = published("2026-11-23 10:00", "2026-11-24 10:00")
    client.force_login(chair)
    client.post(
        f"/initiatives/{project.pk}/funding/",
        {"kind": "payment", "contributor": "Иванов И. И.", "pledged": "1000"},
    )
    contribution = project.contributions.get()
    client.force_login(clerk)
    client.post(f"/initiatives/{project.pk}/funding/{contribution.pk}/received/", {"amount": "1000"})
    contribution.refresh_from_db()
    assert contribution.received == Decimal("1000")
    page = client.get(f"/initiatives/{project.pk}/").content.decode()
    assert "Софинансирование" in page and "Иванов И. И." in page
