"""Attacks on the hub from the security review, each reproduced against the hub's real app."""

from __future__ import annotations

import base64
import dataclasses
import json
import logging
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta

import httpx
import pytest
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
from starlette.testclient import TestClient

from sync.enrolment import CONTEXT, make_request
from sync.hub import tus
from sync.hub.app import create_app, parse_json
from sync.hub.models import HubQuarantine, HubUpload
from sync.hub.service import HubService
from sync.hub.store import HubStore
from sync.signed import read_document, sign_document
from tests.sync.helpers import STATION, enrol_key, sealed_batch


@pytest.fixture
def client(hub: HubStore) -> Iterator[TestClient]:
    with TestClient(create_app(HubService(hub))) as test_client:
        yield test_client


def _request(hub: HubStore, key: Ed25519PrivateKey, token: str, via: str = "http", code: str = STATION) -> bytes:
    return make_request(key, code, token, hub.public, via, datetime.now(UTC))


def _enrol(client: TestClient, body: bytes) -> tuple[int, dict[str, str]]:
    response = client.post("/v1/enrolments", content=body, headers={"Content-Type": "application/json"})
    return response.status_code, response.json()


def _ledger(client: TestClient, credential: str) -> int:
    return client.get("/v1/ledger", headers={"Authorization": f"Bearer {credential}"}).status_code


def test_the_token_and_public_key_alone_no_longer_enrol_and_the_real_credential_keeps_working(
        hub: HubStore, client: TestClient, station_key: Ed25519PrivateKey) -> None:
    token = hub.add_station(STATION, "测试站")
    status, answer = _enrol(client, _request(hub, station_key, token))
    assert status == 201
    public = base64.b64encode(station_key.public_key().public_bytes_raw()).decode()
    replay = json.dumps({"station": STATION, "token": token, "signing_public_key": public}).encode()
    status, refused = _enrol(client, replay)
    assert status == 400 and refused["error"] == "bad_request" and refused["message_zh"]
    assert _ledger(client, answer["credential"]) == 200


def test_a_captured_request_replayed_is_refused_and_the_station_keeps_its_credential(
        hub: HubStore, client: TestClient, station_key: Ed25519PrivateKey) -> None:
    token = hub.add_station(STATION, "测试站")
    request = _request(hub, station_key, token)
    status, answer = _enrol(client, request)
    assert status == 201
    status, refused = _enrol(client, request)
    assert (status, refused["error"]) == (403, "enrolment_refused")
    assert _ledger(client, answer["credential"]) == 200


def test_the_sealed_token_copied_under_another_key_opens_nothing(
        hub: HubStore, client: TestClient, station_key: Ed25519PrivateKey) -> None:
    token = hub.add_station(STATION, "测试站")
    genuine = read_document(_request(hub, station_key, token))
    attacker = Ed25519PrivateKey.generate()
    forged = read_document(_request(hub, attacker, "not-the-token")) | {"token_sealed": genuine["token_sealed"]}
    status, _ = _enrol(client, sign_document(forged, CONTEXT, attacker))
    assert status == 403
    assert _enrol(client, _request(hub, station_key, token))[0] == 201


def test_a_lost_answer_is_recovered_only_by_the_private_key_holder(
        hub: HubStore, client: TestClient, station_key: Ed25519PrivateKey) -> None:
    token = hub.add_station(STATION, "测试站")
    assert _enrol(client, _request(hub, station_key, token))[0] == 201  # the answer is lost on the way
    assert _enrol(client, _request(hub, Ed25519PrivateKey.generate(), token))[0] == 403
    status, again = _enrol(client, _request(hub, station_key, token))
    assert status == 201 and _ledger(client, again["credential"]) == 200


def test_a_request_for_the_usb_stick_or_another_station_is_refused_over_http(
        hub: HubStore, client: TestClient, station_key: Ed25519PrivateKey) -> None:
    token = hub.add_station(STATION, "测试站")
    hub.add_station("TS0002", "邻站")
    assert _enrol(client, _request(hub, station_key, token, via="folder"))[0] == 403
    assert _enrol(client, _request(hub, station_key, token, code="TS0002"))[0] == 403
    assert _enrol(client, _request(hub, station_key, token))[0] == 201


