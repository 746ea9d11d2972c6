"""Validators: citizen ID numbers, credit codes, phones and division codes."""

from __future__ import annotations

from datetime import date

import pytest
from hypothesis import given
from hypothesis import strategies as st

from forms.divisions import national_codes
from forms.errors import IdentifierError
from forms.identifiers import (
    USCC_ALPHABET,
    USCC_AUTHORITIES,
    id_check_char,
    org_check_char,
    parse_id_number,
    uscc_check_char,
    validate_credit_code,
    validate_person_number,
)
from forms.phones import normalize_phone

HMT = ["810000", "820000", "830000"]
#: Every county or prefecture code ever in use, current and retired (GB/T 2260).
PLACES = sorted(c.code for c in national_codes().values() if c.status != "province")
AUTHORITY_PAIRS = sorted(a + c for a, cats in USCC_AUTHORITIES.items() for c in cats)


def digits(count: int) -> st.SearchStrategy[str]:
    """ASCII digit strings of a fixed length."""
    return st.text(alphabet="0123456789", min_size=count, max_size=count)


@st.composite
def id_numbers(draw: st.DrawFn) -> str:
    """Valid 18-character ID numbers, including HK/Macao/Taiwan permit numbers."""
    prefix = draw(st.sampled_from(PLACES)) if draw(st.booleans()) else draw(st.sampled_from(HMT))
    born = draw(st.dates(min_value=date(1900, 1, 1), max_value=date(2020, 12, 31)))
    body = prefix + born.strftime("%Y%m%d") + draw(digits(3))
    return body + id_check_char(body)


@st.composite
def credit_codes(draw: st.DrawFn) -> str:
    """Valid unified social credit codes with a valid embedded organisation code."""
    head = draw(st.sampled_from(AUTHORITY_PAIRS))
    division = draw(st.sampled_from(["330106", "110105", "440300", "100000"]))
    org_body = draw(st.text(alphabet="0123456789ABCDEFGHJKLMNPQRTUWXY", min_size=8, max_size=8))
    body = head + division + org_body + org_check_char(org_body)
    return body + uscc_check_char(body)


@pytest.mark.parametrize(("number", "born", "gender"), [
    ("11010519491231002X", date(1949, 12, 31), "female"),
    ("11010519491231002x", date(1949, 12, 31), "female"),
    ("340521198001010010", date(1980, 1, 1), "male"),
    ("330106199003070014", date(1990, 3, 7), "male"),
])
def test_known_id_numbers(number: str, born: date, gender: str) -> None:
    parsed = parse_id_number(number)
    assert (parsed.birth_date, parsed.gender) == (born, gender)
    assert parsed.value == number.upper()


@pytest.mark.parametrize(("number", "code"), [
    ("11010519491231002", "id_format"),
    ("110105194912310021", "id_check"),
    ("1101051949123100X2", "id_format"),
    ("11010519990230" + "001", "id_format"),
])
def test_malformed_id_numbers(number: str, code: str) -> None:
    with pytest.raises(IdentifierError) as caught:
        parse_id_number(number)
    assert caught.value.code == code


def with_check(body: str) -> str:
    return body + id_check_char(body)


@pytest.mark.parametrize(("birth", "valid"), [
    ("20000229", True), ("20040229", True), ("19000229", False), ("20230229", False),
    ("19990230", False), ("19991301", False), ("19990431", False), ("18790101", False),
])
def test_birth_dates_and_leap_years(birth: str, valid: bool) -> None:
    number = with_check(f"330106{birth}001")
    if valid:
        assert parse_id_number(number).birth_date.strftime("%Y%m%d") == birth
    else:
        with pytest.raises(IdentifierError, match="id_birth_date"):
            parse_id_number(number)


def test_future_birth_date_fails() -> None:
    with pytest.raises(IdentifierError, match="id_birth_date"):
        parse_id_number(with_check("330106203001010011"[:17]), today=date(2024, 1, 1))


