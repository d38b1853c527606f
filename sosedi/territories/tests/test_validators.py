import pytest
from django.core.exceptions import ValidationError

from sosedi.territories.validators import is_valid_inn, is_valid_ogrn, validate_inn, validate_ogrn


@pytest.mark.parametrize("inn", ["7707083893", "500100732259"])
def test_valid_inn(inn):
    validate_inn(inn)


def test_every_other_check_digit_is_refused():
    for valid in ("7707083893", "1027700132195"):
        check = is_valid_inn if len(valid) == 10 else is_valid_ogrn
        wrong = [valid[:-1] + d for d in "0123456789" if d != valid[-1]]
        assert check(valid)
        assert not any(check(w) for w in wrong)


def test_inn_wrong_checksum_and_format():
    with pytest.raises(ValidationError, match="контрольного"):
        validate_inn("7707083894")
    with pytest.raises(ValidationError, match="контрольного"):
        validate_inn("500100732258")
    with pytest.raises(ValidationError, match="10 цифр"):
        validate_inn("77070838")
    with pytest.raises(ValidationError, match="10 цифр"):
        validate_inn("77070838ab")
    assert not is_valid_inn("７７０７０８３８９３")  # full-width digits are not ASCII digits


def test_ogrn_valid_and_wrong():
    validate_ogrn("1027700132195")
    validate_ogrn("304500116000157")
    with pytest.raises(ValidationError, match="контрольного"):
        validate_ogrn("1027700132196")
    with pytest.raises(ValidationError, match="контрольного"):
        validate_ogrn("304500116000158")
    with pytest.raises(ValidationError, match="13 цифр"):
        validate_ogrn("10277001321")
    assert not is_valid_ogrn("")
