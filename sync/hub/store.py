"""The hub's store: schema, stations (enrolment tokens, credentials, revocation), catalog
versions, quarantine and the counts `jiujin hub stats` prints."""

from __future__ import annotations

import hashlib
import hmac
import logging
import re
import secrets
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

from peewee import Database, fn

from sync.enrolment import open_request
from sync.errors import EnrolmentError, HubError, SealError, StationNotFound
from sync.hub import migrations
from sync.hub.anchors import keep_recovery, open_divergences_by_station
from sync.hub.config import HubFolder, HubKeys
from sync.hub.db import PoolSettings, execute, open_database, statement, tuples, write_transaction
from sync.hub.models import (
    HubApplication,
    HubAttachment,
    HubBatch,
    HubCatalogVersion,
    HubGap,
    HubQuarantine,
    HubRange,
    HubRecord,
    HubSetting,
    HubStation,
)
from sync.keys import station_fingerprint

log = logging.getLogger("jiujin.hub")
Clock = Callable[[], datetime]
STATION_CODE = re.compile(r"^[A-Z0-9]{4,16}$")
TOKEN_DAYS = 7
#: The station's built-in service list (before it uses the catalog) is version builtin-1.
BUILTIN_CATALOG_VERSIONS = [("*", "builtin-1")]


@dataclass(frozen=True)
class Place:
    """Where a station stands: its county (区县), point type and town (乡镇街道)."""

    district: str = ""
    point_type: str = ""
    town: str = ""

    def checked(self) -> Place:
        """This place, or a bilingual error naming what is wrong."""
        from forms import hangzhou_divisions
        from forms.vocab import POINT_TYPES

        divisions = hangzhou_divisions()
        if self.district and not divisions.is_current(self.district, "county"):
            raise HubError(f"{self.district} 不是杭州现行的区县代码", f"{self.district} is not a current Hangzhou county code")
        if self.point_type and self.point_type not in POINT_TYPES:
            raise HubError(f"受理点类型应为 {'、'.join(POINT_TYPES)} 之一",
                           f"the point type is one of {', '.join(POINT_TYPES)}")
        town = divisions.get(self.town) if self.town else None
        if self.town and (town is None or len(self.town) != 9 or (self.district and town.parent != self.district)):
            raise HubError(f"{self.town} 不是该区县的乡镇（街道）代码", f"{self.town} is not a town code of the district")
        return self


def utc_now() -> datetime:
    return datetime.now(UTC)


@dataclass(frozen=True)
class Caller:
    """A station that proved its upload credential, with the release it last reported."""

    code: str
    release: str


_CREDENTIAL = "SELECT status, credential_hash, release FROM hub_station WHERE code = ?"


def _digest(secret: str) -> str:
    return hashlib.sha256(secret.encode()).hexdigest()


@dataclass(frozen=True)
class Enrolment:
    """What a station receives when its token is accepted."""

    station: str
    credential: str
    hub_fingerprint: str
    station_fingerprint: str


