"""tus 1.0 conformance of the hub's uploads: the reference client (tus-js-client under node)
and a walk of the protocol's headers, beside the Python client (tuspy) of test_sync_cli."""

from __future__ import annotations

import base64
import contextlib
import hashlib
import json
import shutil
import sqlite3
import subprocess
from collections.abc import Callable, Iterator
from datetime import UTC, datetime
from pathlib import Path

import httpx
import pytest
from starlette.testclient import TestClient

from sync import acks
from sync.hub import tus
from sync.hub.app import create_app
from sync.hub.service import HubService
from sync.hub.store import HubStore
from sync.hubkeys import load_hub_public_keys
from tests.conftest import REPO, FakeClock
from tests.e2e.helpers import TUS, Enrolled, enrolled_hub
from tests.sync.helpers import STATION
from tests.sync.hubproc import HubProcess

TUS_JS = REPO / ".tools" / "node" / "node_modules" / "tus-js-client"
SCRIPT = Path(__file__).with_name("tus_js_upload.js")
@pytest.fixture
def served(tmp_path: Path) -> Iterator[tuple[HubProcess, Enrolled]]:
    enrolled = enrolled_hub(tmp_path / "hub")
    process = HubProcess(enrolled.folder, f"sqlite://{enrolled.folder / 'hub.db'}").start()
    yield process, enrolled
    process.stop()


def _records(folder: Path) -> int:
    store = HubStore(folder)
    try:
        return int(next(s["records"] for s in store.stats()["stations"] if s["code"] == STATION))
    finally:
        store.close()


@pytest.mark.parametrize("options", [
    pytest.param({"chunkSize": 300}, id="several-patches"),
    pytest.param({"uploadDataDuringCreation": True}, id="creation-with-upload"),
    pytest.param({"chunkSize": 300, "overridePatchMethod": True}, id="method-override"),
])
def test_tus_js_client_uploads_a_sealed_batch(served: tuple[HubProcess, Enrolled], tmp_path: Path,
                                              options: dict[str, object]) -> None:
    node = shutil.which("node")
    assert node and TUS_JS.is_dir(), "make test installs node and tus-js-client (scripts/install-node-tools.sh)"
    hub, enrolled = served
    batch = tmp_path / "batch.jjs"
    batch.write_bytes(enrolled.batch)
    args = {"endpoint": f"{hub.url}/v1/uploads", "file": str(batch), "credential": enrolled.credential,
            "options": options}
    done = subprocess.run([node, str(SCRIPT), json.dumps(args)], capture_output=True, text=True, timeout=60,
                          env={"NODE_PATH": str(TUS_JS.parent), "PATH": str(Path(node).parent)})
    assert done.returncode == 0, done.stderr
    url = json.loads(done.stdout)["url"]
    result = httpx.get(f"{url}/result", headers={"Authorization": f"Bearer {enrolled.credential}"}).json()
    assert (result["status"], result["first_seq"], result["last_seq"]) == ("stored", 1, 3)
    assert _records(enrolled.folder) == 3


@pytest.fixture
def walk(tmp_path: Path) -> Iterator[tuple[TestClient, Enrolled, FakeClock]]:
    """The hub app in process, on a clock the test moves."""
    clock = FakeClock(datetime(2026, 12, 4, 9, 0, tzinfo=UTC))
    enrolled = enrolled_hub(tmp_path / "hub")
    store = HubStore(enrolled.folder, clock=clock)
    with TestClient(create_app(HubService(store))) as client:
        client.headers.update(TUS | {"Authorization": f"Bearer {enrolled.credential}"})
        yield client, enrolled, clock
    store.close()


def _create(client: TestClient, length: int, **headers: str) -> httpx.Response:
    return client.post("/v1/uploads", headers={"Upload-Length": str(length), **headers})


def test_options_advertise_every_extension_the_hub_implements(walk: tuple[TestClient, Enrolled, FakeClock]) -> None:
    client, _, _ = walk
    answer = client.options("/v1/uploads")
    assert answer.status_code == 204
    assert set(answer.headers["Tus-Extension"].split(",")) == {
        "creation", "creation-with-upload", "checksum", "termination", "expiration"}