def test_hmt_residence_permit_numbers() -> None:
    for prefix in HMT:
        parsed = parse_id_number(with_check(f"{prefix}19850512002"))
        assert parsed.hmt_permit


@pytest.mark.parametrize("prefix", ["810100", "990101", "330000", "000000"])
def test_bad_division_in_id_number(prefix: str) -> None:
    with pytest.raises(IdentifierError, match="id_division"):
        parse_id_number(with_check(f"{prefix}19850512002"))


def test_retired_hangzhou_codes_accepted_inside_id_numbers() -> None:
    for retired in ("330103", "330104"):
        parsed = parse_id_number(with_check(f"{retired}19700101002"))
        assert parsed.division_retired


@given(id_numbers())
def test_generated_id_numbers_pass(number: str) -> None:
    assert parse_id_number(number).value == number


@given(id_numbers(), st.integers(0, 17), st.sampled_from("0123456789X"))
def test_any_single_change_of_an_id_number_fails(number: str, index: int, char: str) -> None:
    if number[index] == char:
        return
    changed = number[:index] + char + number[index + 1:]
    with pytest.raises(IdentifierError):
        parse_id_number(changed)


def test_known_credit_code_and_org_code() -> None:
    assert validate_credit_code(" 91350100m000100y43 ") == "91350100M000100Y43"
    assert org_check_char("D2143569") == "X"


@pytest.mark.parametrize(("code", "reason"), [
    ("91350100M000100Y4", "uscc_format"),
    ("91350100M000100Y4I", "uscc_format"),
    ("91350100M000100Y44", "uscc_check"),
])
def test_malformed_credit_codes(code: str, reason: str) -> None:
    with pytest.raises(IdentifierError) as caught:
        validate_credit_code(code)
    assert caught.value.code == reason


def test_credit_code_with_bad_embedded_org_code() -> None:
    org_body = "12345678"
    wrong = "0" if org_check_char(org_body) != "0" else "1"
    body = "91330106" + org_body + wrong
    with pytest.raises(IdentifierError, match="uscc_org_code"):
        validate_credit_code(body + uscc_check_char(body))


@given(credit_codes())
def test_generated_credit_codes_pass(code: str) -> None:
    assert validate_credit_code(code) == code


@given(credit_codes(), st.integers(0, 17), st.sampled_from(USCC_ALPHABET))
def test_any_single_change_of_a_credit_code_fails(code: str, index: int, char: str) -> None:
    if code[index] == char:
        return
    with pytest.raises(IdentifierError):
        validate_credit_code(code[:index] + char + code[index + 1:])


@pytest.mark.parametrize(("raw", "normal"), [
    ("13812345678", "13812345678"), ("+86 138 1234 5678", "13812345678"),
    ("0571-87654321", "0571-87654321"), ("057187654321", "0571-87654321"),
    ("010 62345678", "010-62345678"), ("0571-87654321-123", "0571-87654321-123"),
])
def test_valid_phones(raw: str, normal: str) -> None:
    assert normalize_phone(raw) == normal


@pytest.mark.parametrize("raw", ["12345", "1381234567", "12812345678", "0571-0765432", "abc"])
def test_invalid_phones(raw: str) -> None:
    with pytest.raises(IdentifierError, match="phone_format"):
        normalize_phone(raw)


# -- GB/T 2260, GB 32100 and what clerks type ------------------------------------------------


@pytest.mark.parametrize("prefix", ["330199", "440199", "710101", "110199", "330115"])
def test_county_codes_that_never_existed_are_refused_in_id_numbers(prefix: str) -> None:
    with pytest.raises(IdentifierError, match="id_division"):
        parse_id_number(with_check(f"{prefix}19850512002"))