class HubStore:
    """One hub: its keys and its database. One per process (the models bind globally)."""

    def __init__(self, folder: Path, database_url: str | None = None, clock: Clock = utc_now) -> None:
        self.folder = HubFolder(folder)
        config = self.folder.config()
        self.config = config
        self.database_url = database_url or config.database
        self.keys: HubKeys = self.folder.keys()
        self.public = self.keys.public()
        self.fingerprint = self.public.fingerprint()
        self.clock = clock
        self.db: Database = open_database(self.database_url, base=self.folder.path, pool=PoolSettings(
            config.pool_min_size, config.pool_size, config.pool_timeout))
        migrations.check(self.db)
        self._catalog: set[str] | None = None

    def now(self) -> str:
        return self.clock().isoformat(timespec="seconds")

    # -- schema ---------------------------------------------------------------------

    def create_schema(self) -> list[int]:
        """Create the tables or migrate them to this release's schema, and register the packaged
        catalog's versions; the migration steps that ran."""
        done = migrations.migrate(self.db)
        if done:
            log.info("hub schema migrated through version %d", done[-1])
        self.register_catalog_versions(packaged_catalog_versions())
        return done

    def register_catalog_versions(self, versions: list[tuple[str, str]]) -> None:
        rows = [{"code": c, "version": v} for c, v in versions]
        with self.db.atomic():
            for start in range(0, len(rows), 200):
                HubCatalogVersion.insert_many(rows[start:start + 200]).on_conflict_ignore().execute()
        self._catalog = None

    def known_catalog_version(self, entry: str) -> bool:
        """Whether `<code>@<version>` is a version the hub can validate."""
        if self._catalog is None:
            self._catalog = {f"{c}@{v}" for c, v in tuples(HubCatalogVersion.select(
                HubCatalogVersion.code, HubCatalogVersion.version))}
        _code, _, version = entry.partition("@")
        return entry in self._catalog or f"*@{version}" in self._catalog

    def healthy(self) -> bool:
        """The database answers."""
        try:
            execute(self.db, "SELECT 1").fetchone()
            return True
        except Exception:  # any driver error means "not ready"
            log.warning("hub database not ready")
            return False

    def close(self) -> None:
        if not self.db.is_closed():
            self.db.close()
        close_pool = getattr(self.db, "close_pool", None)
        if close_pool is not None:
            close_pool()

    # -- stations -------------------------------------------------------------------

    def add_station(self, code: str, name: str = "", days: int = TOKEN_DAYS, place: Place | None = None) -> str:
        """Register a station (with where it stands) and return a one-time enrolment token.

        Re-issuing a token for a known station puts it back to pending: its uploads wait
        until it enrols again (a reinstalled station with a new key).
        """
        if not STATION_CODE.match(code):
            raise HubError("站点编码应为 4–16 位大写字母或数字", "a station code is 4–16 capital letters or digits")
        place = (place or Place()).checked()
        token = secrets.token_urlsafe(24)
        expires = (self.clock() + timedelta(days=days)).isoformat(timespec="seconds")
        with write_transaction():
            station = HubStation.get_or_none(HubStation.code == code)
            if station is not None and station.status == "revoked":
                raise EnrolmentError(f"站点 {code} 已吊销", f"station {code} is revoked")
            if station is None:
                HubStation.create(code=code, name=name, created_at=self.now(), status="pending",
                                  token_hash=_digest(token), token_expires_at=expires,
                                  district=place.district, point_type=place.point_type, town=place.town)
            else:
                HubStation.update(token_hash=_digest(token), token_expires_at=expires, status="pending",
                                  credential_hash=None, name=name or station.name).where(HubStation.code == code).execute()
        if station is not None and place != Place():
            self.register_station(code, place=place)
        return token

    def register_station(self, code: str, *, name: str | None = None, place: Place | None = None) -> int:
        """Correct a station's name or place; its applications already at the hub follow the new
        place. Returns how many applications were re-attributed."""
        station = HubStation.get_or_none(HubStation.code == code)
        if station is None:
            raise StationNotFound(code)
        changes: dict[Any, Any] = {}
        if name is not None:
            changes[HubStation.name] = name
        if place is not None:
            moved = place.district not in ("", station.district)
            place = Place(place.district or station.district, place.point_type or station.point_type,
                          place.town or ("" if moved else station.town)).checked()
            changes |= {HubStation.district: place.district, HubStation.point_type: place.point_type,
                        HubStation.town: place.town}
        with write_transaction():
            if changes:
                HubStation.update(changes).where(HubStation.code == code).execute()
            if place is None:
                return 0
            return int(HubApplication.update(district=place.district, point_type=place.point_type)
                       .where(HubApplication.station == code).execute())

    def backfill_places(self) -> int:
        """Attribute every application to its station's registered place (for a hub that took
        applications before its stations were registered); how many rows changed."""
        changed = 0
        for station in HubStation.select().where(HubStation.district != ""):
            with write_transaction():
                changed += int(HubApplication.update(district=station.district, point_type=station.point_type)
                               .where((HubApplication.station == station.code)
                                      & ((HubApplication.district != station.district)
                                         | (HubApplication.point_type != station.point_type))).execute())
        return changed

    def authenticated_station(self, code: str) -> bool:
        """Whether `code` is an enrolled, active station (whose objects the hub verifies)."""
        station = HubStation.get_or_none(HubStation.code == code)
        return station is not None and station.status == "active" and station.signing_public_key is not None

    def record_release(self, code: str, release: str) -> None:
        """Remember the Jiujin release a station reported (shown in `hub station list`)."""
        if not release or len(release) > 40:
            return
        with write_transaction():
            HubStation.update(release=release, release_seen_at=self.now()).where(
                (HubStation.code == code) & (HubStation.release != release)).execute()

    def enrol(self, code: str, request: bytes, via: str) -> Enrolment:
        """Spend a token with a signed enrolment request (`sync.enrolment`) that arrived by `via`:
        record the station's public key and, over HTTP, issue its upload credential.

        The token is spent once. Until it expires, the holder of the same private key may ask
        again with a newer request (its answer was lost on the way) and gets a new credential;
        a request already accepted, or one by any other key, is refused.
        """
        checked = open_request(request, self.keys.hpke, self.fingerprint)
        if checked.station != code or checked.via != via:
            raise EnrolmentError("注册请求不属于该站点或该途径", "the enrolment request is for another station or path")
        credential = secrets.token_urlsafe(32) if via == "http" else ""
        with write_transaction():
            station = HubStation.get_or_none(HubStation.code == code)
            if station is None or station.token_hash is None or not hmac.compare_digest(
                    station.token_hash, _digest(checked.token)):
                raise EnrolmentError("注册令牌无效或已使用", "the enrolment token is invalid or already used")
            if station.status == "revoked":
                raise EnrolmentError(f"站点 {code} 已吊销", f"station {code} is revoked")
            if station.token_expires_at and station.token_expires_at < self.now():
                raise EnrolmentError("注册令牌已过期，请向中心重新申请", "the enrolment token has expired; ask the hub for a new one")
            spent = station.status == "active"
            if spent and bytes(station.signing_public_key or b"") != checked.public_key:
                raise EnrolmentError("注册令牌已使用", "the enrolment token was already used")
            _accept_request_time(code, checked.at)
            changes: dict[Any, Any] = {HubStation.status: "active", HubStation.signing_public_key: checked.public_key,
                                       HubStation.enrolled_at: station.enrolled_at or self.now()}
            if credential:
                changes[HubStation.credential_hash] = _digest(credential)
            elif not spent:
                changes[HubStation.credential_hash] = None
            HubStation.update(changes).where(HubStation.code == code).execute()
            if checked.recovery is not None:  # handed back by `jiujin hub station recovery-slot`
                keep_recovery(code, checked.recovery, checked.at.isoformat(), via, self.now())
        log.info("enrolment", extra={"station": code, "via": via, "outcome": "again" if spent else "enrolled"})
        return Enrolment(code, credential, self.fingerprint, station_fingerprint(checked.public_key))

    def revoke(self, code: str) -> None:
        """吊销: refuse this station's uploads from now on (they go to quarantine)."""
        with write_transaction():
            changed = HubStation.update(status="revoked", revoked_at=self.now(), credential_hash=None,
                                        token_hash=None).where(HubStation.code == code).execute()
        if not changed:
            raise StationNotFound(code)

    def authenticate(self, code: str, credential: str) -> Caller | None:
        """The active station holding this credential, or None. Every request a station makes
        starts here, so it is one indexed read of three columns, not a whole station row."""
        row = statement(_CREDENTIAL, (code,)).fetchone()
        if row is None or row[0] != "active" or row[1] is None:
            return None
        if not hmac.compare_digest(row[1], _digest(credential)):
            return None
        return Caller(code, row[2])

    def stations(self) -> list[dict[str, Any]]:
        """Every station, with how many audit divergences (`sync.hub.anchors`) are open for it."""
        diverging = open_divergences_by_station()
        return [{"code": s.code, "name": s.name, "status": s.status,
                 "district": s.district, "point_type": s.point_type, "town": s.town,
                 "release": s.release or None,
                 "fingerprint": station_fingerprint(bytes(s.signing_public_key)) if s.signing_public_key else None,
                 "enrolled_at": s.enrolled_at, "revoked_at": s.revoked_at,
                 "audit_divergences": diverging.get(s.code, 0)}
                for s in HubStation.select().order_by(HubStation.code)]

    # -- quarantine -----------------------------------------------------------------

    def quarantine_full(self, station: str) -> bool:
        """Whether `station`'s unresolved quarantine reached its quota (hub.toml)."""
        query = HubQuarantine.select(fn.COUNT(HubQuarantine.id), fn.COALESCE(fn.SUM(HubQuarantine.size), 0)).where(
            (HubQuarantine.station == station) & HubQuarantine.resolved_at.is_null())
        count, size = tuples(query)[0]
        return self.quarantine_at_quota(station, int(count), int(size))

    def quarantine_at_quota(self, station: str, count: int, size: int) -> bool:
        """Whether `station`'s unresolved quarantine, `count` objects of `size` bytes together,
        reached its quota (hub.toml); the operator finds it in the log when it has."""
        full = count >= self.config.quarantine_max_objects or size >= self.config.quarantine_max_bytes
        if full:
            log.warning("quota_exceeded", extra={"station": station, "reason": "quarantine_full"})
        return full

    def quarantine(self, data: bytes, error: SealError | HubError, via: str,
                   station: str | None = None, object_id: str | None = None) -> int | None:
        """Keep a rejected object with its reason; returns its quarantine id, or None when the
        station's quarantine is full (the object is refused and not kept)."""
        reason = getattr(error, "reason", "rejected")
        digest = hashlib.sha256(data).hexdigest()
        if station is not None and self.quarantine_full(station):
            return None
        with write_transaction():
            existing = HubQuarantine.get_or_none((HubQuarantine.sha256 == digest)
                                                 & (HubQuarantine.reason == reason)
                                                 & HubQuarantine.resolved_at.is_null())
            if existing is not None:
                return int(existing.id)
            row = HubQuarantine.create(
                received_at=self.now(), via=via, station=station, object_id=object_id, reason=reason,
                message_zh=error.message_zh, message_en=error.message_en, sha256=digest,
                size=len(data), data=data)
        log.info("quarantine", extra={"station": station, "batch_id": object_id, "reason": reason, "kind": via})
        return int(row.id)

    def quarantined(self) -> list[dict[str, Any]]:
        query = (HubQuarantine.select(HubQuarantine.id, HubQuarantine.received_at, HubQuarantine.via,
                                      HubQuarantine.station, HubQuarantine.object_id, HubQuarantine.reason,
                                      HubQuarantine.message_zh, HubQuarantine.message_en, HubQuarantine.size)
                 .where(HubQuarantine.resolved_at.is_null()).order_by(HubQuarantine.id))
        return [{"id": q.id, "received_at": q.received_at, "via": q.via, "station": q.station,
                 "object_id": q.object_id, "reason": q.reason, "message_zh": q.message_zh,
                 "message_en": q.message_en, "size": q.size} for q in query]

    # -- ledger and stats -------------------------------------------------------------

    def held_ranges(self, station: str) -> list[tuple[int, int]]:
        """The runs of sequence numbers held for `station`, ascending."""
        query = (HubRange.select(HubRange.first_seq, HubRange.last_seq)
                 .where(HubRange.station == station).order_by(HubRange.first_seq))
        return [(int(a), int(b)) for a, b in tuples(query)]

    def open_gaps(self, station: str) -> list[tuple[int, int]]:
        query = (HubGap.select(HubGap.first_seq, HubGap.last_seq)
                 .where((HubGap.station == station) & HubGap.filled_at.is_null())
                 .order_by(HubGap.first_seq))
        return [(int(a), int(b)) for a, b in tuples(query)]

    def stats(self) -> dict[str, Any]:
        """Counts per station and overall, for `jiujin hub stats`."""
        records = _counts(HubRecord.select(HubRecord.station, fn.COUNT(HubRecord.id)).group_by(HubRecord.station))
        applications = _counts(HubRecord.select(HubRecord.station, fn.COUNT(HubRecord.application_id.distinct()))
                               .group_by(HubRecord.station))
        batches = _counts(HubBatch.select(HubBatch.station, fn.COUNT(HubBatch.id)).group_by(HubBatch.station))
        quarantined = _counts(HubQuarantine.select(HubQuarantine.station, fn.COUNT(HubQuarantine.id))
                           .where(HubQuarantine.resolved_at.is_null()).group_by(HubQuarantine.station))
        stations = []
        for station in HubStation.select().order_by(HubStation.code):
            ranges = self.held_ranges(station.code)
            stations.append({
                "code": station.code, "name": station.name, "status": station.status,
                "batches": int(batches.get(station.code, 0)), "records": int(records.get(station.code, 0)),
                "applications": int(applications.get(station.code, 0)),
                "high_seq": ranges[-1][1] if ranges else 0, "held": [list(r) for r in ranges],
                "gaps": [list(g) for g in self.open_gaps(station.code)],
                "quarantined": int(quarantined.get(station.code, 0)),
                "last_received_at": station.last_received_at,
            })
        return {
            "hub_fingerprint": self.fingerprint,
            "stations": stations,
            "totals": {
                "stations": len(stations), "batches": HubBatch.select().count(),
                "records": HubRecord.select().count(), "attachments": HubAttachment.select().count(),
                "quarantined": HubQuarantine.select().where(HubQuarantine.resolved_at.is_null()).count(),
            },
        }


