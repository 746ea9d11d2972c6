"""The hub folder: its keys, its public key file, `hub.toml` and the default SQLite database.

    <hub folder>/
      hub.toml                   [hub]: database URL, watch folder, pool, workers, logging
      hub-public-keys.json       the public half, given to every station
      hub-private-hpke.pem       X25519 (opens batches; `jiujin db recover --hub-private-key`)
      hub-private-signing.pem    Ed25519 (signs acknowledgements and ledgers)
                                 (both encrypted with the key passphrase: see `sync.hub.keystore`)
      hub.db                     the SQLite database, unless hub.toml names PostgreSQL
Settings come from three places, the first that names one winning: the environment
(`JIUJIN_HUB_DATABASE_URL`, `JIUJIN_HUB_POOL_SIZE`, … one per field of `HubConfig`,
upper-cased), hub.toml's `[hub]` table, then the defaults below.
"""

from __future__ import annotations

import dataclasses
import os
import tomllib
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path

import platformdirs
import tomli_w
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
from cryptography.hazmat.primitives.asymmetric.x25519 import X25519PrivateKey

from sync.errors import HubError, HubNotInitialised
from sync.hub.keystore import write_private
from sync.hubkeys import PUBLIC_KEYS_FILE_NAME, HubPublicKeys
from sync.private_keys import is_encrypted, key_passphrase, read_private

CONFIG_NAME = "hub.toml"
HPKE_KEY_NAME = "hub-private-hpke.pem"
SIGNING_KEY_NAME = "hub-private-signing.pem"
DEFAULT_DATABASE = "sqlite://hub.db"
ENV_PREFIX = "JIUJIN_HUB_"
LOG_FORMATS = ("json", "text")
LOG_LEVELS = ("DEBUG", "INFO", "WARNING", "ERROR")


def resolve_hub_dir(option: str | os.PathLike[str] | None = None) -> Path:
    """The hub folder: the option, else JIUJIN_DATA_DIR, else the platform's user folder."""
    chosen = option or os.environ.get("JIUJIN_DATA_DIR")
    if chosen:
        return Path(chosen).expanduser().resolve()
    return Path(platformdirs.user_data_dir("jiujin", appauthor=False)) / "hub"


@dataclass(frozen=True)
class HubKeys:
    """The hub's two private keys."""

    hpke: X25519PrivateKey
    signing: Ed25519PrivateKey

    @classmethod
    def generate(cls) -> HubKeys:
        return cls(X25519PrivateKey.generate(), Ed25519PrivateKey.generate())

    def public(self) -> HubPublicKeys:
        return HubPublicKeys(self.hpke.public_key().public_bytes_raw(),
                             self.signing.public_key().public_bytes_raw())


@dataclass(frozen=True)
class HubConfig:
    """The hub's settings, typed: hub.toml under the environment (see the module docstring)."""

    database: str = DEFAULT_DATABASE
    watch: str = ""
    #: PostgreSQL connections each worker process keeps open at least / at most.
    pool_min_size: int = 1
    pool_size: int = 10
    #: Seconds a request waits for a free connection before the hub answers 503.
    pool_timeout: float = 10.0
    workers: int = 1
    host: str = "127.0.0.1"
    port: int = 8750
    log_format: str = "json"
    log_level: str = "INFO"
    #: Per station: what its unresolved quarantine may hold before its uploads are refused (429).
    quarantine_max_objects: int = 50
    quarantine_max_bytes: int = 256 * 1024 * 1024
    #: Per station: the declared length of its unfinished tus uploads, together (413 past it).
    uploads_max_bytes: int = 256 * 1024 * 1024
    #: Seconds a client may take to send a request's headers, and between two pieces of a body.
    header_timeout: float = 15.0
    body_timeout: float = 30.0
    #: Seconds an idle kept-alive connection stays open.
    keep_alive_timeout: float = 15.0
    #: The city's data-sharing platform the hub asks to confirm shared data after sync
    #: (`sync.hub.shared_checks`); empty: no platform, nothing is confirmed or sent back.
    shared_data_url: str = ""

    def __post_init__(self) -> None:
        if not 1 <= self.pool_min_size <= self.pool_size or not 1 <= self.workers <= 64:
            raise _invalid("pool_min_size ≤ pool_size, 1 ≤ workers ≤ 64")
        if self.pool_timeout <= 0 or not 0 <= self.port <= 65535:
            raise _invalid("pool_timeout > 0, 0 ≤ port ≤ 65535")
        if min(self.quarantine_max_objects, self.quarantine_max_bytes, self.uploads_max_bytes) < 1 or min(
                self.header_timeout, self.body_timeout, self.keep_alive_timeout) <= 0:
            raise _invalid("quotas ≥ 1, timeouts > 0")
        if self.shared_data_url and not self.shared_data_url.startswith(("https://", "http://")):
            raise _invalid("shared_data_url is an http(s) URL")
        if self.log_format not in LOG_FORMATS or self.log_level not in LOG_LEVELS:
            raise _invalid(f"log_format in {LOG_FORMATS}, log_level in {LOG_LEVELS}")

    @classmethod
    def from_sources(cls, document: Mapping[str, object], environ: Mapping[str, str]) -> HubConfig:
        """The environment over hub.toml's `[hub]` table over the defaults."""
        values: dict[str, object] = {}
        for item in dataclasses.fields(cls):
            env_name = ENV_PREFIX + ("DATABASE_URL" if item.name == "database" else item.name.upper())
            raw = environ.get(env_name, document.get(item.name))
            if raw is not None and raw != "":
                values[item.name] = _typed(item.name, item.type, raw)
        return cls(**values)  # type: ignore[arg-type]