@pytest.mark.parametrize(("prefix", "retired"), [
    ("330113", False), ("330114", False),  # 临平区, 钱塘区 (2021)
    ("330103", True), ("330104", True),    # 下城区, 江干区 (abolished 2021)
    ("110103", True),                      # 崇文区 (abolished 2010)
    ("330100", False),                     # a prefecture code, as early numbers carry
])
def test_new_and_retired_codes_are_both_valid_in_id_numbers(prefix: str, retired: bool) -> None:
    parsed = parse_id_number(with_check(f"{prefix}19850512002"))
    assert parsed.division_retired is retired


@pytest.mark.parametrize("typed", [
    "３３０１０６１９９００３０７００１４",   # full-width digits
    "330106 19900307 0014", "330106-19900307-0014", "３３０１０６　１９９００３０７　００１４",
])
def test_id_numbers_typed_in_full_width_or_with_separators_are_normalised(typed: str) -> None:
    assert parse_id_number(typed).value == "330106199003070014"


def test_a_full_width_x_is_the_check_character() -> None:
    assert parse_id_number("１１０１０５１９４９１２３１００２ｘ").value == "11010519491231002X"


@pytest.mark.parametrize("typed", ["９１３５０１００Ｍ０００１００Ｙ４３", "91350100-M000100Y4-3",
                                   "9135 0100 M000 100Y 43", "91350100—M000100Y43"])
def test_credit_codes_typed_in_full_width_or_hyphenated_are_normalised(typed: str) -> None:
    assert validate_credit_code(typed) == "91350100M000100Y43"


@pytest.mark.parametrize("head", ["KK", "94", "Y2", "B1", "20", "A3", "N4"])
def test_credit_codes_outside_the_gb32100_authority_table_are_refused(head: str) -> None:
    org_body = "MA2CH3K4"
    body = head + "330108" + org_body + org_check_char(org_body)
    if any(char not in USCC_ALPHABET for char in head):
        return
    with pytest.raises(IdentifierError) as caught:
        validate_credit_code(body + uscc_check_char(body))
    assert caught.value.code == "uscc_authority"


def test_a_credit_code_from_a_division_that_never_existed_is_refused() -> None:
    org_body = "MA2CH3K4"
    body = "91330199" + org_body + org_check_char(org_body)
    with pytest.raises(IdentifierError) as caught:
        validate_credit_code(body + uscc_check_char(body))
    assert caught.value.code == "uscc_division"


def test_the_errors_name_the_standard_in_both_languages() -> None:
    from forms.messages import field_message
    from forms.text import Text

    label = Text("统一社会信用代码", "Credit code")
    message = field_message("uscc_authority", label)
    assert "GB 32100" in message.zh and "GB 32100" in message.en
    assert "GB/T 2260" in field_message("id_division", Text("身份号码", "ID number")).en


@given(st.text(alphabet="0123456789X", min_size=18, max_size=18))
def test_full_width_input_means_the_same_as_half_width(number: str) -> None:
    """Whatever the verdict on a number, its full-width spelling gets the same one."""
    wide = "".join(chr(ord(char) + 0xFEE0) for char in number)
    outcomes = []
    for text in (number, wide):
        try:
            outcomes.append(parse_id_number(text, today=date(2026, 12, 1)).value)
        except IdentifierError as exc:
            outcomes.append(exc.code)
    assert outcomes[0] == outcomes[1]


def test_foreigner_permanent_residence_numbers() -> None:
    """The 2023 card: 9, the accepting province (33 浙江), a three-digit nationality code (250),
    birth date, sequence and the GB 11643 check. The 2017 card's 15 characters: nationality in
    letters, then the province and ten digits (shape and province only: no check is published)."""
    parsed = parse_id_number("933250199006150023")
    assert (parsed.foreigner_pr, parsed.division, parsed.birth_date, parsed.gender) == (
        True, "330000", date(1990, 6, 15), "female")
    assert validate_person_number("can330075010512") == "CAN330075010512"
    for bad, code in (("99925019900615002X", "id_division"), ("933250199006150024", "id_check"),
                      ("CAN990075010512", "id_division"), ("CA1330075010512", "id_format")):
        with pytest.raises(IdentifierError, match=code):
            validate_person_number(bad)
