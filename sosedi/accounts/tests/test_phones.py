import pytest
from django.core.exceptions import ValidationError

from sosedi.accounts.phones import normalise_phone


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("+7 927 123-45-67", "+79271234567"),
        ("8 (927) 123-45-67", "+79271234567"),
        ("79271234567", "+79271234567"),
        ("9271234567", "+79271234567"),
        ("  ", ""),
        ("", ""),
        ("8-8452-22-33-44", "+78452223344"),
    ],
)
def test_russian_numbers_are_normalised(raw, expected):
    assert normalise_phone(raw) == expected


@pytest.mark.parametrize("raw", ["+1 555 123 4567", "12345", "8927123456789", "телефон", "+7927123456", "+7abc1234567"])
def test_other_values_are_refused_in_russian(raw):
    with pytest.raises(ValidationError) as info:
        normalise_phone(raw)
    message = info.value.messages[0]
    assert any("а" <= ch.lower() <= "я" for ch in message), message
