"""The station's HTTP client to the hub (httpx): tus uploads that resume, backoff, pinning.

- Uploads follow tus 1.0: create, then PATCH chunks with `Upload-Checksum: sha256`; after
  any failure the client asks the server's offset (HEAD) and continues from there, so a
  cut costs at most one chunk.
- Failures that may pass (network errors, timeouts, 5xx, 409/460) are retried with
  exponential backoff and full jitter up to a deadline; refusals (4xx) are not.
- Every answer is read up to a bound (`MAX_ANSWER`, after any Content-Encoding is undone):
  a larger one, from a broken or hostile peer, is refused before it fills the station's memory.
- Timeouts on connect, read and write; a proxy setting (else the environment's); TLS
  verification with the system's or a given CA bundle, and optional pinning of the
  hub certificate's SHA-256, checked right after the handshake, before any request.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
import logging
import os
import random
import ssl
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import urljoin

import httpcore
import httpx

from kernel.release import release
from sync.confined import MAX_BUNDLE_JSON, MIB
from sync.errors import EnrolmentError, HubRejected, HubUnavailable, HubUnreachable, PinMismatch

log = logging.getLogger("jiujin.sync.http")
TUS = {"Tus-Resumable": "1.0.0"}
CHUNK = 1024 * 1024
#: The most of one answer a station reads: a page of bundles (the hub's answer to /v1/bundles)
#: always holds the next bundle, and one may carry a 50 MiB catalog (`MAX_BUNDLE_JSON`).
MAX_ANSWER = MAX_BUNDLE_JSON + 8 * MIB
Progress = Callable[[int, int], None]


@dataclass(frozen=True)
class RetryPolicy:
    """Exponential backoff with full jitter, bounded by attempts and a deadline."""

    initial: float = 0.5
    factor: float = 2.0
    maximum: float = 30.0
    attempts: int = 12
    deadline: float = 600.0

    def delay(self, attempt: int, rng: random.Random) -> float:
        return rng.uniform(0, min(self.maximum, self.initial * self.factor ** attempt))


@dataclass(frozen=True)
class ClientSettings:
    """How to reach the hub."""

    url: str
    credential: str = field(default="", repr=False)
    proxy: str | None = None
    verify: bool | str = True  # False only for tests; a path is a CA bundle
    #: The hub's certificate pinned: "sha256/<base64>" of its public key (SPKI, survives a
    #: renewal with the same key) or the hex SHA-256 of the whole certificate (DER).
    pin_sha256: str | None = None
    connect_timeout: float = 10.0
    read_timeout: float = 60.0
    write_timeout: float = 60.0
    chunk_size: int = CHUNK
    max_answer: int = MAX_ANSWER
    retry: RetryPolicy = field(default_factory=RetryPolicy)


@dataclass
class UploadOutcome:
    """A finished upload: where it lived, what the hub said, and the bytes actually sent."""

    location: str
    result: dict[str, Any]
    bytes_sent: int


class _PinnedBackend(httpcore.NetworkBackend):
    """Checks the hub certificate's SHA-256 right after the TLS handshake."""

    def __init__(self, pin: str) -> None:
        self.pin = pin if pin.startswith(SPKI_PIN_PREFIX) else pin.lower().replace(":", "")
        self.inner = httpcore.SyncBackend()

    def connect_tcp(self, host: str, port: int, timeout: float | None = None,
                    local_address: str | None = None, socket_options: Any = None) -> httpcore.NetworkStream:
        return _PinnedStream(self.inner.connect_tcp(host, port, timeout, local_address, socket_options), self.pin)

    def sleep(self, seconds: float) -> None:
        time.sleep(seconds)


