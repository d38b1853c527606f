"""The law as data: resolve a legal parameter for a municipality on a date, with its legal basis.

Resolution order for `rule(key, municipality=…, on=…)`:
1. the municipality's own rule sets in force on that date (newest first) — municipal acts may lower
   thresholds where the law lets them (for example `initiative.min_group`, ч. 2 ст. 26.1 131-ФЗ);
2. the federal rule sets in force on that date, newest first, so a newer regime (33-ФЗ) overrides only
   the keys it names and older keys stay in force.
"""

from dataclasses import dataclass
from datetime import date
from fractions import Fraction

from django.utils import timezone

from .models import RuleSet


@dataclass(frozen=True)
class RuleValue:
    key: str
    value: object
    basis: str
    confidence: str
    regime: str
    note: str = ""

    @property
    def fraction(self) -> Fraction:
        return parse_fraction(self.value)

    @property
    def needs_check(self) -> bool:
        """Rules from memory or unverified sources are shown with a warning to check the current wording."""
        return self.confidence in ("M", "NV")


def parse_fraction(value) -> Fraction:
    if isinstance(value, int | Fraction):
        return Fraction(value)
    numerator, _, denominator = str(value).partition("/")
    return Fraction(int(numerator), int(denominator or 1))


def meets_fraction(part: int, whole: int, fraction) -> bool:
    """part/whole >= fraction, in integers only (for 1/3: 3·part >= whole), so no rounding can flip a result."""
    f = parse_fraction(fraction)
    return f.denominator * part >= f.numerator * whole


def _candidate_sets(municipality, on: date) -> list[RuleSet]:
    qs = RuleSet.objects.filter(effective_from__lte=on)
    federal = list(qs.filter(municipality__isnull=True).order_by("-effective_from"))
    local = list(qs.filter(municipality=municipality).order_by("-effective_from")) if municipality else []
    return local + federal


def rule(key: str, *, municipality=None, on: date | None = None) -> RuleValue:
    on = on or timezone.localdate()
    for rule_set in _candidate_sets(municipality, on):
        entry = rule_set.rules.get(key)
        if entry is not None:
            return RuleValue(
                key=key,
                value=entry["value"],
                basis=entry.get("basis", ""),
                confidence=entry.get("confidence", "NV"),
                regime=rule_set.regime,
                note=entry.get("note", ""),
            )
    raise KeyError(f"rule {key!r} is not defined in any rule set in force on {on.isoformat()}")
