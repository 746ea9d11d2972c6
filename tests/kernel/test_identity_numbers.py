"""GB 11643 check characters, the one 6+4 masking policy, and display width."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from kernel.idnumber import id_check_char, is_valid_id_number
from kernel.masking import mask_id, mask_ids_in_text
from kernel.width import char_width, text_width


@given(st.text(alphabet="0123456789", min_size=17, max_size=17))
def test_check_character_round_trips(first17: str) -> None:
    number = first17 + id_check_char(first17)
    assert is_valid_id_number(number)
    wrong = "0" if number[-1] != "0" else "1"
    assert not is_valid_id_number(number[:-1] + wrong)


def test_known_numbers() -> None:
    assert id_check_char("11010519491231002") == "X"
    assert is_valid_id_number("11010519491231002x")
    assert not is_valid_id_number("1101051949123100")
    assert not is_valid_id_number("1101051949123100AX")
    with pytest.raises(ValueError):
        id_check_char("１１０１０５１９４９１２３１００２")  # full-width digits are not digits here


@pytest.mark.parametrize(("number", "masked"), [
    ("11010519491231002X", "110105********002X"),
    (" 11010519491231002X ", "110105********002X"),
    ("110105********002X", "110105********002X"),
    ("H12345678", "*********"),
    ("", ""),
])
def test_six_and_four(number: str, masked: str) -> None:
    assert mask_id(number) == masked


def test_masks_numbers_inside_text_only() -> None:
    assert mask_ids_in_text("号码11010519491231002X有误") == "号码110105********002X有误"
    assert mask_ids_in_text("TS0001-20261126-0001") == "TS0001-20261126-0001"


@pytest.mark.parametrize(("text", "width"), [
    ("abc", 3), ("就近", 4), ("ＡＢ", 4), ("e\u0301", 1), ("回执 No.1", 9), ("", 0),
])
def test_display_width(text: str, width: int) -> None:
    assert text_width(text) == width
    assert sum(char_width(c) for c in text) == width
