import json
from datetime import date
from fractions import Fraction

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


SECTION_6_KEYS = [
    "tos.min_age", "tos.quorum_meeting", "tos.conf_delegates", "tos.conf_repr", "tos.registration_days",
    "tos.organ_min_age", "initiative.min_group", "initiative.min_age", "initiative.publish_wd",
    "initiative.comments_min_wd", "initiative.review_days", "initiative.report_days", "initiative.support_methods",
    "initiative.commission_council_share", "survey.notice_days", "pd.access_reply_wd", "pd.extension_wd",
    "pd.destroy_days", "meeting.notice_days",
]  # fmt: skip


@pytest.mark.parametrize("on", [date(2024, 1, 1), date(2025, 7, 1), date(2027, 3, 1)])
def test_every_key_of_section_6_resolves_with_basis_and_mark(on):
    from sosedi.core.rulesets import CONFIDENCE_MARKS

    for key in SECTION_6_KEYS:
        value = rule(key, on=on)
        assert value.basis and value.confidence in CONFIDENCE_MARKS, key


def test_seeded_sets_pass_the_admin_validation():
    from sosedi.core.rulesets import validate_rules

    for rule_set in RuleSet.objects.all():
        validate_rules(rule_set.rules)


def test_nothing_is_in_force_before_the_first_set():
    with pytest.raises(KeyError):
        rule("tos.min_age", on=date(2020, 12, 31))


def test_older_municipal_set_stays_for_keys_the_newer_one_omits():
    engels = municipality("Энгельсский муниципальный район")
    entry = {"basis": "решение Собрания депутатов", "confidence": "V"}
    RuleSet.objects.create(
        regime="131-FZ", effective_from=date(2023, 1, 1), municipality=engels, title="2023",
        rules={"initiative.min_group": {"value": 7, **entry}, "tos.registration_days": {"value": 15, **entry}},
    )  # fmt: skip
    RuleSet.objects.create(
        regime="131-FZ", effective_from=date(2024, 1, 1), municipality=engels, title="2024",
        rules={"initiative.min_group": {"value": 5, **entry}},
    )  # fmt: skip
    on = date(2024, 6, 1)
    assert rule("initiative.min_group", municipality=engels, on=on).value == 5
    registration = rule("tos.registration_days", municipality=engels, on=on)
    assert registration.value == 15 and registration.municipal and registration.effective_from == date(2023, 1, 1)
    assert not rule("tos.min_age", municipality=engels, on=on).municipal


def test_fraction_property_and_bad_fractions():
    assert rule("tos.conf_delegates", on=date(2024, 1, 1)).fraction == Fraction(2, 3)
    for bad in ("1/0", "треть", 0.333):
        with pytest.raises(ValueError):
            meets_fraction(1, 3, bad)
    with pytest.raises(ValueError):
        meets_fraction(-1, 3, "1/3")


@given(st.integers(min_value=0, max_value=10**9))
def test_one_third_boundary(p):
    assert meets_fraction(p, 3 * p, "1/3")  # 3p = N passes
    assert not meets_fraction(p, 3 * p + 1, "1/3")  # 3p = N − 1 fails


@given(
    st.integers(min_value=1, max_value=50),
    st.integers(min_value=1, max_value=50),
    st.integers(min_value=0, max_value=10**6),
    st.integers(min_value=0, max_value=10**6),
)
def test_any_fraction_matches_exact_rational_comparison(a, b, part, whole):
    f = Fraction(a, b)
    expected = part * f.denominator >= whole * f.numerator
    assert meets_fraction(part, whole, f"{a}/{b}") == expected == (Fraction(part) >= f * whole)


def test_admin_edit_applies_at_once_and_bad_json_is_refused(client):
    from sosedi.accounts.tests.factories import UserFactory

    client.force_login(UserFactory(is_staff=True, is_superuser=True))
    federal = RuleSet.objects.get(regime="131-FZ", municipality=None)
    url = f"/admin/core/ruleset/{federal.pk}/change/"
    form = {
        "regime": federal.regime,
        "effective_from": federal.effective_from.isoformat(),
        "municipality": "",
        "title": federal.title,
        "source": federal.source,
    }
    bad = {**federal.rules, "survey.notice_days": {"value": 14, "confidence": "где-то слышал"}}
    response = client.post(url, {**form, "rules": json.dumps(bad, ensure_ascii=False)})
    assert response.status_code == 200
    page = response.content.decode()
    assert "укажите основание (basis)" in page and "отметка достоверности" in page
    good = {**federal.rules, "survey.notice_days": {"value": 14, "basis": "ст. 31 131-ФЗ", "confidence": "V"}}
    response = client.post(url, {**form, "rules": json.dumps(good, ensure_ascii=False)})
    assert response.status_code == 302
    assert rule("survey.notice_days", on=date(2024, 1, 1)).value == 14


def test_survey_identification_and_the_registration_term_default():
    assert rule("survey.id_method", on=date(2026, 1, 1)).value == "esia"
    registration = rule("tos.registration_days", on=date(2026, 1, 1))
    assert registration.value == 30 and registration.confidence == "M" and registration.needs_check
