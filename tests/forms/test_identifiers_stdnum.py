"""The validators against python-stdnum, where the standards and stdnum agree.

stdnum checks an ID number's place code against the year of birth (a code created later
than the birth is refused) and lacks some codes created since (临平 330113, 钱塘 330114);
Jiujin accepts any code ever in GB/T 2260, because numbers keep the code of first
registration. stdnum does not check a credit code's authority or division, and wrongly
refuses the letter authorities A, N and Y. So: the check
characters agree always; what Jiujin accepts, stdnum accepts when the place existed in the
birth year by stdnum's table; a credit code Jiujin accepts, stdnum accepts.
"""

from __future__ import annotations

from datetime import date

from hypothesis import given, settings
from hypothesis import strategies as st
from stdnum.cn import ric, uscc
from stdnum.exceptions import ValidationError

from forms.divisions import national_codes
from forms.errors import IdentifierError
from forms.identifiers import (
    USCC_ALPHABET,
    USCC_AUTHORITIES,
    org_check_char,
    parse_id_number,
    uscc_check_char,
    validate_credit_code,
)
from kernel.idnumber import id_check_char

PLACES = sorted(c.code for c in national_codes().values() if c.status not in ("province",))
PAIRS = sorted(a + c for a, cats in USCC_AUTHORITIES.items() for c in cats)
#: stdnum wrongly wants digits in the first two places; A (军队), N (农业) and Y (其他) are
#: GB 32100 authorities, so the comparison keeps to the digit ones.
DIGIT_PAIRS = [pair for pair in PAIRS if pair.isdigit()]
TODAY = date(2026, 12, 1)


@settings(max_examples=2000)
@given(st.text(alphabet="0123456789", min_size=17, max_size=17))
def test_the_id_check_character_agrees_with_stdnum(body: str) -> None:
    assert id_check_char(body) == ric.calc_check_digit(body + "0")  # stdnum drops the last


@settings(max_examples=2000)
@given(st.text(alphabet=USCC_ALPHABET, min_size=17, max_size=17))
def test_the_credit_code_check_character_agrees_with_stdnum(body: str) -> None:
    assert uscc_check_char(body) == uscc.calc_check_digit(body)


def _stdnum_knows_the_place(number: str) -> bool:
    try:
        ric.get_birth_place(number)
    except (ValidationError, KeyError):  # stdnum fails with KeyError on some prefecture codes
        return False
    return True


@settings(max_examples=3000)
@given(st.sampled_from(PLACES), st.dates(date(1900, 1, 1), TODAY), st.integers(0, 999))
def test_id_numbers_agree_with_stdnum_where_its_table_covers_the_place(
        place: str, born: date, sequence: int) -> None:
    body = f"{place}{born:%Y%m%d}{sequence:03d}"
    number = body + id_check_char(body)
    parsed = parse_id_number(number, today=TODAY)  # every code ever in use is accepted
    assert parsed.birth_date == born
    if _stdnum_knows_the_place(number):
        assert ric.validate(number) == number


@settings(max_examples=3000)
@given(st.text(alphabet="0123456789X", min_size=18, max_size=18))
def test_stdnum_accepts_whatever_jiujin_accepts(number: str) -> None:
    try:
        parse_id_number(number, today=TODAY)
    except IdentifierError:
        return
    assert ric.calc_check_digit(number) == number[17]
    assert ric.get_birth_date(number) == date(int(number[6:10]), int(number[10:12]), int(number[12:14]))


@settings(max_examples=2000)
@given(st.sampled_from(DIGIT_PAIRS), st.sampled_from([*PLACES, "100000"]),
       st.text(alphabet=USCC_ALPHABET, min_size=8, max_size=8))
def test_credit_codes_jiujin_accepts_stdnum_accepts(head: str, place: str, org: str) -> None:
    body = head + place + org + org_check_char(org)
    code = body + uscc_check_char(body)
    assert validate_credit_code(code) == code
    assert uscc.validate(code) == code


@settings(max_examples=2000)
@given(st.text(alphabet=USCC_ALPHABET, min_size=17, max_size=17))
def test_a_credit_code_with_an_unknown_authority_or_division_is_refused(body: str) -> None:
    code = body + uscc_check_char(body)
    try:
        validate_credit_code(code)
    except IdentifierError as exc:
        assert exc.code in ("uscc_authority", "uscc_division", "uscc_org_code", "uscc_format")
        return
    assert code[1] in USCC_AUTHORITIES[code[0]] and code[2:8] in {*PLACES, "100000"}
    if code[:2].isdigit():
        assert uscc.validate(code) == code
