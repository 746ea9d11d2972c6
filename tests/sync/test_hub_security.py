"""Attacks on the hub from the security review, each reproduced against the hub's real app."""

from __future__ import annotations

import base64
import json
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta

import pytest
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
from starlette.testclient import TestClient

from sync.enrolment import CONTEXT, make_request
from sync.hub.app import create_app
from sync.hub.service import HubService
from sync.hub.store import HubStore
from sync.signed import read_document, sign_document
from tests.sync.helpers import STATION


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
