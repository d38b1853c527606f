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


def test_submission_before_new_year_runs_past_the_holidays():
    # Friday 26.12.2025: 29 and 30 December count, 31 December (moved from 5 January) and 1–11 January do not.
    assert add_working_days(date(2025, 12, 26), 2) == date(2025, 12, 30)
    assert add_working_days(date(2025, 12, 26), 3) == date(2026, 1, 12)
    assert working_days_between(date(2025, 12, 30), date(2026, 1, 11)) == 0


def test_the_working_saturday_of_1_november_2025_counts_in_a_term():
    assert add_working_days(date(2025, 10, 31), 1) == date(2025, 11, 1)
    # Then 2 (Sunday), 3 (moved day off) and 4 November (Unity Day) are skipped.
    assert add_working_days(date(2025, 10, 31), 2) == date(2025, 11, 5)


def test_saturday_27_december_2025_was_an_ordinary_day_off():
    assert not is_working_day(date(2025, 12, 27))


def test_may_2025_days_off_moved_by_decree():
    # 1–4 and 8–11 May 2025 were days off: 2 May moved from 4 January, 8 May from 23 February.
    assert [is_working_day(date(2025, 5, d)) for d in range(1, 13)] == [
        False, False, False, False, True, True, True, False, False, False, False, True,
    ]  # fmt: skip


def test_decrees_are_seeded_as_data_with_their_basis():
    saturday = CalendarDay.objects.get(date=date(2025, 11, 1))
    assert saturday.is_working and "№ 1335" in saturday.note
    assert not CalendarDay.objects.get(date=date(2026, 1, 9)).is_working
    assert "№ 1466" in CalendarDay.objects.get(date=date(2026, 12, 31)).note
    assert CalendarDay.objects.get(date=date(2027, 2, 20)).is_working


def test_seeded_2025_2026_rows_agree_with_the_holidays_package():
    import holidays

    package = holidays.Russia(years=[2025, 2026])
    for row in CalendarDay.objects.filter(date__year__in=[2025, 2026]):
        if row.is_working:
            assert row.date.weekday() >= 5 and row.date not in package
        else:
            assert row.date.weekday() < 5 and row.date in package


def test_an_admin_correction_of_a_seeded_row_takes_effect():
    CalendarDay.objects.filter(date=date(2027, 2, 20)).update(is_working=False)
    assert not is_working_day(date(2027, 2, 20))


def test_negative_terms_are_refused():
    with pytest.raises(ValueError):
        add_working_days(date(2026, 1, 1), -1)


@settings(max_examples=40, deadline=None)
@given(
    st.dates(min_value=date(2025, 1, 1), max_value=date(2027, 6, 1)),
    st.integers(min_value=0, max_value=30),
    st.integers(min_value=0, max_value=30),
)
def test_terms_compose(start, a, b):
    # Counting a days and then b more days ends where counting a + b days does.
    assert add_working_days(add_working_days(start, a), b) == add_working_days(start, a + b)


@settings(max_examples=40, deadline=None)
@given(st.dates(min_value=date(2025, 1, 1), max_value=date(2027, 12, 1)), st.integers(min_value=0, max_value=20))
def test_later_start_never_gives_an_earlier_deadline(start, n):
    assert add_working_days(start + timedelta(days=1), n) >= add_working_days(start, n)
