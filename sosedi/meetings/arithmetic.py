"""The legal arithmetic of meetings in integers: quorum (T9, T10) and majorities (T11, the charter).

A fraction rule "a/b" is met by `part` of `whole` when b·part ≥ a·whole — no division, no rounding, so
3·p = N passes and 3·p = N − 1 does not (legal-rules.md §6, boundary tests). "More than half" is strict:
2·part > whole.
"""

from dataclasses import dataclass
from fractions import Fraction

from .models import MajorityBase, MajorityRule


def at_least(part: int, whole: int, fraction: Fraction) -> bool:
    return fraction.denominator * part >= fraction.numerator * whole


def required_for(whole: int, fraction: Fraction) -> int:
    """The smallest whole number of people that is at least `fraction` of `whole`."""
    return -((-fraction.numerator * whole) // fraction.denominator)


def assembly_quorum(*, present: int, residents: int, fraction: Fraction) -> bool:
    """T9: at least one third (the rule set's fraction) of the residents aged 16+ take part. With no known
    residents there is no base and so no quorum."""
    return residents > 0 and at_least(present, residents, fraction)


def conference_quorum(
    *,
    delegates_present: int,
    delegates_elected: int,
    residents_represented: int,
    residents: int,
    delegates_fraction: Fraction,
    representation_fraction: Fraction,
) -> tuple[bool, bool]:
    """T10: at least 2/3 of the elected delegates present, and the elected delegates represent at least 1/3
    of the residents aged 16+. Returns both conditions so the page can say which one fails."""
    delegates_ok = delegates_elected > 0 and at_least(delegates_present, delegates_elected, delegates_fraction)
    representation_ok = residents > 0 and at_least(residents_represented, residents, representation_fraction)
    return delegates_ok, representation_ok


MAJORITY_FRACTIONS = {
    MajorityRule.TWO_THIRDS: Fraction(2, 3),
    MajorityRule.THREE_QUARTERS: Fraction(3, 4),
}


@dataclass(frozen=True)
class Majority:
    decided: bool
    base: int


def majority_base(base_kind: str, *, present: int, cast: int, entitled: int) -> int:
    return {MajorityBase.PRESENT: present, MajorityBase.CAST: cast, MajorityBase.ENTITLED: entitled}[base_kind]


def is_adopted(rule: str, *, votes_for: int, votes_against: int, base: int) -> bool:
    """Whether `votes_for` carry the decision under the charter's rule. Simple majority compares for and
    against only; the others compare with the base (present, cast or entitled), and a base of nobody
    decides nothing."""
    if rule == MajorityRule.SIMPLE:
        return votes_for > votes_against
    if base <= 0:
        return False
    if rule == MajorityRule.HALF:
        return 2 * votes_for > base
    return at_least(votes_for, base, MAJORITY_FRACTIONS[MajorityRule(rule)])


def percent(part: int, whole: int) -> str:
    """34,7 % — one decimal, Russian comma, rounded half up in integers (no float surprises)."""
    if whole <= 0:
        return "0 %"
    tenths = (2000 * part + whole) // (2 * whole)
    return f"{tenths // 10},{tenths % 10} %"
