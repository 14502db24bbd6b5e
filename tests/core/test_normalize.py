import pytest
from django.core.exceptions import ValidationError

from kcc.core.normalize import mask_bsn, normalize_phone, normalize_postcode, validate_bsn


def test_valid_bsn_passes_elfproef():
    assert validate_bsn("123456782") == "123456782"
    assert validate_bsn("1234.56.782") == "123456782"


@pytest.mark.parametrize("bad", ["123456789", "000000000", "12345678", "abcdefghi", ""])
def test_invalid_bsn_is_rejected_with_dutch_message(bad):
    with pytest.raises(ValidationError) as exc:
        validate_bsn(bad)
    assert "elfproef" in exc.value.messages[0]


def test_bsn_mask_shows_only_last_three_digits():
    assert mask_bsn("123456782") == "******782"
    assert mask_bsn("") == ""


@pytest.mark.parametrize("notation", ["06-12345678", "+31 6 1234 5678", "0031612345678", "06 1234 5678", "(06) 12345678"])
def test_dutch_mobile_notations_are_the_same_number(notation):
    assert normalize_phone(notation) == "+31612345678"


@pytest.mark.parametrize("notation", ["14 020", "14020", "140 20"])
def test_municipal_14_numbers_are_accepted(notation):
    assert normalize_phone(notation) == "+3114020"


@pytest.mark.parametrize("bad", ["06-1234", "12", "hallo", "06-123456789012", "", "06-12345678; DROP"])
def test_wrong_phone_numbers_get_a_clear_error(bad):
    with pytest.raises(ValidationError) as exc:
        normalize_phone(bad)
    assert "telefoonnummer" in exc.value.messages[0].lower()


def test_postcode_is_normalised_and_validated():
    assert normalize_postcode("1234 ab") == "1234AB"
    for bad in ("0123AB", "1234SA", "12345", "ABCD12"):
        with pytest.raises(ValidationError):
            normalize_postcode(bad)
