"""Property tests of the legal arithmetic against the integer formulas of legal-rules.md (T9, T10, T11)."""

import math
from fractions import Fraction

from hypothesis import given
from hypothesis import strategies as st

from sosedi.meetings import arithmetic
from sosedi.meetings.models import MajorityRule

people = st.integers(min_value=0, max_value=100_000)
positive = st.integers(min_value=1, max_value=100_000)
THIRD = Fraction(1, 3)
TWO_THIRDS = Fraction(2, 3)


@given(residents=positive)
def test_quorum_boundary_3p_equals_n_passes_and_n_minus_1_does_not(residents):
    # The smallest p with 3p ≥ N passes; one fewer does not — whatever N's remainder mod 3.
    p = -(-residents // 3)
    assert arithmetic.assembly_quorum(present=p, residents=residents, fraction=THIRD)
    assert not arithmetic.assembly_quorum(present=p - 1, residents=residents, fraction=THIRD)
    assert arithmetic.required_for(residents, THIRD) == p


@given(k=st.integers(min_value=1, max_value=30_000))
def test_exactly_one_third_passes(k):
    assert arithmetic.assembly_quorum(present=k, residents=3 * k, fraction=THIRD)
    assert not arithmetic.assembly_quorum(present=k, residents=3 * k + 1, fraction=THIRD)  # 3p = N − 1


@given(present=people, residents=people)
def test_quorum_matches_the_integer_formula(present, residents):
    expected = residents > 0 and 3 * present >= residents
    assert arithmetic.assembly_quorum(present=present, residents=residents, fraction=THIRD) is expected


@given(present=people)
def test_nobody_to_count_means_no_quorum(present):
    assert not arithmetic.assembly_quorum(present=present, residents=0, fraction=THIRD)


@given(elected=positive, present=people, represented=people, residents=people)
def test_conference_matches_t10(elected, present, represented, residents):
    delegates_ok, representation_ok = arithmetic.conference_quorum(
        delegates_present=present,
        delegates_elected=elected,
        residents_represented=represented,
        residents=residents,
        delegates_fraction=TWO_THIRDS,
        representation_fraction=THIRD,
    )
    assert delegates_ok is (3 * present >= 2 * elected)
    assert representation_ok is (residents > 0 and 3 * represented >= residents)


@given(k=st.integers(min_value=1, max_value=10_000))
def test_exactly_two_thirds_of_delegates_passes(k):
    ok, _ = arithmetic.conference_quorum(
        delegates_present=2 * k,
        delegates_elected=3 * k,
        residents_represented=1,
        residents=1,
        delegates_fraction=TWO_THIRDS,
        representation_fraction=THIRD,
    )
    short, _ = arithmetic.conference_quorum(
        delegates_present=2 * k - 1,
        delegates_elected=3 * k,
        residents_represented=1,
        residents=1,
        delegates_fraction=TWO_THIRDS,
        representation_fraction=THIRD,
    )
    assert ok and not short


@given(votes_for=people, votes_against=people, base=people)
def test_majorities_match_their_formulas(votes_for, votes_against, base):
    adopted = arithmetic.is_adopted
    assert adopted(MajorityRule.SIMPLE, votes_for=votes_for, votes_against=votes_against, base=base) is (
        votes_for > votes_against
    )
    assert adopted(MajorityRule.HALF, votes_for=votes_for, votes_against=votes_against, base=base) is (
        base > 0 and 2 * votes_for > base
    )
    assert adopted(MajorityRule.TWO_THIRDS, votes_for=votes_for, votes_against=votes_against, base=base) is (
        base > 0 and 3 * votes_for >= 2 * base
    )
    assert adopted(MajorityRule.THREE_QUARTERS, votes_for=votes_for, votes_against=votes_against, base=base) is (
        base > 0 and 4 * votes_for >= 3 * base
    )


@given(k=st.integers(min_value=1, max_value=10_000))
def test_a_tie_is_not_a_majority(k):
    assert not arithmetic.is_adopted(MajorityRule.SIMPLE, votes_for=k, votes_against=k, base=2 * k)
    assert not arithmetic.is_adopted(MajorityRule.HALF, votes_for=k, votes_against=k, base=2 * k)


@given(votes_for=people, abstain=people)
def test_abstentions_count_against_a_majority_of_those_present(votes_for, abstain):
    present = votes_for + abstain
    assert arithmetic.is_adopted(MajorityRule.HALF, votes_for=votes_for, votes_against=0, base=present) is (
        2 * votes_for > present
    )


@given(part=people, whole=positive)
def test_percent_is_rounded_half_up_to_one_decimal(part, whole):
    text = arithmetic.percent(part, whole)
    integer, decimal = text.removesuffix(" %").split(",")
    tenths = int(integer) * 10 + int(decimal)
    exact = Fraction(1000 * part, whole)
    assert tenths == math.floor(exact + Fraction(1, 2))


def test_percent_examples_from_the_issue():
    assert arithmetic.percent(104, 300) == "34,7 %"
    assert arithmetic.percent(61, 104) == "58,7 %"
    assert arithmetic.percent(0, 0) == "0 %"
