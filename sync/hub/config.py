"""The hub folder: its keys, its public key file, `hub.toml` and the default SQLite database.

    <hub folder>/
      hub.toml                   database URL, import folder
      hub-public-keys.json       the public half, given to every station
      hub-private-hpke.pem       X25519 (opens batches; `jiujin db recover --hub-private-key`)
      hub-private-signing.pem    Ed25519 (signs acknowledgements and ledgers)
                                 (both encrypted with the key passphrase: see `sync.hub.keystore`)
      hub.db                     the SQLite database, unless hub.toml names PostgreSQL
"""

from __future__ import annotations

import os
import tomllib
from dataclasses import dataclass
from pathlib import Path

import platformdirs
import tomli_w
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
from cryptography.hazmat.primitives.asymmetric.x25519 import X25519PrivateKey

from sync.errors import HubError, HubNotInitialised
from sync.hub.keystore import is_encrypted, key_passphrase, read_private, write_private
from sync.hubkeys import PUBLIC_KEYS_FILE_NAME, HubPublicKeys

CONFIG_NAME = "hub.toml"
HPKE_KEY_NAME = "hub-private-hpke.pem"
SIGNING_KEY_NAME = "hub-private-signing.pem"
DEFAULT_DATABASE = "sqlite://hub.db"


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
    """hub.toml, typed."""

    database: str = DEFAULT_DATABASE
    watch: str = ""


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

    def config(self) -> HubConfig:
        if not self.exists():
            raise HubNotInitialised(str(self.path))
        document = tomllib.loads((self.path / CONFIG_NAME).read_text("utf-8")).get("hub", {})
        return HubConfig(database=str(document.get("database", DEFAULT_DATABASE)),
                         watch=str(document.get("watch", "")))

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