def _typed(name: str, kind: object, raw: object) -> object:
    """`raw` (a TOML value or an environment string) as the field's type."""
    try:
        if kind == "int":
            return int(str(raw))
        if kind == "float":
            return float(str(raw))
    except ValueError:
        raise _invalid(f"{name} = {raw!r} is not a number") from None
    text = str(raw)
    return text.upper() if name == "log_level" else text


def _invalid(detail: str) -> HubError:
    return HubError(f"中心配置有误：{detail}", f"the hub's settings are invalid: {detail}")


class HubFolder:
    """One hub's folder."""

    def __init__(self, path: Path) -> None:
        self.path = Path(path)

    @property
    def public_keys_path(self) -> Path:
        return self.path / PUBLIC_KEYS_FILE_NAME

    def exists(self) -> bool:
        return (self.path / CONFIG_NAME).exists() and (self.path / HPKE_KEY_NAME).exists()

    def create(self, database: str = DEFAULT_DATABASE, passphrase: bytes | None = None,
               keys: HubKeys | None = None) -> HubKeys:
        """Write the keys (new ones unless given), the public key file and hub.toml; refuse an
        existing hub. The private keys are encrypted with `passphrase` when one is given."""
        if self.exists():
            raise HubError(f"目录 {self.path} 中已有市级中心", f"{self.path} already holds a hub")
        self.path.mkdir(parents=True, exist_ok=True, mode=0o700)
        keys = keys or HubKeys.generate()
        self.write_keys(keys, passphrase)
        self.public_keys_path.write_bytes(keys.public().to_json())
        self.save_config(HubConfig(database=database))
        return keys

    def write_keys(self, keys: HubKeys, passphrase: bytes | None) -> None:
        write_private(self.path / HPKE_KEY_NAME, keys.hpke, passphrase)
        write_private(self.path / SIGNING_KEY_NAME, keys.signing, passphrase)

    def keys_encrypted(self) -> bool:
        return is_encrypted(self.path / HPKE_KEY_NAME) and is_encrypted(self.path / SIGNING_KEY_NAME)

    def config(self, environ: Mapping[str, str] | None = None) -> HubConfig:
        """hub.toml under the environment (`os.environ` unless given)."""
        if not self.exists():
            raise HubNotInitialised(str(self.path))
        try:
            document = tomllib.loads((self.path / CONFIG_NAME).read_text("utf-8")).get("hub", {})
        except tomllib.TOMLDecodeError as error:
            raise _invalid(f"{CONFIG_NAME}: {error}") from None
        return HubConfig.from_sources(document, os.environ if environ is None else environ)

    def save_config(self, config: HubConfig) -> None:
        text = tomli_w.dumps({"hub": {"database": config.database, "watch": config.watch}})
        (self.path / CONFIG_NAME).write_text(text, "utf-8")

    def keys(self) -> HubKeys:
        """Load both private keys (with the key passphrase when they are encrypted)."""
        if not self.exists():
            raise HubNotInitialised(str(self.path))
        passphrase = key_passphrase()
        hpke = read_private(self.path / HPKE_KEY_NAME, passphrase)
        signing = read_private(self.path / SIGNING_KEY_NAME, passphrase)
        if not isinstance(hpke, X25519PrivateKey) or not isinstance(signing, Ed25519PrivateKey):
            raise HubError("中心私钥文件类型有误", "the hub's private key files hold the wrong key types")
        return HubKeys(hpke, signing)