def test_a_spent_token_is_refused_once_it_expires(
        hub: HubStore, client: TestClient, station_key: Ed25519PrivateKey) -> None:
    token = hub.add_station(STATION, "测试站", days=1)
    assert _enrol(client, _request(hub, station_key, token))[0] == 201
    later = hub.clock() + timedelta(days=2)
    hub.clock = lambda: later
    assert _enrol(client, _request(hub, station_key, token))[0] == 403


# -- quotas ---------------------------------------------------------------------------------

TUS = {"Tus-Resumable": "1.0.0"}


def _enrolled_as(hub: HubStore, key: Ed25519PrivateKey, code: str = STATION) -> dict[str, str]:
    credential = enrol_key(hub, code, hub.add_station(code, "测试站"), key).credential
    return TUS | {"Authorization": f"Bearer {code}.{credential}"}


def _upload(client: TestClient, headers: dict[str, str], data: bytes) -> httpx.Response:
    return client.post("/v1/uploads", content=data, headers=headers | {
        "Upload-Length": str(len(data)), "Content-Type": "application/offset+octet-stream"})


def test_a_station_cannot_fill_the_quarantine(hub: HubStore, client: TestClient, station_key: Ed25519PrivateKey,
                                              caplog: pytest.LogCaptureFixture) -> None:
    hub.config = dataclasses.replace(hub.config, quarantine_max_objects=3)
    headers = _enrolled_as(hub, station_key)
    for n in range(3):
        assert _upload(client, headers, b"not a sealed object %d" % n).headers["Jiujin-Status"] == "quarantined"
    with caplog.at_level(logging.WARNING, logger="jiujin.hub"):
        refused = _upload(client, headers, b"not a sealed object 3")
    assert refused.status_code == 429 and refused.headers["Tus-Resumable"] == "1.0.0"
    assert refused.json()["error"] == "quarantine_full" and refused.json()["message_zh"]
    assert HubQuarantine.select().count() == 3 and HubUpload.select().count() == 3
    assert any(r.getMessage() == "quota_exceeded" and getattr(r, "station", None) == STATION for r in caplog.records)


def test_a_full_quarantine_keeps_nothing_more_from_a_usb_folder_either(
        hub: HubStore, station_key: Ed25519PrivateKey) -> None:
    hub.config = dataclasses.replace(hub.config, quarantine_max_bytes=1)
    enrol_key(hub, STATION, hub.add_station(STATION, "测试站"), station_key)
    ingestor = HubService(hub).ingestor
    tampered = bytearray(sealed_batch(station_key, hub.public, 1, 2))
    tampered[-1] ^= 1
    assert ingestor.ingest(bytes(tampered), "folder").status == "quarantined"
    tampered[-2] ^= 1
    result = ingestor.ingest(bytes(tampered), "folder")
    assert (result.status, result.reason, result.ack) == ("refused", "quarantine_full", None)
    assert HubQuarantine.select().count() == 1


def test_unfinished_uploads_are_held_to_their_quota(hub: HubStore, client: TestClient,
                                                   station_key: Ed25519PrivateKey) -> None:
    hub.config = dataclasses.replace(hub.config, uploads_max_bytes=1000)
    headers = _enrolled_as(hub, station_key)
    assert client.post("/v1/uploads", headers=headers | {"Upload-Length": "600"}).status_code == 201
    refused = client.post("/v1/uploads", headers=headers | {"Upload-Length": "600"})
    assert refused.status_code == 413 and refused.json()["error"] == "uploads_full"
    assert refused.json()["message_zh"] and refused.headers["Tus-Resumable"] == "1.0.0"
    assert HubUpload.select().count() == 1


# -- acknowledgements go to the signer only -------------------------------------------------

def test_another_stations_batch_gets_a_refusal_not_its_ack_or_ledger(
        hub: HubStore, client: TestClient, station_key: Ed25519PrivateKey) -> None:
    enrol_key(hub, STATION, hub.add_station(STATION, "测试站"), station_key)
    batch = sealed_batch(station_key, hub.public, 1, 3)
    assert HubService(hub).ingest(batch, "folder").status == "stored"
    other = _enrolled_as(hub, Ed25519PrivateKey.generate(), "TS0002")
    created = _upload(client, other, batch)
    assert created.status_code == 201 and created.headers["Jiujin-Status"] == "refused"
    assert created.headers["Jiujin-Object"] == ""
    result = client.get(created.headers["Location"] + "/result", headers=other)
    assert result.status_code == 403 and result.json()["error"] == "wrong_uploader"
    assert "held" not in result.text and "ack" not in result.json()


