"""Russian production calendar for deadlines in working days (e.g. publication within 3 working days,
ч. 5 ст. 26.1 131-ФЗ).

Which day is working, in order of precedence (docs/decisions/0002-working-day-calendar.md):
1. a `CalendarDay` row — the official exceptions kept as data, seeded from the government decrees on moving
   days off for 2025–2027 and editable in the admin;
2. a weekend day that the `holidays` package records as the source of a moved day off ("substituted from
   11/01/2025") is working — this keeps years without seeded rows right as long as the package knows the decree;
3. otherwise a day is working unless it is a Saturday, a Sunday or a day off in `holidays.Russia` (public
   holidays, days off moved by art. 112 of the Labour Code, days off moved by decree).
"""

import re
from datetime import date, timedelta
from functools import lru_cache

import holidays

_SUBSTITUTED = re.compile(r"substituted from (\d{2})/(\d{2})/(\d{4})")


@lru_cache(maxsize=32)
def _package_year(year: int) -> tuple[frozenset[date], frozenset[date]]:
    """(days off on weekdays or holidays, weekend days made working) for one year, from the holidays package."""
    # Neighbouring years too: a day off in one year may be moved from a weekend of the year before.
    calendar = holidays.Russia(years=[year - 1, year, year + 1], language="en_US")
    days_off = frozenset(d for d in calendar if d.year == year)
    working_weekends = set()
    for name in calendar.values():
        for month, day, y in _SUBSTITUTED.findall(name):
            source = date(int(y), int(month), int(day))
            if source.year == year and source.weekday() >= 5 and source not in calendar:
                working_weekends.add(source)
    return days_off, frozenset(working_weekends)


class _Calendar:
    """Reads the `CalendarDay` exceptions one year at a time, so a long count costs one query per year."""

    def __init__(self):
        self._years: dict[int, dict[date, bool]] = {}

    def _exceptions(self, year: int) -> dict[date, bool]:
        if year not in self._years:
            from .models import CalendarDay

            rows = CalendarDay.objects.filter(date__year=year).values_list("date", "is_working")
            self._years[year] = dict(rows)
        return self._years[year]

    def is_working(self, d: date) -> bool:
        exceptions = self._exceptions(d.year)
        if d in exceptions:
            return exceptions[d]
        days_off, working_weekends = _package_year(d.year)
        if d in working_weekends:
            return True
        return d.weekday() < 5 and d not in days_off


def is_working_day(d: date) -> bool:
    return _Calendar().is_working(d)


def add_working_days(start: date, n: int) -> date:
    """The last day of a term of "n working days from `start`" (the day of submission, publication…).

    Counting starts the day after `start` (ст. 191 ГК РФ: a term in days begins the day after the event that
    starts it), and the n-th working day after it is the last day of the term. n = 0 returns `start`.
    """
    if n < 0:
        raise ValueError("n must not be negative")
    calendar = _Calendar()
    current = start
    counted = 0
    while counted < n:
        current += timedelta(days=1)
        if calendar.is_working(current):
            counted += 1
    return current


def working_days_between(start: date, end: date) -> int:
    """Working days in (start, end]: how many working days of a term running from `start` have passed by `end`.

    The inverse of `add_working_days`: working_days_between(s, add_working_days(s, n)) == n.
    """
    if end <= start:
        return 0
    calendar = _Calendar()
    return sum(1 for i in range(1, (end - start).days + 1) if calendar.is_working(start + timedelta(days=i)))
