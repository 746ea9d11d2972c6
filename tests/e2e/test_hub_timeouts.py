"""A real `jiujin hub serve` drops clients that send their headers or a body too slowly."""

from __future__ import annotations

import select
import socket
from collections.abc import Iterator

import httpx
import pytest

from tests.e2e.helpers import TUS, Enrolled, enrolled_hub
from tests.sync.hubproc import HubProcess


@pytest.fixture(scope="module")
def served(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[HubProcess, Enrolled]]:
    enrolled = enrolled_hub(tmp_path_factory.mktemp("timeouts") / "hub")
    process = HubProcess(enrolled.folder, f"sqlite://{enrolled.folder / 'hub.db'}",
                         env={"JIUJIN_HUB_HEADER_TIMEOUT": "1", "JIUJIN_HUB_BODY_TIMEOUT": "1"}).start()
    yield process, enrolled
    process.stop()


def _connect(hub: HubProcess) -> socket.socket:
    sock = socket.create_connection(("127.0.0.1", hub.port), timeout=15)
    return sock


def _answer(sock: socket.socket) -> bytes:
    """Everything the hub sends until it closes the connection (15 s at most)."""
    received = b""
    while chunk := sock.recv(65536):
        received += chunk
    return received


def _created_upload(hub: HubProcess, enrolled: Enrolled) -> str:
    """A tus upload of the enrolled station's batch, created; its location."""
    auth = {"Authorization": f"Bearer {enrolled.credential}"}
    created = httpx.post(f"{hub.url}/v1/uploads", headers=TUS | auth | {"Upload-Length": str(len(enrolled.batch))})
    return str(created.headers["Location"])


def _patch_head(location: str, enrolled: Enrolled) -> bytes:
    """The head of a PATCH sending the whole batch from offset 0 (its body follows as the test sends it)."""
    return (f"PATCH {location} HTTP/1.1\r\nHost: hub\r\nTus-Resumable: 1.0.0\r\n"
            f"Authorization: Bearer {enrolled.credential}\r\nUpload-Offset: 0\r\n"
            "Content-Type: application/offset+octet-stream\r\n"
            f"Content-Length: {len(enrolled.batch)}\r\n\r\n").encode()


def test_headers_that_never_finish_are_cut_off(served: tuple[HubProcess, Enrolled]) -> None:
    hub, _ = served
    with _connect(hub) as sock:
        sock.sendall(b"GET /health HTTP/1.1\r\nHost: hub\r\nX-Slow: ")
        assert _answer(sock) == b""  # closed by the hub, long before the socket's 15 s


def test_a_stalled_patch_body_is_answered_408_and_the_upload_resumes(served: tuple[HubProcess, Enrolled]) -> None:
    hub, enrolled = served
    auth = {"Authorization": f"Bearer {enrolled.credential}"}
    location = _created_upload(hub, enrolled)
    with _connect(hub) as sock:
        sock.sendall(_patch_head(location, enrolled) + enrolled.batch[:10])
        answer = _answer(sock)
    assert answer.startswith(b"HTTP/1.1 408") and b"tus-resumable: 1.0.0" in answer.lower()
    assert b'"body_timeout"' in answer
    head = httpx.head(f"{hub.url}{location}", headers=TUS | auth)
    assert head.headers["Upload-Offset"] == "10"


def test_a_body_that_drips_is_answered_408(served: tuple[HubProcess, Enrolled]) -> None:
    hub, enrolled = served
    location = _created_upload(hub, enrolled)
    with _connect(hub) as sock:
        sock.sendall(_patch_head(location, enrolled))
        for byte in enrolled.batch[:100]:  # a byte every 0.2 s, never pausing past the 1 s timeout
            sock.sendall(bytes([byte]))
            if select.select([sock], [], [], 0.2)[0]:
                break
        answer = _answer(sock)
    assert answer.startswith(b"HTTP/1.1 408")
    assert b"connection: close" in answer.lower()  # the hub reads no more of this body
