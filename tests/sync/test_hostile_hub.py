"""A station's client against a hub that answers with the wrong JSON: a broken or hostile peer
on 127.0.0.1 (a real HTTP server). Each answer ends the call with HubRejected, the error the
station shows and its background sync survives, never with another exception."""

from __future__ import annotations

import gzip
import json
import threading
from collections.abc import Callable, Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

import pytest

from sync.errors import EnrolmentError, HubRejected, SyncError
from sync.transport_http import ClientSettings, HubClient

NESTED = b"[" * 100_000 + b"]" * 100_000

#: What the peer answers with status 200 (403 for the enrolment), whatever was asked.
ANSWERS = {
    "not-json": b"<html>hub</html>",
    "nested-past-any-depth": NESTED,
    "a-list-not-an-object": b"[1, 2]",
    "an-object-without-the-field": b'{"other": []}',
    "the-field-of-another-kind": b'{"acks": {}, "bundles": 7, "missing": "x"}',
}


@pytest.fixture(scope="module")
def peer() -> Iterator[tuple[str, dict[str, Any]]]:
    """The peer's address, and what it answers next: `answer["body"]`, with its Content-Encoding
    (`answer["encoding"]`) and with or without its Content-Length (`answer["declared"]`)."""
    answer: dict[str, Any] = {"body": b"", "encoding": None, "declared": True}

    class Answer(BaseHTTPRequestHandler):
        def _answer(self) -> None:
            length = int(self.headers.get("Content-Length") or 0)
            self.rfile.read(length)
            if self.path == "/v1/uploads":  # the whole object kept: the answer is its result
                self.send_response(201)
                self.send_header("Location", "/v1/uploads/x")
                self.send_header("Upload-Offset", str(length))
            else:
                self.send_response(403 if self.path.startswith("/v1/enrolments") else 200)
            self.send_header("Content-Type", "application/json")
            if answer["encoding"]:
                self.send_header("Content-Encoding", answer["encoding"])
            if answer["declared"]:  # else the body ends when the connection closes (HTTP/1.0)
                self.send_header("Content-Length", str(len(answer["body"])))
            self.end_headers()
            self.wfile.write(answer["body"])

        do_GET = do_POST = _answer

        def log_message(self, *args: object) -> None:
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Answer)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}", answer
    finally:
        server.shutdown()
        server.server_close()


CALLS: dict[str, Callable[[HubClient], object]] = {
    "health": lambda c: c.health(),
    "enrol": lambda c: c.enrol(lambda: b"{}"),
    "acks_after": lambda c: c.acks_after(0),
    "bundles_after": lambda c: c.bundles_after(0),
    "missing_attachments": lambda c: c.missing_attachments(["0" * 64]),
    "upload result": lambda c: c._result(c.settings.url + "/v1/uploads/x"),
    "upload": lambda c: c.upload(b"sealed day").result,
}


#: The calls that take any JSON object as their answer (the station reads its fields with defaults).
OBJECT_ANSWERS = {"health", "upload result", "upload"}


@pytest.mark.parametrize("name", sorted(ANSWERS))
@pytest.mark.parametrize("call", sorted(CALLS))
def test_a_wrong_answer_is_a_refusal_the_station_shows(peer: tuple[str, dict[str, Any]], call: str,
                                                       name: str) -> None:
    url, answer = peer
    answer |= {"body": ANSWERS[name], "encoding": None, "declared": True}
    is_object = name in ("an-object-without-the-field", "the-field-of-another-kind")
    with HubClient(ClientSettings(url, "credential")) as client:
        if is_object and call in OBJECT_ANSWERS:
            assert CALLS[call](client) == json.loads(ANSWERS[name])
            return
        expected = EnrolmentError if is_object and call == "enrol" else HubRejected  # 403 with its reasons
        with pytest.raises(expected) as refused:
            CALLS[call](client)
        assert isinstance(refused.value, SyncError) and refused.value.message_zh and refused.value.message_en


BOUND = 64 * 1024
#: Answers past a station's bound (`ClientSettings.max_answer`, here 64 KiB): as the peer says it
#: will send, as it sends without saying, and as it decodes from a few KiB of gzip.
OVERSIZED = {
    "declared-too-long": {"body": b" " * (BOUND + 1), "encoding": None, "declared": True},
    "sent-without-a-length": {"body": b" " * (4 * BOUND), "encoding": None, "declared": False},
    "gzip-that-decodes-past-it": {"body": gzip.compress(b" " * (64 * BOUND)), "encoding": "gzip", "declared": True},
}


@pytest.mark.parametrize("name", sorted(OVERSIZED))
@pytest.mark.parametrize("call", sorted(CALLS))
def test_an_answer_past_the_stations_bound_is_refused(peer: tuple[str, dict[str, Any]], call: str,
                                                      name: str) -> None:
    url, answer = peer
    answer |= OVERSIZED[name]
    with HubClient(ClientSettings(url, "credential", max_answer=BOUND)) as client, \
            pytest.raises(HubRejected, match="larger than a station reads"):
        CALLS[call](client)


def test_an_answer_within_the_bound_is_read_whole_even_compressed(peer: tuple[str, dict[str, Any]]) -> None:
    url, answer = peer
    acks = [{"n": n, "pad": " " * 100} for n in range(500)]  # about 60 KiB as JSON
    document = json.dumps({"acks": acks}).encode()
    assert len(document) < BOUND
    answer |= {"body": gzip.compress(document), "encoding": "gzip", "declared": True}
    with HubClient(ClientSettings(url, "credential", max_answer=BOUND)) as client:
        assert client.acks_after(0) == acks


def test_a_gzip_answer_that_does_not_decode_is_a_refusal(peer: tuple[str, dict[str, Any]]) -> None:
    url, answer = peer
    answer |= {"body": b"not gzip at all", "encoding": "gzip", "declared": True}
    with HubClient(ClientSettings(url, "credential")) as client, pytest.raises(HubRejected, match="cannot be decoded"):
        client.acks_after(0)