def test_head_returns_the_metadata_and_when_the_upload_expires(walk: tuple[TestClient, Enrolled, FakeClock]) -> None:
    client, enrolled, _ = walk
    metadata = f"filename {base64.b64encode('批次 1.jjs'.encode()).decode()},is_batch"
    created = _create(client, len(enrolled.batch), **{"Upload-Metadata": metadata})
    assert created.status_code == 201 and created.headers["Upload-Expires"] == "Sat, 05 Dec 2026 09:00:00 GMT"
    head = client.head(created.headers["Location"])
    assert head.status_code == 200 and head.headers["Upload-Offset"] == "0"
    assert head.headers["Upload-Metadata"] == metadata.split(",")[0] + ",is_batch"
    assert head.headers["Upload-Expires"] == created.headers["Upload-Expires"]


def test_a_zero_length_upload_is_created_complete(walk: tuple[TestClient, Enrolled, FakeClock]) -> None:
    client, _, _ = walk
    created = _create(client, 0)
    assert created.status_code == 201 and created.headers["Upload-Offset"] == "0"
    assert "Upload-Expires" not in created.headers
    # Nothing can be a sealed batch in zero bytes: it is kept in quarantine, never dropped.
    assert created.headers["Jiujin-Status"] == "quarantined"


def test_creation_with_upload_stores_the_batch_in_one_request(walk: tuple[TestClient, Enrolled, FakeClock]) -> None:
    client, enrolled, _ = walk
    created = client.post("/v1/uploads", content=enrolled.batch, headers={
        "Upload-Length": str(len(enrolled.batch)), "Content-Type": "application/offset+octet-stream"})
    assert created.status_code == 201
    assert created.headers["Upload-Offset"] == str(len(enrolled.batch))
    assert created.headers["Jiujin-Status"] == "stored"
    # The answer carries the result, the same as /result gives, with an acknowledgement that
    # verifies as the station's own and holds the day.
    assert created.headers["Content-Type"] == "application/json"
    asked = client.get(created.headers["Location"] + "/result")
    assert created.json() == asked.json() and created.json()["status"] == "stored"
    ack = acks.verify(created.json()["ack"].encode(), load_hub_public_keys(enrolled.folder / "hub-public-keys.json"),
                      STATION)
    assert ack.ok and ack.held == [(1, 3)]


def _count_stored_runs(folder: Path) -> Callable[[], int]:
    """How many runs (`hub_upload_chunk` rows) the hub writes from now on, counted by a trigger
    in its database: the runs themselves are dropped once an upload is finished."""
    with sqlite3.connect(folder / "hub.db") as db:
        db.executescript("CREATE TABLE runs_written (n INTEGER);"
                         "CREATE TRIGGER count_runs AFTER INSERT ON hub_upload_chunk "
                         "BEGIN INSERT INTO runs_written VALUES (1); END;")

    def written() -> int:
        with contextlib.closing(sqlite3.connect(folder / "hub.db")) as db:
            return int(db.execute("SELECT COUNT(*) FROM runs_written").fetchone()[0])
    return written