def _accept_request_time(code: str, at: datetime) -> None:
    """Remember the newest enrolment request accepted for `code`; EnrolmentError for one that is
    not newer (a replay of a request already spent)."""
    key = f"enrolment_request_at:{code}"
    last = HubSetting.get_or_none(HubSetting.key == key)
    if last is not None and datetime.fromisoformat(last.value) >= at:
        raise EnrolmentError("该注册请求已使用过，请在站点重新发起注册", "this enrolment request was already used; enrol again from the station")
    HubSetting.insert(key=key, value=at.isoformat(timespec="microseconds")).on_conflict(
        conflict_target=[HubSetting.key], update={HubSetting.value: at.isoformat(timespec="microseconds")}).execute()


def packaged_catalog_versions() -> list[tuple[str, str]]:
    """Every (item code, version) of the packaged catalog, plus the station's built-in list."""
    versions = list(BUILTIN_CATALOG_VERSIONS)
    try:
        from forms import load_catalog

        catalog = load_catalog()
        versions += [(item.code, item.version) for code in catalog.codes() for item in catalog.versions(code)]
    except Exception as exc:  # a broken packaged catalog must not stop the hub from starting
        log.warning("packaged catalog not loaded: %s", type(exc).__name__)
    return versions


def initialise_hub(folder: Path, database_url: str | None = None, passphrase: bytes | None = None) -> HubStore:
    """`jiujin hub init`: keys (encrypted with `passphrase` if given), public key file, hub.toml
    and the database schema."""
    from sync.hub.config import DEFAULT_DATABASE

    HubFolder(folder).create(database_url or DEFAULT_DATABASE, passphrase)
    store = HubStore(folder)
    store.create_schema()
    return store


def _counts(query: Any) -> dict[str, int]:
    return {str(key): int(value) for key, value in tuples(query)}
