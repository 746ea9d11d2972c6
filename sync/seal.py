"""Sealed objects: batches of outbox records and attachments, sealed to the hub, signed.

The byte-level specification is `docs/sealed-batch.md`. In short:

    "JJSO" | 01 | u32 H | header (canonical JSON) | u64 C | enc || AES-256-GCM(zstd(body))
           | Ed25519 signature over "jiujin/sealed/v1/signature" 00 || SHA-256(all before it)

HPKE base mode to the hub's X25519 key with the header as associated data; the ephemeral
key is derived from the station key and the header, so sealing is deterministic.
"""

from __future__ import annotations

import hashlib
import hmac
import json
import re
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from functools import cached_property
from typing import Any

import zstandard
from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey, Ed25519PublicKey
from cryptography.hazmat.primitives.asymmetric.x25519 import X25519PrivateKey

from kernel.canonical import canonical_json
from sync import hpke
from sync.errors import (
    BadSignature,
    BodyMismatch,
    MalformedSealed,
    UnsupportedSuite,
    WrongRecipient,
)
from sync.hubkeys import HubPublicKeys
from sync.keys import station_fingerprint

MAGIC = b"JJSO"
LAYOUT_VERSION = 1
FORMAT = 1
SUITE = "hpke-x25519-sha256-aes256gcm+ed25519+zstd"
INFO = b"jiujin/sealed/v1"
SIGNATURE_CONTEXT = b"jiujin/sealed/v1/signature\x00"
EPHEMERAL_CONTEXT = b"jiujin/sealed/v1/ephemeral"
GENESIS = "0" * 64
MAX_HEADER = 65536
MAX_CIPHERTEXT = 80 * 1024 * 1024
MAX_BATCH_RECORDS = 2000
MAX_BATCH_BYTES = 4 * 1024 * 1024
MAX_ATTACHMENT_BYTES = 64 * 1024 * 1024
BATCH_LEVEL, ATTACHMENT_LEVEL = 9, 3
SIGNATURE_SIZE = 64
_PREFIX = 9  # magic, version, header length
_HEX64 = re.compile(r"^[0-9a-f]{64}$")
_STATION = re.compile(r"^[A-Z0-9]{4,16}$")
_COMMON: dict[str, type] = {"format": int, "suite": str, "kind": str, "station": str, "signer": str,
           "recipient": str, "created_at": str, "body_sha256": str, "body_size": int}
_BATCH: dict[str, type] = {"batch_no": int, "first_seq": int, "last_seq": int, "count": int, "prev_batch": str,
          "catalog_versions": list, "audit_head": dict}
_ATTACHMENT: dict[str, type] = {"media_type": str}


@dataclass(frozen=True)
class BatchMeta:
    """What a batch header says besides the body hash and the keys."""

    station: str
    batch_no: int
    first_seq: int
    last_seq: int
    prev_batch: str
    catalog_versions: tuple[str, ...]
    audit_head: tuple[int, str]
    created_at: str


@dataclass(frozen=True)
class Sealed:
    """A sealed object as read from bytes: its header and where its parts are."""

    data: bytes
    header: dict[str, Any]
    header_bytes: bytes
    ciphertext: bytes
    signature: bytes

    @cached_property
    def object_id(self) -> str:
        """Batch id (or attachment id): hex SHA-256 of the header bytes (worked out once)."""
        return hashlib.sha256(self.header_bytes).hexdigest()

    @property
    def kind(self) -> str:
        return str(self.header["kind"])

    @property
    def station(self) -> str:
        return str(self.header["station"])

    def signed_digest(self) -> bytes:
        return hashlib.sha256(self.data[: len(self.data) - SIGNATURE_SIZE]).digest()


def encode_records(records: Iterable[dict[str, Any]]) -> bytes:
    """The batch body: canonical JSON Lines."""
    return b"".join(canonical_json(r) + b"\n" for r in records)


def iter_records(body: bytes) -> Iterator[dict[str, Any]]:
    """Parse a batch body line by line; BodyMismatch("bad_records") on a bad line."""
    for _line, _text, record in iter_lines(body):
        yield record