class _PinnedStream(httpcore.NetworkStream):
    def __init__(self, stream: httpcore.NetworkStream, pin: str) -> None:
        self.stream, self.pin = stream, pin

    def read(self, max_bytes: int, timeout: float | None = None) -> bytes:
        return self.stream.read(max_bytes, timeout)

    def write(self, buffer: bytes, timeout: float | None = None) -> None:
        self.stream.write(buffer, timeout)

    def close(self) -> None:
        self.stream.close()

    def get_extra_info(self, info: str) -> Any:
        return self.stream.get_extra_info(info)

    def start_tls(self, ssl_context: ssl.SSLContext, server_hostname: str | None = None,
                  timeout: float | None = None) -> httpcore.NetworkStream:
        secured = self.stream.start_tls(ssl_context, server_hostname, timeout)
        der = secured.get_extra_info("ssl_object").getpeercert(True)
        if der is None or not pin_matches(self.pin, der):
            secured.close()  # before a single byte of HTTP (and the credential) is sent
            raise PinMismatch()
        return secured


SPKI_PIN_PREFIX = "sha256/"


def public_key_pin(certificate_der: bytes) -> str:
    """A certificate's public-key pin, "sha256/<base64 of the SHA-256 of its SPKI>" (the form
    of HPKP and curl's --pinnedpubkey; `openssl x509 -pubkey -noout | openssl pkey -pubin
    -outform der | openssl dgst -sha256 -binary | base64` gives the same)."""
    from cryptography import x509
    from cryptography.hazmat.primitives.serialization import Encoding, PublicFormat

    spki = x509.load_der_x509_certificate(certificate_der).public_key().public_bytes(
        Encoding.DER, PublicFormat.SubjectPublicKeyInfo)
    return SPKI_PIN_PREFIX + base64.b64encode(hashlib.sha256(spki).digest()).decode()


def pin_matches(pin: str, certificate_der: bytes) -> bool:
    """Whether the certificate is the pinned one (a public-key pin or a certificate hash)."""
    if pin.startswith(SPKI_PIN_PREFIX):
        return hmac.compare_digest(public_key_pin(certificate_der), pin)
    return hmac.compare_digest(hashlib.sha256(certificate_der).hexdigest(), pin)


def _transport(settings: ClientSettings) -> httpx.HTTPTransport:
    transport = httpx.HTTPTransport(verify=_ssl_context(settings.verify), proxy=settings.proxy)
    if settings.pin_sha256:
        pool = transport._pool  # httpx offers no public hook for the network backend
        pool._network_backend = _PinnedBackend(settings.pin_sha256)
    return transport


#: TLS settings by (verify, the CA file's version, the environment httpx reads): loading a CA
#: bundle costs milliseconds of CPU, and every sync round makes a client. A context is safe to
#: share between threads; a replaced CA file, or another environment, gets its own.
_contexts: dict[tuple[Any, ...], ssl.SSLContext] = {}
_contexts_lock = threading.Lock()


def _ssl_context(verify: bool | str) -> ssl.SSLContext:
    """The TLS context for `verify`: True, the trusted CAs httpx would load; a path, that CA
    file; False, none (tests only). Made once per process for each."""
    version = os.stat(verify).st_mtime_ns if isinstance(verify, str) else None
    key = (verify, version, os.environ.get("SSL_CERT_FILE"), os.environ.get("SSL_CERT_DIR"))
    with _contexts_lock:
        context = _contexts.get(key)
        if context is None:
            context = (ssl.create_default_context(cafile=verify) if isinstance(verify, str)
                       else httpx.create_ssl_context(verify=verify))
            _contexts[key] = context
        return context