def test_a_batch_sent_whole_is_ingested_from_memory(walk: tuple[TestClient, Enrolled, FakeClock]) -> None:
    """A request that carries the whole object from offset 0 hands it to ingest from memory:
    no run is stored, and the upload reads complete with its result. An object sent in parts
    is kept as runs until its last part arrives."""
    client, enrolled, _ = walk
    written = _count_stored_runs(enrolled.folder)
    whole = client.post("/v1/uploads", content=enrolled.batch, headers={
        "Upload-Length": str(len(enrolled.batch)), "Content-Type": "application/offset+octet-stream"})
    assert (whole.status_code, whole.headers["Jiujin-Status"]) == (201, "stored")
    assert written() == 0
    head = client.head(whole.headers["Location"])
    assert head.headers["Upload-Offset"] == str(len(enrolled.batch)) and "Upload-Expires" not in head.headers
    result = client.get(f"{whole.headers['Location']}/result").json()
    assert (result["status"], result["first_seq"], result["last_seq"]) == ("stored", 1, 3) and result["ack"]

    # The same object again, created empty and sent whole by one PATCH: from memory too.
    location = _create(client, len(enrolled.batch)).headers["Location"]
    patched = client.patch(location, content=enrolled.batch, headers={
        "Upload-Offset": "0", "Content-Type": "application/offset+octet-stream"})
    assert (patched.status_code, patched.headers["Jiujin-Status"]) == (204, "duplicate")
    assert written() == 0

    # In two parts, the first part is stored as a run until the second completes it.
    location = _create(client, len(enrolled.batch)).headers["Location"]
    half = len(enrolled.batch) // 2
    for offset, part in ((0, enrolled.batch[:half]), (half, enrolled.batch[half:])):
        client.patch(location, content=part, headers={
            "Upload-Offset": str(offset), "Content-Type": "application/offset+octet-stream"})
    assert written() == 2
    assert client.get(f"{location}/result").json()["status"] == "duplicate"
    assert _records(enrolled.folder) == 3


def test_a_whole_batch_with_a_wrong_checksum_is_refused_and_sent_again(
        walk: tuple[TestClient, Enrolled, FakeClock]) -> None:
    client, enrolled, _ = walk
    length = {"Upload-Length": str(len(enrolled.batch)), "Content-Type": "application/offset+octet-stream"}
    wrong = base64.b64encode(hashlib.sha256(b"other bytes").digest()).decode()
    refused = client.post("/v1/uploads", content=enrolled.batch, headers=length | {
        "Upload-Checksum": f"sha256 {wrong}"})
    assert refused.status_code == 460 and refused.json()["error"] == "checksum_mismatch"
    assert _records(enrolled.folder) == 0
    right = base64.b64encode(hashlib.sha256(enrolled.batch).digest()).decode()
    stored = client.post("/v1/uploads", content=enrolled.batch, headers=length | {
        "Upload-Checksum": f"sha256 {right}"})
    assert stored.headers["Jiujin-Status"] == "stored" and _records(enrolled.folder) == 3


def test_a_hub_stopping_after_ingest_loses_nothing_and_duplicates_nothing(
        walk: tuple[TestClient, Enrolled, FakeClock], monkeypatch: pytest.MonkeyPatch) -> None:
    """The hub stops between storing a batch sent whole and marking its upload finished (the
    stop is simulated by failing that step): the upload still reads offset 0, the station sends
    the object again and is answered with a signed acknowledgement, and the records are held once."""
    client, enrolled, _ = walk
    location = _create(client, len(enrolled.batch)).headers["Location"]

    def stop(*args: object) -> None:
        raise ConnectionResetError("the hub stopped")

    monkeypatch.setattr(tus, "finish", stop)
    headers = {"Upload-Offset": "0", "Content-Type": "application/offset+octet-stream"}
    assert client.patch(location, content=enrolled.batch, headers=headers).status_code == 500
    monkeypatch.undo()
    assert client.head(location).headers["Upload-Offset"] == "0"
    assert _records(enrolled.folder) == 3

    again = client.patch(location, content=enrolled.batch, headers=headers)
    assert (again.status_code, again.headers["Jiujin-Status"]) == (204, "duplicate")
    ack = acks.verify(client.get(f"{location}/result").json()["ack"].encode(),
                      load_hub_public_keys(enrolled.folder / "hub-public-keys.json"), STATION)
    assert ack.ok and ack.held == [(1, 3)]
    assert _records(enrolled.folder) == 3


