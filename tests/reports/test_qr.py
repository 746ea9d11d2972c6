"""The receipt QR payload: signed, verified offline, tampering detected, and scannable."""

from __future__ import annotations

import dataclasses
from pathlib import Path

import pytest
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

from reports import (
    QRFormatError,
    QRSignatureError,
    case_link,
    parse_payload,
    receipt_pdf,
    sign_payload,
    verify_payload,
)
from reports.qr import qr_matrix
from tests.reports.helpers import APP_ID, KEY, RECEIPT_NUMBER, receipt_data, render_pages

PUBLIC = KEY.public_key()


def test_payload_round_trips_and_verifies() -> None:
    payload = sign_payload(RECEIPT_NUMBER, APP_ID, KEY)
    tag, number, raw_id, signature = payload.split(":")
    assert (tag, number, len(raw_id), len(signature)) == ("JJR1", RECEIPT_NUMBER, 32, 103)
    assert payload == payload.upper() and len(payload) < 170
    claim = verify_payload(payload, PUBLIC)
    assert (claim.receipt_number, claim.application_id, claim.station_code) == (
        RECEIPT_NUMBER, APP_ID, "TS0001")
    assert verify_payload(payload, PUBLIC.public_bytes_raw()) == claim


@pytest.mark.parametrize("tamper", [
    lambda p: p.replace("TS0001-20261126-0001", "TS0001-20261126-0002"),
    lambda p: p.replace("TS0001-", "TS0002-"),
    lambda p: p.replace(":0193F2A4", ":0193F2A5"),
    lambda p: p[:-3] + ("A" if p[-3] != "A" else "B") + p[-2:],
])
def test_a_tampered_payload_fails(tamper: object) -> None:
    payload = sign_payload(RECEIPT_NUMBER, APP_ID, KEY)
    changed = tamper(payload)  # type: ignore[operator]
    assert changed != payload
    with pytest.raises(QRSignatureError):
        verify_payload(changed, PUBLIC)


def test_another_stations_key_fails() -> None:
    payload = sign_payload(RECEIPT_NUMBER, APP_ID, KEY)
    with pytest.raises(QRSignatureError):
        verify_payload(payload, Ed25519PrivateKey.generate().public_key())


@pytest.mark.parametrize("text", [
    "", "hello", "JJR2:TS0001-20261126-0001:0193F2A4B5C67D8E9F0A1B2C3D4E5F60:" + "A" * 103,
    "JJR1:bad-number:0193F2A4B5C67D8E9F0A1B2C3D4E5F60:" + "A" * 103,
    "JJR1:TS0001-20261126-0001:XYZ:" + "A" * 103,
    "JJR1:TS0001-20261126-0001:0193F2A4B5C67D8E9F0A1B2C3D4E5F60:" + "A" * 102,
    # the last character carries spare bits: a non-canonical encoding is refused
    "JJR1:TS0001-20261126-0001:0193F2A4B5C67D8E9F0A1B2C3D4E5F60:" + "A" * 102 + "B",
])
def test_malformed_payloads_are_format_errors(text: str) -> None:
    with pytest.raises(QRFormatError):
        parse_payload(text)


def test_the_payload_uses_the_alphanumeric_mode() -> None:
    payload = sign_payload(RECEIPT_NUMBER, APP_ID, KEY)
    assert len(qr_matrix(payload)) == 45  # version 7, level M: fits only in alphanumeric mode


def test_the_pdf_qr_decodes_to_the_payload_and_verifies(tmp_path: Path) -> None:
    zxingcpp = pytest.importorskip("zxingcpp", reason="QR decoding needs the zxing-cpp wheel")
    data = receipt_data()
    (page,) = render_pages(receipt_pdf(data), tmp_path, dpi=150)
    results = zxingcpp.read_barcodes(page)
    texts = [r.text for r in results if r.format == zxingcpp.BarcodeFormat.QRCode]
    assert texts == [data.qr_payload]
    assert verify_payload(texts[0], PUBLIC).application_id == APP_ID


def test_the_link_to_the_case_page_carries_the_payload_and_still_verifies() -> None:
    payload = sign_payload(RECEIPT_NUMBER, APP_ID, KEY)
    link = case_link("https://jiujin.hangzhou.example/", payload)
    assert link == f"https://jiujin.hangzhou.example/c/{payload}"
    claim = verify_payload(link, PUBLIC)
    assert (claim.receipt_number, claim.application_id) == (RECEIPT_NUMBER, APP_ID)
    assert verify_payload(link.replace(":", "%3A").replace("https%3A", "https:") + "?lang=en", PUBLIC) == claim
    with pytest.raises(QRSignatureError):
        verify_payload(link.replace(RECEIPT_NUMBER, RECEIPT_NUMBER[:-1] + "2"), PUBLIC)
    for bad in ("https://jiujin.hangzhou.example/other/" + payload, link + "x" * 300):
        with pytest.raises(QRFormatError):
            verify_payload(bad, PUBLIC)


def test_the_pdf_qr_with_a_link_decodes_and_verifies(tmp_path: Path) -> None:
    zxingcpp = pytest.importorskip("zxingcpp", reason="QR decoding needs the zxing-cpp wheel")
    link = case_link("https://jiujin.hangzhou.example", sign_payload(RECEIPT_NUMBER, APP_ID, KEY))
    # the signed payload rides in alphanumeric mode: version 8 (49 modules), not 10 (57) as one byte segment
    assert len(qr_matrix(link)) == 49
    (page,) = render_pages(receipt_pdf(dataclasses.replace(receipt_data(), qr_payload=link)), tmp_path, dpi=150)
    assert [r.text for r in zxingcpp.read_barcodes(page)] == [link]
    assert verify_payload(link, PUBLIC).application_id == APP_ID