class HubClient:
    """Talks to one hub as one station."""

    def __init__(self, settings: ClientSettings, *, rng: random.Random | None = None,
                 sleep: Callable[[float], None] = time.sleep) -> None:
        self.settings = settings
        self.rng = rng or random.Random()
        self.sleep = sleep
        timeout = httpx.Timeout(connect=settings.connect_timeout, read=settings.read_timeout,
                                write=settings.write_timeout, pool=settings.connect_timeout)
        headers = {"User-Agent": "jiujin-station/1", "Jiujin-Release": release()}
        if settings.credential:
            headers["Authorization"] = f"Bearer {settings.credential}"
        self.http = httpx.Client(base_url=settings.url, timeout=timeout, headers=headers,
                                 transport=_transport(settings), trust_env=settings.proxy is None)

    def close(self) -> None:
        self.http.close()

    def __enter__(self) -> HubClient:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    # -- one request, classified --------------------------------------------------------

    def _request(self, method: str, url: str, **kwargs: Any) -> httpx.Response:
        try:
            response = self.http.send(self.http.build_request(method, url, **kwargs), stream=True)
            try:
                if response.status_code >= 500:
                    raise HubUnavailable(response.status_code)
                self._read(response)
            finally:
                response.close()
        except PinMismatch:
            raise
        except httpx.TransportError as exc:
            raise HubUnreachable(type(exc).__name__) from None
        except httpx.DecodingError:
            raise HubRejected(response.status_code, "the hub's answer cannot be decoded") from None
        return response

    def _read(self, response: httpx.Response) -> None:
        """Read the answer's body, up to `max_answer` bytes as declared and as decoded; a longer
        one is HubRejected with none of it kept (a compressed answer may decode far larger)."""
        limit = self.settings.max_answer
        declared = response.headers.get("content-length", "")
        if declared.isdigit() and int(declared) > limit:
            raise HubRejected(response.status_code, "the hub's answer is larger than a station reads")
        body = bytearray()
        for piece in response.iter_bytes():
            body += piece
            if len(body) > limit:
                raise HubRejected(response.status_code, "the hub's answer is larger than a station reads")
        response._content = bytes(body)  # where httpx's own unbounded `read()` keeps the body

    def _retrying(self, action: Callable[[], Any]) -> Any:
        """Run `action`, retrying network errors and 5xx with backoff and jitter."""
        started = time.monotonic()
        for attempt in range(self.settings.retry.attempts):
            try:
                return action()
            except (HubUnreachable, HubUnavailable) as error:
                spent = time.monotonic() - started
                if attempt + 1 >= self.settings.retry.attempts or spent >= self.settings.retry.deadline:
                    raise
                delay = self.settings.retry.delay(attempt, self.rng)
                log.info("hub not reached (%s); retrying in %.2fs", type(error).__name__, delay)
                self.sleep(delay)
        raise AssertionError("unreachable")

    @staticmethod
    def _refused(response: httpx.Response) -> HubRejected:
        try:
            body = response.json()
            detail = f"{body.get('error')}: {body.get('message_en')}"
        except (ValueError, RecursionError, AttributeError):
            detail = response.reason_phrase
        return HubRejected(response.status_code, detail)

    @staticmethod
    def _answer(response: httpx.Response, key: str | None = None, kind: type = dict) -> Any:
        """The hub's JSON answer (its `key`, when given), checked to be a `kind`. An answer of
        another form, from a broken or hostile peer, is HubRejected: the round ends with an
        error the station shows, never with one that stops its background sync."""
        try:
            value = response.json()
            if key is not None:
                value = value[key]
        except (ValueError, RecursionError, KeyError, TypeError):
            raise HubRejected(response.status_code, "the hub's answer is not the JSON expected") from None
        if not isinstance(value, kind):
            raise HubRejected(response.status_code, "the hub's answer is not the JSON expected")
        return value

    # -- endpoints ----------------------------------------------------------------------

    def health(self) -> dict[str, Any]:
        response = self._request("GET", "/health")
        if response.status_code != 200:
            raise HubUnavailable(response.status_code)
        value: dict[str, Any] = self._answer(response)
        return value

    def enrol(self, request: Callable[[], bytes]) -> dict[str, Any]:
        """Send a signed enrolment request (`sync.enrolment`; `request` makes a fresh one for
        each attempt, as the hub accepts each once); returns the credential."""
        response = self._retrying(lambda: self._request(
            "POST", "/v1/enrolments", content=request(), headers={"Content-Type": "application/json"}))
        if response.status_code == 403:
            detail = self._answer(response)
            raise EnrolmentError(detail.get("message_zh", "注册被拒绝"), detail.get("message_en", "enrolment refused"))
        if response.status_code != 201:
            raise self._refused(response)
        value: dict[str, Any] = self._answer(response)
        return value

    def batch_ack(self, batch_id: str) -> bytes | None:
        """The hub's signed acknowledgement of a batch it holds, or None."""
        response = self._retrying(lambda: self._request("GET", f"/v1/batches/{batch_id}/ack"))
        if response.status_code == 404:
            return None
        if response.status_code != 200:
            raise self._refused(response)
        return bytes(response.content)

    def acks_after(self, batch_no: int) -> list[dict[str, Any]]:
        response = self._retrying(lambda: self._request("GET", "/v1/acks", params={"after": batch_no}))
        if response.status_code != 200:
            raise self._refused(response)
        acks: list[dict[str, Any]] = self._answer(response, "acks", list)
        return acks

    def bundles_after(self, version: int) -> list[bytes]:
        """The hub's signed bundles for this station newer than `version`, each as its own bytes."""
        response = self._retrying(lambda: self._request("GET", "/v1/bundles", params={"after": version}))
        if response.status_code != 200:
            raise self._refused(response)
        return [json.dumps(bundle).encode() for bundle in self._answer(response, "bundles", list)]

    def post_manifest(self, signed: bytes) -> bytes:
        """Send a signed day manifest; the hub's signed comparison of it with what it holds."""
        response = self._retrying(lambda: self._request("POST", "/v1/manifests", content=signed))
        if response.status_code != 200:
            raise self._refused(response)
        return bytes(response.content)

    def post_anchor(self, signed: bytes) -> bytes | None:
        """Send the station's signed audit anchor; the hub's signed answer, or None from a hub
        that does not compare anchors yet."""
        response = self._retrying(lambda: self._request("POST", "/v1/anchors", content=signed,
                                                        headers={"Content-Type": "application/json"}))
        if response.status_code in (404, 405):
            return None
        if response.status_code != 200:
            raise self._refused(response)
        return bytes(response.content)

    def missing_attachments(self, digests: list[str]) -> list[str]:
        if not digests:
            return []
        response = self._retrying(lambda: self._request("POST", "/v1/attachments/missing",
                                                        json={"sha256": digests}))
        if response.status_code != 200:
            raise self._refused(response)
        missing: list[str] = self._answer(response, "missing", list)
        return missing

    # -- tus upload -----------------------------------------------------------------------

    def upload(self, data: bytes, metadata: dict[str, str] | None = None, location: str | None = None,
               on_location: Callable[[str], None] | None = None,
               progress: Progress | None = None) -> UploadOutcome:
        """Upload one sealed object, resuming `location` if given; returns the hub's result."""
        state = _UploadState(data, location)
        started, attempt, progress_mark = time.monotonic(), 0, -1
        while True:
            try:
                return self._upload_step(state, metadata or {}, on_location, progress)
            except (HubUnreachable, HubUnavailable, _Resync) as error:
                if state.offset is not None and state.offset > progress_mark:
                    attempt, progress_mark = 0, state.offset  # moving forward: not a stuck upload
                attempt += 1
                if attempt >= self.settings.retry.attempts or time.monotonic() - started >= self.settings.retry.deadline:
                    if isinstance(error, _Resync):
                        raise HubRejected(409, "the upload's offset keeps changing") from None
                    raise
                if not isinstance(error, _Resync) or attempt > 3:
                    self.sleep(self.settings.retry.delay(attempt - 1, self.rng))
                state.offset = None

    def _upload_step(self, state: _UploadState, metadata: dict[str, str],
                     on_location: Callable[[str], None] | None,
                     progress: Progress | None) -> UploadOutcome:
        if state.location is None:
            # creation-with-upload: the first chunk rides on the request that creates the upload,
            # so an object of one chunk (a day's batch) takes one request, answered with the result.
            state.location, state.offset, state.result = self._create(state, metadata)
            if on_location:
                on_location(state.location)
            if progress and state.offset:
                progress(state.offset, len(state.data))
        if state.offset is None:
            state.offset = self._server_offset(state)
            if state.location is None:
                return self._upload_step(state, metadata, on_location, progress)
        while state.offset < len(state.data):
            state.offset = self._patch(state)
            if progress:
                progress(state.offset, len(state.data))
        if state.result is None:
            state.result = self._result(state.location)
        return UploadOutcome(state.location, state.result, state.sent)

    def _create(self, state: _UploadState, metadata: dict[str, str]) -> tuple[str, int, dict[str, Any] | None]:
        """Create the upload with its first chunk; its location, the offset the hub holds, and
        the result when that chunk was the whole object (the hub answers with it)."""
        encoded = ",".join(f"{k} {base64.b64encode(v.encode()).decode()}" for k, v in sorted(metadata.items()))
        chunk = state.data[:self.settings.chunk_size]
        headers = TUS | {"Upload-Length": str(len(state.data))}
        if encoded:
            headers["Upload-Metadata"] = encoded
        if chunk:
            headers |= {"Content-Type": "application/offset+octet-stream",
                        "Upload-Checksum": f"sha256 {base64.b64encode(hashlib.sha256(chunk).digest()).decode()}"}
            state.sent += len(chunk)
        response = self._request("POST", "/v1/uploads", headers=headers, content=chunk)
        if response.status_code != 201 or "location" not in response.headers:
            raise self._refused(response)
        offset = response.headers.get("upload-offset", "0")
        if not offset.isdigit() or int(offset) > len(state.data):
            raise HubRejected(response.status_code, "the hub answered an impossible Upload-Offset")
        result = None
        if int(offset) == len(state.data) and response.headers.get("content-type", "").startswith("application/json"):
            result = self._answer(response)
        return urljoin(self.settings.url + "/", response.headers["location"]), int(offset), result

    def _server_offset(self, state: _UploadState) -> int:
        assert state.location is not None
        response = self._request("HEAD", state.location, headers=TUS)
        if response.status_code == 404:
            state.location = None  # the hub forgot it (restored database): start again
            return 0
        if response.status_code != 200:
            raise self._refused(response)
        return int(response.headers["upload-offset"])

    def _patch(self, state: _UploadState) -> int:
        assert state.location is not None and state.offset is not None
        chunk = state.data[state.offset:state.offset + self.settings.chunk_size]
        digest = base64.b64encode(hashlib.sha256(chunk).digest()).decode()
        headers = TUS | {"Upload-Offset": str(state.offset), "Content-Type": "application/offset+octet-stream",
                         "Upload-Checksum": f"sha256 {digest}"}
        state.sent += len(chunk)
        response = self._request("PATCH", state.location, content=chunk, headers=headers)
        if response.status_code in (409, 460):
            raise _Resync()
        if response.status_code == 404:
            state.location = None
            raise _Resync()
        if response.status_code != 204:
            raise self._refused(response)
        return int(response.headers["upload-offset"])

    def _result(self, location: str) -> dict[str, Any]:
        response = self._request("GET", location + "/result")
        if response.status_code != 200:
            raise self._refused(response)
        result: dict[str, Any] = self._answer(response)
        return result


class _Resync(Exception):
    """The server's offset differs from ours: ask it again and continue."""


@dataclass
class _UploadState:
    data: bytes
    location: str | None
    offset: int | None = None
    sent: int = 0
    result: dict[str, Any] | None = None  # the hub's answer for the whole object, once it has one