def iter_lines(body: bytes, loads: Callable[[bytes], Any] = json.loads) -> Iterator[tuple[bytes, str, dict[str, Any]]]:
    """Each line of a batch body, as bytes and as text, with its parsed record (the hub checks
    the fields itself). `loads` parses a line's UTF-8 bytes: the hub passes orjson's, which
    takes about a third of the standard library's time over a day's records."""
    if not body.endswith(b"\n"):
        raise BodyMismatch("批次正文不完整", "the batch body is incomplete", "bad_records")
    start = 0
    while start < len(body):
        end = body.index(b"\n", start)
        line, start = body[start:end], end + 1
        try:
            text = line.decode("utf-8")
            record = loads(line)
        except (ValueError, RecursionError):  # UnicodeDecodeError and JSONDecodeError are ValueErrors;
            # a record nested past the parser's depth is refused like any other unreadable line
            raise BodyMismatch("批次记录无法解析", "a batch record cannot be parsed", "bad_records") from None
        if not isinstance(record, dict):
            raise BodyMismatch("批次记录格式有误", "a batch record is not an object", "bad_records")
        yield line, text, record


def seal_batch(meta: BatchMeta, body: bytes, station_key: Ed25519PrivateKey,
               hub: HubPublicKeys) -> bytes:
    """Seal a batch body (from `encode_records`)."""
    header = _common(meta.station, station_key, hub, meta.created_at, "batch", body) | {
        "batch_no": meta.batch_no, "first_seq": meta.first_seq, "last_seq": meta.last_seq,
        "count": meta.last_seq - meta.first_seq + 1, "prev_batch": meta.prev_batch,
        "catalog_versions": sorted(meta.catalog_versions),
        "audit_head": {"seq": meta.audit_head[0], "hash": meta.audit_head[1]},
    }
    return _seal(header, _compress(body, BATCH_LEVEL), station_key, hub)


def seal_attachment(station: str, content: bytes, media_type: str, created_at: str,
                    station_key: Ed25519PrivateKey, hub: HubPublicKeys) -> bytes:
    """Seal one document, addressed by the SHA-256 of its bytes."""
    if len(content) > MAX_ATTACHMENT_BYTES:
        raise MalformedSealed("附件超过 64 MiB", "an attachment is larger than 64 MiB")
    header = _common(station, station_key, hub, created_at, "attachment", content) | {
        "media_type": media_type}
    return _seal(header, _compress(content, ATTACHMENT_LEVEL), station_key, hub)


def _common(station: str, station_key: Ed25519PrivateKey, hub: HubPublicKeys, created_at: str,
            kind: str, body: bytes) -> dict[str, Any]:
    return {
        "format": FORMAT, "suite": SUITE, "kind": kind, "station": station,
        "signer": station_fingerprint(station_key.public_key().public_bytes_raw()),
        "recipient": hub.fingerprint(), "created_at": created_at,
        "body_sha256": hashlib.sha256(body).hexdigest(), "body_size": len(body),
    }


def _compress(body: bytes, level: int) -> bytes:
    return zstandard.ZstdCompressor(level=level, write_content_size=True,
                                    write_checksum=False).compress(body)


def _seal(header: dict[str, Any], compressed: bytes, station_key: Ed25519PrivateKey,
          hub: HubPublicKeys) -> bytes:
    header_bytes = canonical_json(header)
    ikm = hmac.new(station_key.private_bytes_raw(),
                   EPHEMERAL_CONTEXT + hashlib.sha256(header_bytes).digest(), hashlib.sha256).digest()
    ciphertext = hpke.seal(hub.hpke_public_key, INFO, header_bytes, compressed, ikm)
    unsigned = b"".join([MAGIC, bytes([LAYOUT_VERSION]), len(header_bytes).to_bytes(4, "big"),
                         header_bytes, len(ciphertext).to_bytes(8, "big"), ciphertext])
    signature = station_key.sign(SIGNATURE_CONTEXT + hashlib.sha256(unsigned).digest())
    return unsigned + signature


# -- reading ------------------------------------------------------------------------


def read(data: bytes) -> Sealed:
    """Parse the framing and header; no keys needed. MalformedSealed or UnsupportedSuite."""
    if len(data) < _PREFIX or data[:4] != MAGIC:
        raise MalformedSealed("不是封装数据（标识不符）", "not a sealed object (bad magic)")
    if data[4] != LAYOUT_VERSION:
        raise UnsupportedSuite(f"不支持的格式版本 {data[4]}", f"unsupported layout version {data[4]}")
    header_len = int.from_bytes(data[5:9], "big")
    if not 2 <= header_len <= MAX_HEADER or len(data) < _PREFIX + header_len + 8:
        raise MalformedSealed("头部长度无效或数据被截断", "bad header length or truncated data")
    header_bytes = data[_PREFIX:_PREFIX + header_len]
    at = _PREFIX + header_len
    cipher_len = int.from_bytes(data[at:at + 8], "big")
    if not 48 <= cipher_len <= MAX_CIPHERTEXT or len(data) != at + 8 + cipher_len + SIGNATURE_SIZE:
        raise MalformedSealed("密文长度与文件长度不符（截断或多余数据）",
                              "ciphertext length does not match the size (truncated or trailing data)")
    header = _parse_header(header_bytes)
    ciphertext = data[at + 8:at + 8 + cipher_len]
    return Sealed(data, header, header_bytes, ciphertext, data[-SIGNATURE_SIZE:])


