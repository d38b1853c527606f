"""Ages in whole years, as the law counts them (a person "reaches N years" on their birthday).

Leap-day birthdays: a person born on 29 February turns N on 1 March in a non-leap year. That is the
reading of ст. 191 and ст. 192 ГК РФ usually applied (a term ending in a month without the matching day
ends on the last day of that month, so the age is reached at the end of 28 February, i.e. it counts from
1 March), and it never lets someone act one day before they are old enough.
"""

from datetime import date


def age_on(birth_date: date, on: date) -> int:
    """Completed years of a person born on `birth_date` on the day `on`."""
    if on < birth_date:
        raise ValueError("the date is before the birth date")
    had_birthday = (on.month, on.day) >= (birth_date.month, birth_date.day)
    # Comparing (month, day) pairs puts 29 February after 28 February, so in a non-leap year the
    # birthday is first "passed" on 1 March — the choice stated above.
    return on.year - birth_date.year - (0 if had_birthday else 1)


def is_at_least(birth_date: date, years: int, on: date) -> bool:
    """Whether the person has reached `years` full years on `on`."""
    if on < birth_date:
        return False
    return age_on(birth_date, on) >= years
