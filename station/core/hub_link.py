"""The station's link to the city hub: the hub's public keys, this station's credential, and
the transports that reach the hub (HTTP through a `HubClient`, or a USB folder).

One link per store (`StationStore.hub`); everything that talks to the hub, or checks what
the hub signed, goes through it. Tests give it their own client factory once.
"""

from __future__ import annotations

import base64
import dataclasses
import json
import logging
import tomllib
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any, Protocol

from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

from station.core.config import StationConfig, parse_config, plain_http_outside_loopback
from station.core.db import write_transaction
from station.core.errors import JiujinError
from station.core.models import Setting
from station.core.roles import Action, require
from station.core.session import Session
from station.core.transports import FolderTransport, HttpTransport
from sync import enrolment
from sync.hubkeys import HubPublicKeys
from sync.keys import station_fingerprint
from sync.transport_folder import StationFolder
from sync.transport_http import ClientSettings, HubClient

HUB_KEYS = "sync.hub_public_keys"
CREDENTIAL = "sync.credential"
ENROL_TOKEN = "sync.enrol_token"
ENROLLED_AT = "sync.enrolled_at"
ClientFactory = Callable[[ClientSettings], HubClient]

log = logging.getLogger("jiujin.station.hub")


class SyncNotReady(JiujinError):
    """The station has no hub key, hub address or credential yet."""


class InsecureHub(SyncNotReady):
    """A plain http:// hub on another machine, not explicitly allowed: nothing is sent."""

    def __init__(self, url: str, remedy_zh: str = "在 station.toml 的 [hub] 中写 allow_insecure = true",
                 remedy_en: str = "set allow_insecure = true under [hub] in station.toml") -> None:
        super().__init__(
            f"中心地址 {url} 未加密（http://），站点凭据和数据会明文传输，已拒绝连接；请改用 https://，"
            f"或确认网络可信后{remedy_zh}",
            f"the hub address {url} is plain http://: the station credential and data would travel in "
            f"clear, so nothing was sent; use https://, or if the network is trusted, {remedy_en}")


def check_hub_url(url: str, allowed: bool) -> bool:
    """InsecureHub for a plain http:// hub outside loopback unless `allowed`; True when such a
    hub is allowed (the caller warns)."""
    if not plain_http_outside_loopback(url):
        return False
    if not allowed:
        raise InsecureHub(url)
    return True


@dataclass(frozen=True)
class EnrolResult:
    station_fingerprint: str
    hub_fingerprint: str


class LinkedStation(Protocol):
    """What the link reads from the station store."""

    data_dir: Path
    config: StationConfig

    def clock(self) -> datetime: ...

    def signing_key(self) -> Ed25519PrivateKey: ...

    def recovery_document(self) -> dict[str, Any] | None: ...


