"""Decoding the 256-byte text block: every layout, 长期, expiry, check digits, nations."""

from __future__ import annotations

import contextlib
from datetime import date

import pytest
from hypothesis import given
from hypothesis import strategies as st

from devices.errors import CardDataError
from devices.fixtures import all_fixtures, fixture_names, load_fixture
from devices.idcard.card import CARD_DATA_KEYS, RawCard, decode_card
from devices.idcard.nations import NATIONS, nation_code, nation_name
from devices.idcard.photo import (
    decode_photo,
    photo_decoder_names,
    register_photo_decoder,
    unregister_photo_decoder,
)
from devices.idcard.text_block import TEXT_SIZE, card_type_of, decode_fields, encode_fields
from kernel.idnumber import is_valid_id_number

TODAY = date(2025, 6, 1)


def _decode(name: str, today: date = TODAY):
    fixture = load_fixture(name)
    return decode_card(RawCard(fixture.text_block(), fixture.photo()), today)


def test_reference_sample_text_block_prefix() -> None:
    block = encode_fields("resident", {"name": "张三", "gender": "1"})
    assert block[:4] == bytes.fromhex("205F094E")
    assert block[4:30] == b"\x20\x00" * 13
    assert block[30:32] == b"\x31\x00"
    assert len(block) == TEXT_SIZE


def test_resident_card() -> None:
    card = _decode("resident_zhangsan")
    assert card.as_card_data() == {
        "name": "张三",
        "gender": "男",
        "nation": "汉",
        "birth_date": "1990-03-07",
        "address": "浙江省杭州市西湖区文三路90号东部软件园1号楼",
        "id_number": "110101199003070011",
        "issuer": "杭州市公安局西湖分局",
        "valid_from": "2015-03-10",
        "valid_to": "2035-03-10",
        "card_type": "resident",
    }
    assert not card.expired and card.birth_date == date(1990, 3, 7)
    assert card.text_block == load_fixture("resident_zhangsan").text_block()
    assert len(card.photo) == 1024 and card.fingerprint is None


def test_long_term_validity() -> None:
    card = _decode("resident_wangwu_longterm")
    assert card.valid_to is None and not card.expired
    assert card.as_card_data()["valid_to"] is None


def test_expired_card_is_flagged() -> None:
    card = _decode("resident_zhaoliu_expired")
    assert card.expired and card.nation == "畲"
    assert not _decode("resident_zhaoliu_expired", date(2018, 3, 15)).expired
    assert _decode("resident_zhaoliu_expired", date(2018, 3, 16)).expired


def test_hmt_permit() -> None:
    card = _decode("hmt_permit_chen")
    assert card.card_type == "hmt_permit"
    assert card.nation == "" and card.gender == "女"
    assert card.pass_number == "H60123456" and card.issue_count == "02"
    assert card.id_number.startswith("810000")


def test_foreigner_2017_card() -> None:
    card = _decode("foreigner_old_smith")
    assert card.card_type == "foreigner_old"
    assert card.name == "史密斯" and card.english_name == "SMITH, JOHN ALBERT"
    assert card.nation == "CAN" and card.id_number == "CAN330075010512"
    assert card.birth_date == date(1975, 1, 5) and card.card_version == "01"
    assert card.issuer == "1500" and card.address == ""


def test_foreigner_2023_card_joins_the_english_name() -> None:
    card = _decode("foreigner_new_martinez")
    assert card.card_type == "foreigner_new"
    assert card.english_name == "MARTINEZ GARCIA, SOPHIE ALEXANDRA ELISE"
    assert card.nation == "FRA" and card.renewal_count == "01"
    assert is_valid_id_number(card.id_number)


def test_every_fixture_decodes_with_a_valid_number() -> None:
    assert len(fixture_names()) >= 6
    types = set()
    for fixture in all_fixtures():
        card = decode_card(RawCard(fixture.text_block(), fixture.photo()), TODAY)
        types.add(card.card_type)
        assert set(card.as_card_data()) == set(CARD_DATA_KEYS)
        if card.card_type != "foreigner_old":
            assert is_valid_id_number(card.id_number), fixture.name
    assert types == {"resident", "hmt_permit", "foreigner_old", "foreigner_new"}


def test_bad_check_digit_is_rejected() -> None:
    fields = dict(load_fixture("resident_zhangsan").fields, id_number="110101199003070012")
    with pytest.raises(CardDataError) as caught:
        decode_card(RawCard(encode_fields("resident", fields), b""), TODAY)
    assert caught.value.message_zh == "读卡失败：请将身份证重新放置在读卡器上"


@pytest.mark.parametrize("bad", ["19900230", "1990030", "abcdefgh", ""])
def test_bad_dates_are_rejected(bad: str) -> None:
    fields = dict(load_fixture("resident_zhangsan").fields, birth_date=bad)
    with pytest.raises(CardDataError):
        decode_card(RawCard(encode_fields("resident", fields), b""), TODAY)


def test_wrong_block_size_is_rejected() -> None:
    with pytest.raises(CardDataError):
        decode_fields(b"\x20\x00" * 100)


def test_unknown_flag_is_a_resident_card() -> None:
    block = bytearray(encode_fields("resident", {"name": "张三"}))
    block[248:250] = "Q".encode("utf-16-le")
    assert card_type_of(bytes(block)) == "resident"


def test_masked_card_hides_number_and_address() -> None:
    card = _decode("resident_zhangsan").masked()
    assert card.id_number == "110101********0011"  # six and four, as receipts print
    assert card.address.startswith("浙江省杭州市") and "文三路" not in card.address


def test_nation_table() -> None:
    assert len(NATIONS) == 58
    assert nation_name("01") == "汉" and nation_name("46") == "德昂"
    assert nation_name("99") == "99"
    assert nation_code("蒙古族") == "02" and nation_code("汉") == "01"


@given(st.binary(min_size=TEXT_SIZE, max_size=TEXT_SIZE))
def test_arbitrary_text_blocks_decode_or_raise_card_data_error(block: bytes) -> None:
    with contextlib.suppress(CardDataError):
        decode_card(RawCard(block, b""), TODAY)


class _FakeVendorLibrary:
    name = "test-wlt"

    def decode(self, wlt: bytes) -> bytes:
        return b"BM" + wlt[:4]


def test_photo_plugin_point() -> None:
    assert decode_photo(b"\x00" * 1024) is None
    register_photo_decoder(_FakeVendorLibrary())
    try:
        assert photo_decoder_names() == ["test-wlt"]
        assert decode_photo(b"WLT\x00" + bytes(1020)) == b"BMWLT\x00"
    finally:
        unregister_photo_decoder("test-wlt")
    assert decode_photo(b"") is None
