"""The law as data: resolve a legal parameter for a municipality on a date, with its legal basis.

Resolution order for `rule(key, municipality=…, on=…)`:
1. the municipality's own rule sets in force on that date (newest first) — municipal acts may lower
   thresholds where the law lets them (for example `initiative.min_group`, ч. 2 ст. 26.1 131-ФЗ); an older
   municipal set stays in force for the keys a newer one does not name;
2. the federal rule sets in force on that date, newest first, so a newer regime (33-ФЗ from 19.06.2025)
   overrides only the keys it names and the rest stay as the earlier regime set them.

No cache: one indexed query per call is cheap, and a value changed in the admin must apply at once on every
server (correctness of a legal threshold beats a saved millisecond).
"""

from dataclasses import dataclass
from datetime import date
from fractions import Fraction

from django.core.exceptions import ValidationError
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _

from .models import RuleSet

CONFIDENCE_MARKS = ("V", "V-m", "M", "NV")


@dataclass(frozen=True)
class RuleValue:
    key: str
    value: object
    basis: str
    confidence: str
    regime: str
    note: str = ""
    effective_from: date | None = None
    municipal: bool = False

    @property
    def fraction(self) -> Fraction:
        return parse_fraction(self.value)

    @property
    def needs_check(self) -> bool:
        """Rules from memory or unverified sources are shown with a warning to check the current wording."""
        return self.confidence in ("M", "NV")


def parse_fraction(value) -> Fraction:
    """ "1/3" → Fraction(1, 3); integers as themselves. Floats are refused: 0.333… is not one third."""
    if isinstance(value, bool | float):
        raise ValueError(f"not an exact fraction: {value!r}")
    if isinstance(value, int | Fraction):
        return Fraction(value)
    numerator, slash, denominator = str(value).strip().partition("/")
    try:
        return Fraction(int(numerator), int(denominator) if slash else 1)
    except (ValueError, ZeroDivisionError) as exc:
        raise ValueError(f"not a fraction like '1/3': {value!r}") from exc


def meets_fraction(part: int, whole: int, fraction) -> bool:
    """part/whole >= fraction in integers only (for 1/3: 3·part >= whole), so no rounding can flip a result."""
    if part < 0 or whole < 0:
        raise ValueError("counts must not be negative")
    f = parse_fraction(fraction)
    return f.denominator * part >= f.numerator * whole


def rule(key: str, *, municipality=None, on: date | None = None) -> RuleValue:
    on = on or timezone.localdate()
    scope = Q(municipality__isnull=True)
    if municipality is not None:
        scope |= Q(municipality=municipality)
    candidates = RuleSet.objects.filter(scope, effective_from__lte=on).only(
        "regime", "effective_from", "municipality_id", "rules"
    )
    # Municipal sets first, then federal; inside each, the newest first.
    for rule_set in sorted(candidates, key=lambda s: (s.municipality_id is not None, s.effective_from), reverse=True):
        entry = rule_set.rules.get(key)
        if entry is not None:
            return RuleValue(
                key=key,
                value=entry["value"],
                basis=entry.get("basis", ""),
                confidence=entry.get("confidence", "NV"),
                regime=rule_set.regime,
                note=entry.get("note", ""),
                effective_from=rule_set.effective_from,
                municipal=rule_set.municipality_id is not None,
            )
    raise KeyError(f"rule {key!r} is not defined in any rule set in force on {on.isoformat()}")


def validate_rules(rules) -> None:
    """Check the shape of a rule set's JSON before an administrator saves it; Russian messages."""
    if not isinstance(rules, dict):
        raise ValidationError(_("Правила — это объект JSON: ключ правила → его описание."))
    errors = []
    for key, entry in rules.items():
        if not isinstance(entry, dict) or "value" not in entry:
            errors.append(_("«%(key)s»: нужно поле value.") % {"key": key})
            continue
        if not str(entry.get("basis", "")).strip():
            errors.append(_("«%(key)s»: укажите основание (basis), например «ч. 6 ст. 27 131-ФЗ».") % {"key": key})
        if entry.get("confidence") not in CONFIDENCE_MARKS:
            errors.append(
                _("«%(key)s»: отметка достоверности (confidence) — одна из: %(marks)s.")
                % {"key": key, "marks": ", ".join(CONFIDENCE_MARKS)}
            )
        if isinstance(entry.get("value"), str) and "/" in entry["value"]:
            try:
                parse_fraction(entry["value"])
            except ValueError:
                errors.append(_("«%(key)s»: дробь записывается как «1/3».") % {"key": key})
    if errors:
        raise ValidationError(errors)
