"""Fixtures shared by the whole suite: temporary stations made from one template, whose logins
derive each key once per test process."""

from __future__ import annotations

import shutil
import threading
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import datetime, timedelta
from pathlib import Path
from typing import ClassVar

import pytest
from cryptography.hazmat.primitives.kdf.argon2 import Argon2id

from station.core import keys
from station.core.clock import CST
from station.core.config import StationConfig
from station.core.roles import Role
from station.core.session import Session
from station.core.store import StationStore

REPO = Path(__file__).resolve().parents[1]
CONFIG = StationConfig(code="TS0001", name="测试社区便民服务中心", point_type="community", district="330106")
PASSWORDS = {
    "admin": "admin-pass-1",
    "wang": "wang-pass-1",
    "li": "li-pass-1",
    "zhao": "zhao-pass-1",
}
ROLES = {"admin": Role.ADMIN, "wang": Role.OPERATOR, "li": Role.SUPERVISOR, "zhao": Role.SYNC_OPERATOR}


class FakeClock:
    """A clock the test moves by hand."""

    def __init__(self, start: datetime) -> None:
        self.now = start

    def __call__(self) -> datetime:
        return self.now

    def advance(self, **delta: float) -> None:
        self.now += timedelta(**delta)


class RememberedArgon2id:
    """`Argon2id` that computes each distinct derivation once per test process and then
    returns the same bytes again.

    Argon2id is slow by design (about 0.35 s of a core at the station's floor), and the suite
    logs the template's four operators in thousands of times with the same salts and
    passwords. Every derivation is real the first time; `KdfParams.derive`, which the tests
    that count derivations watch, is still called each time. Hub and station processes that
    the tests start derive for real on every login."""

    _known: ClassVar[dict[tuple[bytes, int, int, int, int, bytes], bytes]] = {}
    _lock: ClassVar[threading.Lock] = threading.Lock()

    def __init__(self, *, salt: bytes, length: int, iterations: int, lanes: int, memory_cost: int) -> None:
        self._kdf = Argon2id(salt=salt, length=length, iterations=iterations, lanes=lanes,
                             memory_cost=memory_cost)
        self._key = (salt, length, iterations, lanes, memory_cost)

    def derive(self, key_material: bytes) -> bytes:
        known = (*self._key, key_material)
        with self._lock:
            if known not in self._known:
                self._known[known] = self._kdf.derive(key_material)
            return self._known[known]


@pytest.fixture(scope="session", autouse=True)
def _argon2id_once_per_input() -> Iterator[None]:
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(keys, "Argon2id", RememberedArgon2id)
        yield


@pytest.fixture
def clock() -> FakeClock:
    return FakeClock(datetime(2026, 11, 26, 9, 30, tzinfo=CST))


@pytest.fixture(scope="session")
def station_template(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A station with an admin, an operator, a supervisor and a sync operator."""
    folder = tmp_path_factory.mktemp("template") / "station"
    store = StationStore.initialise(folder, CONFIG, "admin", "陈管理员", PASSWORDS["admin"])
    admin = store.login("admin", PASSWORDS["admin"])
    names = {"wang": "王小红", "li": "李主管", "zhao": "赵同步"}
    for name, display in names.items():
        store.operators.add(admin, name, display, ROLES[name], PASSWORDS[name])
    store.close()
    return folder


@pytest.fixture
def station_dir(tmp_path: Path, station_template: Path) -> Path:
    """A private copy of the template station."""
    folder = tmp_path / "station"
    shutil.copytree(station_template, folder)
    return folder


@pytest.fixture
def store(station_dir: Path, clock: FakeClock) -> Iterator[StationStore]:
    opened = StationStore(station_dir, clock)
    yield opened
    opened.close()


@dataclass
class Sessions:
    """One logged-in session per role."""

    admin: Session
    operator: Session
    supervisor: Session
    sync_operator: Session

    def for_role(self, role: Role) -> Session:
        return {Role.ADMIN: self.admin, Role.OPERATOR: self.operator,
                Role.SUPERVISOR: self.supervisor, Role.SYNC_OPERATOR: self.sync_operator}[role]


@pytest.fixture
def sessions(store: StationStore) -> Sessions:
    return Sessions(
        admin=store.login("admin", PASSWORDS["admin"]),
        operator=store.login("wang", PASSWORDS["wang"]),
        supervisor=store.login("li", PASSWORDS["li"]),
        sync_operator=store.login("zhao", PASSWORDS["zhao"]),
    )