def _parse_header(header_bytes: bytes) -> dict[str, Any]:
    try:
        header = json.loads(header_bytes)
    except (ValueError, RecursionError):  # a header of nested brackets cannot escape as another error
        raise MalformedSealed("头部不是有效的 JSON", "the header is not valid JSON") from None
    if not isinstance(header, dict) or canonical_json(header) != header_bytes:
        raise MalformedSealed("头部不是规范 JSON", "the header is not canonical JSON")
    if b"\\u0000" in header_bytes:  # canonical JSON escapes NUL so; the hub keeps header strings as text
        raise MalformedSealed("头部含有空字符", "the header holds a NUL character")
    if header.get("format") != FORMAT or header.get("suite") != SUITE:
        raise UnsupportedSuite("不支持的格式或加密套件", "unsupported format or crypto suite")
    kinds: dict[str, dict[str, type]] = {"batch": _BATCH, "attachment": _ATTACHMENT}
    fields = _COMMON | kinds.get(str(header.get("kind")), {"": object})
    _check_fields(header, fields)
    return header


def _check_fields(header: dict[str, Any], fields: dict[str, type]) -> None:
    wrong = sorted(k for k, t in fields.items() if not isinstance(header.get(k), t)
                   or (t is int and isinstance(header.get(k), bool)))
    if wrong or set(header) != set(fields):
        raise MalformedSealed("头部字段缺失或类型有误", f"header fields missing or mistyped: {wrong}")
    ok = (_STATION.match(header["station"]) and _HEX64.match(header["signer"])
          and _HEX64.match(header["recipient"]) and _HEX64.match(header["body_sha256"])
          and header["body_size"] >= 0)
    if ok and header["kind"] == "batch":
        ok = bool(1 <= header["first_seq"] <= header["last_seq"] and header["batch_no"] >= 1
                  and header["count"] == header["last_seq"] - header["first_seq"] + 1
                  and _HEX64.match(header["prev_batch"])
                  and all(isinstance(v, str) for v in header["catalog_versions"])
                  and header["audit_head"].keys() == {"seq", "hash"} and type(header["audit_head"]["seq"]) is int
                  and type(header["audit_head"]["hash"]) is str)
    if not ok:
        raise MalformedSealed("头部字段取值无效", "header field values are invalid")


def verify(sealed: Sealed, station_public_key: bytes) -> None:
    """Check the station's signature and that the header names that key; BadSignature."""
    if sealed.header["signer"] != station_fingerprint(station_public_key):
        raise BadSignature()
    try:
        Ed25519PublicKey.from_public_bytes(station_public_key).verify(
            sealed.signature, SIGNATURE_CONTEXT + sealed.signed_digest())
    except InvalidSignature:
        raise BadSignature() from None


def open_body(sealed: Sealed, hub_private: X25519PrivateKey, hub_fingerprint: str) -> bytes:
    """Decrypt and decompress the body and check it against the header."""
    if sealed.header["recipient"] != hub_fingerprint:
        raise WrongRecipient()
    compressed = hpke.open_sealed(hub_private, INFO, sealed.header_bytes, sealed.ciphertext)
    size = sealed.header["body_size"]
    limit = MAX_ATTACHMENT_BYTES if sealed.kind == "attachment" else 4 * MAX_BATCH_BYTES
    try:
        params = zstandard.get_frame_parameters(compressed)
        if params.content_size != size or size > limit:
            raise ValueError("size")
        body = zstandard.ZstdDecompressor().decompress(compressed, max_output_size=size)
    except (zstandard.ZstdError, ValueError):
        raise BodyMismatch("正文解压失败或大小不符", "the body does not decompress to its stated size") from None
    if len(body) != size or hashlib.sha256(body).hexdigest() != sealed.header["body_sha256"]:
        raise BodyMismatch("正文哈希与头部不符", "the body's hash differs from the header")
    return body