class HubLink:
    """The one owner of the station's hub keys, credential and client."""

    def __init__(self, station: LinkedStation, client_factory: ClientFactory = HubClient) -> None:
        self.station = station
        self.client_factory = client_factory
        self._warned_insecure = ""

    # -- keys and credential ------------------------------------------------------------

    def keys(self) -> HubPublicKeys:
        """The hub's public keys; SyncNotReady before `jiujin init --hub-key`."""
        row = Setting.get_or_none(Setting.key == HUB_KEYS)
        if row is None:
            raise SyncNotReady("尚未配置市级中心公钥（jiujin init --hub-key）",
                               "no hub public key yet (jiujin init --hub-key)")
        document = json.loads(row.value)
        return HubPublicKeys(base64.b64decode(document["hpke_public_key"]),
                             base64.b64decode(document["signing_public_key"]))

    @property
    def has_keys(self) -> bool:
        return Setting.get_or_none(Setting.key == HUB_KEYS) is not None

    @property
    def enrolled(self) -> bool:
        return Setting.get_or_none(Setting.key == CREDENTIAL) is not None

    def station_fingerprint(self) -> str:
        return station_fingerprint(self.station.signing_key().public_key().public_bytes_raw())

    def configure(self, session: Session, keys: HubPublicKeys) -> None:
        """Keep the hub's public keys (from `hub-public-keys.json`) in the encrypted store."""
        require(session, Action.STATION_CONFIGURE)
        expected = self.station.config.hub_key_fingerprint
        if expected and expected != keys.fingerprint():
            raise SyncNotReady("中心公钥与站点配置中的指纹不符", "the hub key does not match the configured fingerprint")
        with write_transaction():
            _set(HUB_KEYS, keys.to_json().decode())
        if not expected:
            self._save_config(hub_key_fingerprint=keys.fingerprint())

    def enrol(self, session: Session, token: str, hub_url: str | None = None, allow_insecure: bool = False,
              tls_pin: str | None = None) -> EnrolResult:
        """Register this station's public key with the hub using a one-time token.

        Without a hub address the token is kept and travels in the next USB export. A new
        address (and its TLS pin) is checked before it is kept: a plain http:// hub on another
        machine only with `allow_insecure`, which is kept too.
        """
        require(session, Action.STATION_CONFIGURE)
        keys = self.keys()
        if hub_url or tls_pin:
            self.point_at(hub_url or self.station.config.hub_url, allow_insecure, tls_pin)
        public = self.station.signing_key().public_key().public_bytes_raw()
        result = EnrolResult(station_fingerprint(public), keys.fingerprint())
        if not self.station.config.hub_url:
            with write_transaction():
                _set(ENROL_TOKEN, token)
            return result
        def request() -> bytes:  # a fresh one for each attempt: the hub accepts each request once
            return self._enrolment_request(token, keys, "http")

        with self.client_factory(self._settings()) as client:
            answer = client.enrol(request)
        if answer.get("hub_fingerprint") != keys.fingerprint():
            raise SyncNotReady("应答的中心与公钥文件不符，已拒绝", "the hub that answered is not the one in the key file")
        with write_transaction():
            _set(CREDENTIAL, str(answer["credential"]))
            self._enrolled_now()
        return result

    def enrolment_request(self) -> dict[str, str] | None:
        """The kept enrolment token as a signed request for the next USB export (the token sealed
        to the hub, never in clear); None once enrolled."""
        token = Setting.get_or_none(Setting.key == ENROL_TOKEN)
        if token is None:
            return None
        request = self._enrolment_request(str(token.value), self.keys(), "folder")
        return {"format": enrolment.FORMAT, "request": request.decode()}

    def _enrolment_request(self, token: str, keys: HubPublicKeys, via: str) -> bytes:
        # The wall clock, not the store's: `at` orders this station's requests at the hub. The
        # recovery copy travels too (sealed to the hub): the hub can hand it back when the PC is gone.
        return enrolment.make_request(self.station.signing_key(), self.station.config.code, token, keys, via,
                                      datetime.now(UTC), self.station.recovery_document())

    def enrolment_answered(self) -> None:
        """The hub's answer to an enrolment carried on a USB stick arrived."""
        with write_transaction():
            self._enrolled_now()

    def _enrolled_now(self) -> None:
        Setting.delete().where(Setting.key == ENROL_TOKEN).execute()
        _set(ENROLLED_AT, self.station.clock().isoformat())

    def point_at(self, hub_url: str, allow_insecure: bool = False, tls_pin: str | None = None) -> None:
        """Reach the hub at `hub_url` from now on (kept in `station.toml`, with whether plain
        http:// is allowed and the TLS pin, when given); InsecureHub before anything is kept."""
        check_hub_url(hub_url, allow_insecure or self.station.config.hub_allow_insecure)
        self._save_config(hub_url=hub_url, allow_insecure=allow_insecure, tls_pin=tls_pin)

    def _save_config(self, hub_url: str | None = None, hub_key_fingerprint: str | None = None,
                     allow_insecure: bool = False, tls_pin: str | None = None) -> None:
        current = self.station.config
        document = tomllib.loads(dataclasses.replace(
            current, hub_url=current.hub_url if hub_url is None else hub_url,
            hub_key_fingerprint=hub_key_fingerprint or current.hub_key_fingerprint,
            hub_allow_insecure=current.hub_allow_insecure or allow_insecure,
            hub_tls_pin=current.hub_tls_pin if tls_pin is None else tls_pin).to_toml().decode())
        config = parse_config(document, "--hub-url / --hub-tls-pin")  # the file's own rules
        config.save(self.station.data_dir)
        self.station.config = config

    # -- reaching the hub ---------------------------------------------------------------

    def client(self) -> HubClient:
        """An HTTP client to the hub, signed in with this station's credential."""
        credential = Setting.get_or_none(Setting.key == CREDENTIAL)
        if not self.station.config.hub_url or credential is None:
            raise SyncNotReady("站点尚未注册到市级中心（jiujin init --enroll-token）",
                               "the station is not enrolled with a hub (jiujin init --enroll-token)")
        return self.client_factory(self._settings(credential.value))

    def _settings(self, credential: str = "") -> ClientSettings:
        """How to reach the hub of `station.toml`: refused (InsecureHub) over plain http:// to
        another machine unless allowed there (then a warning in the log), and held to the TLS pin."""
        config = self.station.config
        if check_hub_url(config.hub_url, config.hub_allow_insecure) and self._warned_insecure != config.hub_url:
            log.warning("the hub %s is reached over plain http:// (allow_insecure in station.toml): "
                        "the station credential travels in clear", config.hub_url)
            self._warned_insecure = config.hub_url
        return ClientSettings(config.hub_url, credential, pin_sha256=config.hub_tls_pin or None)

    def http(self) -> HttpTransport:
        """The network path to the hub."""
        return HttpTransport(self.client())

    def folder(self, root: Path) -> FolderTransport:
        """The USB path: this station's part of the sync folder under `root`."""
        return FolderTransport(StationFolder(root, self.station.config.code))


def _set(key: str, value: str) -> None:
    Setting.replace(key=key, value=value).execute()
