from datetime import date, timedelta

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from sosedi.core.models import CalendarDay
from sosedi.core.workdays import add_working_days, is_working_day, working_days_between

pytestmark = pytest.mark.django_db


def test_new_year_holidays_are_not_working_days():
    assert not is_working_day(date(2026, 1, 5))  # Monday inside the New Year holidays
    assert not is_working_day(date(2026, 1, 9))  # Friday, day off moved from Saturday 3 January
    assert is_working_day(date(2026, 1, 12))


def test_a_saturday_made_working_by_decree_counts():
    # 2025: the day off of Saturday 1 November was moved to Monday 3 November.
    assert is_working_day(date(2025, 11, 1))
    assert not is_working_day(date(2025, 11, 3))
    assert not is_working_day(date(2025, 11, 4))


def test_three_working_days_across_may_holidays():
    # Submitted Thursday 30.04.2026: 1 May (Fri) holiday, weekend, then 4, 5, 6 May.
    assert add_working_days(date(2026, 4, 30), 3) == date(2026, 5, 6)


def test_counting_starts_the_next_day():
    assert add_working_days(date(2026, 11, 23), 1) == date(2026, 11, 24)
    assert add_working_days(date(2026, 11, 27), 1) == date(2026, 11, 30)  # Friday → Monday
    assert add_working_days(date(2026, 11, 27), 0) == date(2026, 11, 27)


def test_calendar_rows_correct_the_package():
    CalendarDay.objects.create(date=date(2026, 11, 30), is_working=False, note="тест: региональный выходной")
    assert not is_working_day(date(2026, 11, 30))
    assert add_working_days(date(2026, 11, 27), 1) == date(2026, 12, 1)


def test_working_days_between():
    assert working_days_between(date(2026, 11, 20), date(2026, 11, 27)) == 5
    assert working_days_between(date(2026, 11, 27), date(2026, 11, 20)) == 0


@settings(max_examples=60, deadline=None)
@given(st.dates(min_value=date(2025, 1, 1), max_value=date(2027, 10, 1)), st.integers(min_value=1, max_value=40))
def test_deadline_is_a_working_day_and_grows_with_n(start, n):
    end = add_working_days(start, n)
    assert is_working_day(end)
    assert working_days_between(start, end) == n
    assert add_working_days(start, n + 1) > end
    assert end - start >= timedelta(days=n)
