"""Russian production calendar for deadlines in working days (e.g. publication within 3 working days,
ч. 5 ст. 26.1 131-ФЗ).

A day is a working day unless it is a Saturday, Sunday, public holiday or a day off moved by a government
decree, except that a weekend day the decree turns into a working day is one. The `holidays` package knows
the holidays and the moved days off; a moved day off names the date it came from ("substituted from
11/01/2025"), and when that date is an ordinary weekend day it became a working day. The official calendar
can always be corrected as data: a `CalendarDay` row wins over everything else
(docs/decisions/0002-working-day-calendar.md).
"""

import re
from datetime import date, timedelta
from functools import lru_cache

import holidays

_SUBSTITUTED = re.compile(r"substituted from (\d{2})/(\d{2})/(\d{4})")


@lru_cache(maxsize=32)
def _year(year: int) -> tuple[frozenset[date], frozenset[date]]:
    """(days off on weekdays or holidays, weekend days made working) for one year, from the holidays package."""
    calendar = holidays.Russia(years=[year - 1, year, year + 1], language="en_US")
    days_off = frozenset(d for d in calendar if d.year == year)
    working_weekends = set()
    for name in calendar.values():
        for month, day, y in _SUBSTITUTED.findall(name):
            source = date(int(y), int(month), int(day))
            if source.year == year and source.weekday() >= 5 and source not in calendar:
                working_weekends.add(source)
    return days_off, frozenset(working_weekends)


def _overrides(start: date, end: date) -> dict[date, bool]:
    from .models import CalendarDay

    return dict(CalendarDay.objects.filter(date__range=(start, end)).values_list("date", "is_working"))


def _is_working(d: date, overrides: dict[date, bool]) -> bool:
    if d in overrides:
        return overrides[d]
    days_off, working_weekends = _year(d.year)
    if d in working_weekends:
        return True
    return d.weekday() < 5 and d not in days_off


def is_working_day(d: date) -> bool:
    return _is_working(d, _overrides(d, d))


def add_working_days(start: date, n: int) -> date:
    """The date by which something must happen "within n working days from `start`".

    Counting starts the day after `start` (ст. 191 ГК РФ: a term starts the day after the event), and the
    n-th working day is the last day of the term.
    """
    if n < 0:
        raise ValueError("n must not be negative")
    overrides = _overrides(start, start + timedelta(days=n * 3 + 30))
    current = start
    counted = 0
    while counted < n:
        current += timedelta(days=1)
        if _is_working(current, overrides):
            counted += 1
    return current


def working_days_between(start: date, end: date) -> int:
    """Working days in (start, end]: how many working days have passed since `start` by `end`."""
    if end <= start:
        return 0
    overrides = _overrides(start, end)
    return sum(1 for i in range(1, (end - start).days + 1) if _is_working(start + timedelta(days=i), overrides))