# -- JSON bodies and failures ---------------------------------------------------------------

DEEP = b"[" * 100_000 + b"]" * 100_000


@pytest.mark.parametrize("path", ["/v1/enrolments", "/v1/attachments/missing", "/v1/manifests"])
def test_deeply_nested_json_is_a_400_not_a_500(hub: HubStore, client: TestClient, station_key: Ed25519PrivateKey,
                                              path: str) -> None:
    headers = _enrolled_as(hub, station_key)
    answer = client.post(path, content=DEEP, headers=headers | {"Content-Type": "application/json"})
    assert answer.status_code == 400 and answer.json()["error"] and answer.json()["message_zh"]


def test_json_nested_past_the_limit_is_refused_and_within_it_is_read() -> None:
    assert parse_json(b'{"a": ' * 32 + b"1" + b"}" * 32) is not None
    with pytest.raises(ValueError):
        parse_json(b"[" * 33 + b"]" * 33)


@pytest.mark.parametrize("body", [b'"a\\u0000"', b'{"sha256": ["a\\u0000"]}', b'{"a\\u0000": 1}',
                                  b'[{"b": [[{"c": "\\u0000"}]]}]'],
                         ids=["top-level", "in-a-list", "in-a-key", "deep-inside"])
def test_a_nul_anywhere_in_a_json_body_is_refused(body: bytes) -> None:
    """PostgreSQL's text holds no NUL: a body escaping one is refused before any database
    work, as a 400, instead of failing in the database as a 500."""
    with pytest.raises(ValueError, match="NUL"):
        parse_json(body)
    assert parse_json(body.replace(b"\\u0000", b"\\u4e2d")) is not None


@pytest.mark.parametrize("form", ["receipt=XH0001-20261126-0001%00&tail=1234", "receipt%00=1",
                                  "&".join(f"f{n}=1" for n in range(25))],
                         ids=["nul-in-a-value", "nul-in-a-name", "more-fields-than-any-form"])
@pytest.mark.parametrize("path", ["/c", "/c/JJH1:anything/rating"])
def test_a_citizens_form_with_a_nul_or_too_many_fields_gets_the_page_not_a_500(
        hub: HubStore, client: TestClient, form: str, path: str) -> None:
    """The citizens' pages are open to anyone: a form no page sends is answered with the page
    (the lookup form, or the invalid link), never with a database error."""
    answer = client.post(path, content=form, headers={"Content-Type": "application/x-www-form-urlencoded"})
    assert answer.status_code in (200, 404) and "text/html" in answer.headers["content-type"]
    assert ("办件查询" if path == "/c" else "链接无效") in answer.text


@pytest.mark.parametrize("path", ["/v1/enrolments", "/v1/attachments/missing", "/v1/manifests"])
def test_a_json_body_with_a_nul_is_a_400_not_a_500(hub: HubStore, client: TestClient, station_key: Ed25519PrivateKey,
                                                   path: str) -> None:
    headers = _enrolled_as(hub, station_key)
    body = b'{"document": {"station": "a\\u0000"}, "sha256": ["\\u0000"]}'
    answer = client.post(path, content=body, headers=headers | {"Content-Type": "application/json"})
    assert answer.status_code == 400 and answer.json()["error"] and answer.json()["message_zh"]


def test_an_unexpected_failure_on_a_tus_route_is_json_with_tus_resumable(
        hub: HubStore, client: TestClient, station_key: Ed25519PrivateKey, monkeypatch: pytest.MonkeyPatch) -> None:
    headers = _enrolled_as(hub, station_key)

    def broken(*args: object) -> None:
        raise RuntimeError("a fault injected by the test")

    monkeypatch.setattr(tus, "create", broken)
    failed = client.post("/v1/uploads", headers=headers | {"Upload-Length": "10"})
    assert failed.status_code == 500 and failed.headers["Tus-Resumable"] == "1.0.0"
    assert failed.json()["error"] == "internal_error" and "injected" not in failed.text
