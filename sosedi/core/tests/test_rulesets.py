from datetime import date

import pytest
from hypothesis import given
from hypothesis import strategies as st

from sosedi.core.models import RuleSet
from sosedi.core.rulesets import meets_fraction, rule
from sosedi.territories.tests.factories import municipality

pytestmark = pytest.mark.django_db


def test_federal_default_carries_its_article():
    value = rule("tos.quorum_meeting", on=date(2024, 5, 1))
    assert value.value == "1/3"
    assert value.basis == "ч. 6 ст. 27 131-ФЗ"
    assert value.regime == "131-FZ"


def test_newer_regime_overrides_only_what_it_names():
    assert rule("initiative.survey_min_age", on=date(2025, 6, 18)).value == 16
    assert rule("initiative.survey_min_age", on=date(2025, 6, 19)).value == 18
    # A key 33-ФЗ does not name stays as 131-ФЗ set it.
    assert rule("tos.min_age", on=date(2025, 7, 1)).regime == "131-FZ"


def test_municipal_set_overrides_federal_from_its_date_only():
    engels = municipality("Энгельсский муниципальный район")
    RuleSet.objects.create(
        regime="131-FZ",
        effective_from=date(2024, 1, 1),
        municipality=engels,
        title="Решение о минимальной численности инициативной группы",
        rules={"initiative.min_group": {"value": 5, "basis": "решение Собрания депутатов", "confidence": "V"}},
    )
    assert rule("initiative.min_group", municipality=engels, on=date(2024, 1, 1)).value == 5
    assert rule("initiative.min_group", municipality=engels, on=date(2023, 12, 31)).value == 10
    assert rule("initiative.min_group", municipality=municipality("город Саратов"), on=date(2024, 6, 1)).value == 10


def test_unknown_key_is_named_in_the_error():
    with pytest.raises(KeyError, match="no.such.rule"):
        rule("no.such.rule")


def test_unverified_rules_ask_for_a_check():
    assert rule("initiative.review_days", on=date(2024, 1, 1)).needs_check
    assert not rule("tos.min_age", on=date(2024, 1, 1)).needs_check


def test_quorum_boundary_in_integers():
    # 3·p = N passes, 3·p = N − 1 ... i.e. one participant short fails.
    assert meets_fraction(100, 300, "1/3")
    assert not meets_fraction(99, 300, "1/3")
    assert meets_fraction(34, 101, "1/3") and not meets_fraction(33, 101, "1/3")
    assert meets_fraction(2, 3, "2/3") and not meets_fraction(1, 3, "2/3")


@given(st.integers(min_value=0, max_value=10**6), st.integers(min_value=1, max_value=10**6))
def test_fraction_check_equals_exact_rational_comparison(part, whole):
    from fractions import Fraction

    assert meets_fraction(part, whole, "1/3") == (Fraction(part, whole) >= Fraction(1, 3))
