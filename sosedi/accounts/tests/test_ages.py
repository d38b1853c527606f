from datetime import date, timedelta

import pytest
from hypothesis import given
from hypothesis import strategies as st

from sosedi.accounts.ages import age_on, is_at_least

births = st.dates(min_value=date(1900, 1, 1), max_value=date(2030, 12, 31))


def test_age_changes_on_the_birthday_not_the_day_before():
    born = date(2010, 5, 20)
    assert age_on(born, date(2026, 5, 19)) == 15
    assert age_on(born, date(2026, 5, 20)) == 16


def test_fifteen_years_364_days_is_not_sixteen():
    born = date(2010, 5, 20)
    on = date(2026, 5, 19)
    assert (on - born).days == 16 * 365 + 4 - 1  # four leap days in between, one day short
    assert not is_at_least(born, 16, on)
    assert is_at_least(born, 16, on + timedelta(days=1))


def test_leap_day_birthday_turns_on_first_of_march_in_common_years():
    born = date(2008, 2, 29)
    assert age_on(born, date(2024, 2, 28)) == 15
    assert age_on(born, date(2024, 2, 29)) == 16  # leap year: the birthday itself
    assert age_on(born, date(2025, 2, 28)) == 16
    assert age_on(born, date(2026, 2, 28)) == 17
    assert age_on(born, date(2027, 2, 28)) == 18
    assert age_on(born, date(2027, 3, 1)) == 19


def test_date_before_birth_is_an_error_for_age_and_false_for_threshold():
    with pytest.raises(ValueError):
        age_on(date(2020, 1, 2), date(2020, 1, 1))
    assert not is_at_least(date(2020, 1, 2), 0, date(2020, 1, 1))


@given(born=births, days=st.integers(min_value=0, max_value=120 * 366))
def test_age_never_decreases_and_grows_by_at_most_one_a_day(born, days):
    on = born + timedelta(days=days)
    today_age = age_on(born, on)
    tomorrow_age = age_on(born, on + timedelta(days=1))
    assert tomorrow_age - today_age in (0, 1)
    assert today_age >= 0


@given(born=births, years=st.integers(min_value=0, max_value=110))
def test_age_is_exactly_n_on_the_nth_birthday_and_n_minus_one_the_day_before(born, years):
    if years == 0:
        return
    try:
        birthday = born.replace(year=born.year + years)
    except ValueError:  # 29 February in a common year: the birthday is 1 March
        birthday = date(born.year + years, 3, 1)
    assert age_on(born, birthday) == years
    assert age_on(born, birthday - timedelta(days=1)) == years - 1
    assert is_at_least(born, years, birthday)
    assert not is_at_least(born, years, birthday - timedelta(days=1))


@given(born=births, days=st.integers(min_value=0, max_value=120 * 366))
def test_age_agrees_with_counting_whole_years_of_days(born, days):
    on = born + timedelta(days=days)
    age = age_on(born, on)
    # A year is 365 or 366 days, so n whole years lie between 365n and 366n days after birth.
    assert 365 * age <= days < 366 * (age + 1)
