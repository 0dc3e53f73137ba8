"""HKID numbers: validated by their check digit and never shown in full."""

import pytest
from django.core.exceptions import ValidationError

from accounts.hkid import hkid_check_digit, hkid_is_valid, hkid_mask, validate_hkid


@pytest.mark.parametrize("value", ["A123456(3)", "a1234563", "A123456 (3)", "AB987654(3)"])
def test_numbers_with_the_right_check_digit_are_valid(value):
    # Worked by hand: A123456 -> 36*9+10*8+1*7+2*6+3*5+4*4+5*3+6*2 = 481; 11 - 481 % 11 = 3.
    assert hkid_is_valid(value)


@pytest.mark.parametrize("value", ["A123456(4)", "A12345(3)", "1234567", "A1234567(3)", "", "ABC123456(3)"])
def test_numbers_with_a_wrong_check_digit_or_shape_are_invalid(value):
    assert not hkid_is_valid(value)


def test_check_digit_ten_is_written_a():
    # Search a number whose check value is 10, and check it validates only with "A".
    digits = next(f"{n:06d}" for n in range(1000000) if hkid_check_digit("B", f"{n:06d}") == "A")
    assert hkid_is_valid(f"B{digits}A")
    assert not hkid_is_valid(f"B{digits}0")


def test_two_letter_numbers_use_both_letters():
    assert hkid_check_digit("AB", "987654") != hkid_check_digit("B", "987654")
    assert hkid_is_valid("AB987654" + hkid_check_digit("AB", "987654"))


def test_the_validator_gives_a_helpful_message():
    with pytest.raises(ValidationError, match="Check the digit"):
        validate_hkid("A123456(4)")
    validate_hkid("")  # optional


def test_the_mask_never_shows_the_whole_number():
    assert hkid_mask("A1234563") == "A123***(*)"
    assert "4563" not in hkid_mask("A1234563")
    assert hkid_mask("") == ""
