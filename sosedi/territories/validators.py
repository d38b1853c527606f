"""Checksums of Russian tax and registration numbers (ФНС algorithms), as Django validators."""

from django.core.exceptions import ValidationError

_INN10_WEIGHTS = (2, 4, 10, 3, 5, 9, 4, 6, 8)
_INN12_WEIGHTS_1 = (7, 2, 4, 10, 3, 5, 9, 4, 6, 8)
_INN12_WEIGHTS_2 = (3, 7, 2, 4, 10, 3, 5, 9, 4, 6, 8)


def _check_digit(digits: str, weights: tuple[int, ...]) -> int:
    return sum(int(d) * w for d, w in zip(digits, weights, strict=False)) % 11 % 10


def is_valid_inn(value: str) -> bool:
    if not value.isdigit() or not value.isascii():
        return False
    if len(value) == 10:
        return _check_digit(value, _INN10_WEIGHTS) == int(value[9])
    if len(value) == 12:
        return _check_digit(value, _INN12_WEIGHTS_1) == int(value[10]) and _check_digit(value, _INN12_WEIGHTS_2) == int(
            value[11]
        )
    return False


def is_valid_ogrn(value: str) -> bool:
    if not value.isdigit() or not value.isascii():
        return False
    if len(value) == 13:  # ОГРН of an organisation: first 12 digits mod 11, last digit of the remainder
        return int(value[:12]) % 11 % 10 == int(value[12])
    if len(value) == 15:  # ОГРНИП of an individual entrepreneur: first 14 digits mod 13
        return int(value[:14]) % 13 % 10 == int(value[14])
    return False


def validate_inn(value: str) -> None:
    value = (value or "").strip()
    if not value.isdigit() or len(value) not in (10, 12):
        raise ValidationError("ИНН состоит из 10 цифр (организация) или 12 цифр (физическое лицо).", code="inn_format")
    if not is_valid_inn(value):
        raise ValidationError("ИНН не проходит проверку контрольного числа — проверьте цифры.", code="inn_checksum")


def validate_ogrn(value: str) -> None:
    value = (value or "").strip()
    if not value.isdigit() or len(value) not in (13, 15):
        raise ValidationError("ОГРН состоит из 13 цифр (ОГРНИП — из 15).", code="ogrn_format")
    if not is_valid_ogrn(value):
        raise ValidationError("ОГРН не проходит проверку контрольного числа — проверьте цифры.", code="ogrn_checksum")
