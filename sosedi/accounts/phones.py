"""Russian phone numbers, kept in one form: +7 followed by ten digits."""

import re

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

_SEPARATORS = re.compile(r"[\s\-()\u00a0.]")


def normalise_phone(value: str) -> str:
    """'8 (927) 123-45-67', '+7 927 1234567', '9271234567' → '+79271234567'. Empty stays empty."""
    raw = (value or "").strip()
    if not raw:
        return ""
    compact = _SEPARATORS.sub("", raw)
    if compact.startswith("+"):
        digits = compact[1:]
        if not (digits.isdigit() and len(digits) == 11 and digits.startswith("7")):
            raise ValidationError(_("Укажите российский номер: +7 и 10 цифр, например +7 927 123-45-67."))
        return "+" + digits
    if not compact.isdigit():
        raise ValidationError(_("В номере телефона могут быть только цифры, пробелы, скобки и дефисы."))
    if len(compact) == 11 and compact[0] in "78":
        return "+7" + compact[1:]
    if len(compact) == 10:
        return "+7" + compact
    raise ValidationError(_("Укажите российский номер: +7 и 10 цифр, например +7 927 123-45-67."))