def test_the_hub_keeps_nothing_for_uploads_that_ended(tmp_path: Path) -> None:
    """A hub serves millions of uploads between restarts: once a request ends, whole, in
    parts or refused, the hub holds no lock or owner for its upload."""
    enrolled = enrolled_hub(tmp_path / "hub")
    store = HubStore(enrolled.folder)
    service = HubService(store)
    octets = {"Content-Type": "application/offset+octet-stream"}
    with TestClient(create_app(service)) as client:
        client.headers.update(TUS | {"Authorization": f"Bearer {enrolled.credential}"})
        client.post("/v1/uploads", content=enrolled.batch, headers=octets | {
            "Upload-Length": str(len(enrolled.batch))})
        location = _create(client, len(enrolled.batch)).headers["Location"]
        half = len(enrolled.batch) // 2
        client.patch(location, content=enrolled.batch[:half], headers=octets | {"Upload-Offset": "0"})
        client.patch(location, content=enrolled.batch[half:], headers=octets | {"Upload-Offset": str(half)})
        refused = client.post("/v1/uploads", content=enrolled.batch, headers=octets | {
            "Upload-Length": str(len(enrolled.batch)), "Upload-Checksum": "sha256 " + base64.b64encode(
                hashlib.sha256(b"other bytes").digest()).decode()})
        assert refused.status_code == 460
        assert service.patches.in_flight() == 0
    store.close()


def test_a_post_with_method_override_is_handled_as_patch_and_head(walk: tuple[TestClient, Enrolled, FakeClock]) -> None:
    client, enrolled, _ = walk
    location = _create(client, len(enrolled.batch)).headers["Location"]
    half = len(enrolled.batch) // 2
    patched = client.post(location, content=enrolled.batch[:half], headers={
        "X-HTTP-Method-Override": "PATCH", "Upload-Offset": "0",
        "Content-Type": "application/offset+octet-stream"})
    assert patched.status_code == 204 and patched.headers["Upload-Offset"] == str(half)
    head = client.post(location, headers={"X-HTTP-Method-Override": "HEAD"})
    assert head.status_code == 200 and head.headers["Upload-Offset"] == str(half)


def test_an_abandoned_upload_expires(walk: tuple[TestClient, Enrolled, FakeClock]) -> None:
    client, enrolled, clock = walk
    location = _create(client, len(enrolled.batch)).headers["Location"]
    client.patch(location, content=enrolled.batch[:10], headers={
        "Upload-Offset": "0", "Content-Type": "application/offset+octet-stream"})
    clock.advance(hours=23)
    assert client.head(location).status_code == 200
    clock.advance(hours=1)
    gone = client.head(location)
    assert gone.status_code == 410
    assert client.head(location).status_code == 404  # its bytes are gone too


def test_upload_headers_that_are_not_ascii_digits_are_refused(walk: tuple[TestClient, Enrolled, FakeClock]) -> None:
    client, _, _ = walk
    for value in ("²", "١٢", "-1", "1e3", "9" * 19):
        answer = client.post("/v1/uploads", headers={"Upload-Length": value.encode("utf-8")})
        assert answer.status_code == 400, value
        assert answer.json()["error"] == "bad_length"


@pytest.mark.parametrize(("chunk_size", "methods"), [
    pytest.param(1 << 20, ["POST"], id="one-chunk"),
    pytest.param(500, ["POST", "PATCH", "PATCH", "GET"], id="three-chunks"),
])
def test_the_station_sends_its_first_chunk_with_the_request_that_creates_the_upload(
        served: tuple[HubProcess, Enrolled], chunk_size: int, methods: list[str]) -> None:
    """A day's batch (one chunk) costs the station and the hub one request: create-with-upload,
    answered with the result and its signed acknowledgement; a larger object continues with
    PATCHes, then asks for the result."""
    from sync.transport_http import ClientSettings, HubClient

    hub, enrolled = served
    assert 1000 < len(enrolled.batch) <= 1500  # three chunks of 500
    sent: list[str] = []
    with HubClient(ClientSettings(hub.url, enrolled.credential, chunk_size=chunk_size)) as client:
        client.http.event_hooks["request"].append(lambda request: sent.append(request.method))
        outcome = client.upload(enrolled.batch, {"kind": "batch"})
    assert sent == methods
    assert (outcome.result["status"], outcome.result["first_seq"], outcome.result["last_seq"]) == ("stored", 1, 3)
    assert outcome.result["ack"]
    assert _records(enrolled.folder) == 3
