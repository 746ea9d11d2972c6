"""The hub's tables (peewee), the same on SQLite and PostgreSQL, bound late to `db.database`."""

from __future__ import annotations

from peewee import (
    AutoField,
    BigIntegerField,
    BlobField,
    CharField,
    IntegerField,
    Model,
    TextField,
)

from sync.hub.db import database


class HubModel(Model):
    class Meta:
        database = database
        legacy_table_names = False


class HubSetting(HubModel):
    """A hub-wide value (schema version)."""

    key = CharField(primary_key=True)
    value = TextField()


class HubStation(HubModel):
    """站点 — a station the hub knows: pending (token issued), active, or revoked.

    District, point type and town are registered at the hub (`jiujin hub station add`) and
    attribute every application the station sends; `release` is the Jiujin release the
    station last reported.
    """

    code = CharField(primary_key=True, max_length=16)
    name = CharField(default="")
    district = CharField(default="")  # GB/T 2260 county code, e.g. 330106
    point_type = CharField(default="")  # village | community | police | bank
    town = CharField(default="")  # 9-digit town (乡镇街道) code, or ""
    release = CharField(default="")
    release_seen_at = CharField(null=True)
    status = CharField(default="pending")
    signing_public_key = BlobField(null=True)  # Ed25519, raw
    token_hash = CharField(null=True)  # SHA-256 of the one-time enrolment token
    token_expires_at = CharField(null=True)
    credential_hash = CharField(null=True)  # SHA-256 of the station's upload credential
    created_at = CharField()
    enrolled_at = CharField(null=True)
    revoked_at = CharField(null=True)
    last_received_at = CharField(null=True)


class HubBatch(HubModel):
    """批次 — a batch the hub has stored (its id is the SHA-256 of its header)."""

    id = AutoField()
    batch_id = CharField(unique=True, max_length=64)
    station = CharField(max_length=16)
    batch_no = IntegerField()
    first_seq = BigIntegerField()
    last_seq = BigIntegerField()
    count = IntegerField()
    prev_batch = CharField(max_length=64)
    body_sha256 = CharField(max_length=64)
    created_at = CharField()
    received_at = CharField()
    via = CharField()
    new_records = IntegerField()
    audit_seq = BigIntegerField()
    audit_hash = CharField(max_length=64)

    class Meta:
        indexes = ((("station", "batch_no"), False), (("station", "last_seq"), False))


class HubRecord(HubModel):
    """One outbox event of one station, stored once: unique on (station, seq)."""

    id = AutoField()
    station = CharField(max_length=16)
    seq = BigIntegerField()
    kind = CharField()
    application_id = CharField(max_length=36, index=True)
    at = CharField()
    audit_seq = BigIntegerField()
    audit_hash = CharField(max_length=64)
    record_sha256 = CharField(max_length=64)
    record = TextField()  # the outbox entry's canonical JSON line, as signed: {"record": snapshot, ...}
    batch_id = CharField(max_length=64)

    class Meta:
        indexes = ((("station", "seq"), True),)


class HubRange(HubModel):
    """The per-station ledger: contiguous runs of sequence numbers the hub holds."""

    id = AutoField()
    station = CharField(max_length=16)
    first_seq = BigIntegerField()
    last_seq = BigIntegerField()

    class Meta:
        indexes = ((("station", "first_seq"), True),)


class HubGap(HubModel):
    """缺号 — sequence numbers missing below the highest received, and when they filled."""

    id = AutoField()
    station = CharField(max_length=16, index=True)
    first_seq = BigIntegerField()
    last_seq = BigIntegerField()
    detected_at = CharField()
    filled_at = CharField(null=True)


class HubQuarantine(HubModel):
    """隔离区 — an object that failed a check, kept with its reason; never dropped."""

    id = AutoField()
    received_at = CharField()
    via = CharField()
    station = CharField(null=True, max_length=64)  # as claimed by the header, if readable
    object_id = CharField(null=True, max_length=64)
    reason = CharField()
    message_zh = TextField()
    message_en = TextField()
    sha256 = CharField(max_length=64, index=True)
    size = BigIntegerField()
    data = BlobField()
    resolved_at = CharField(null=True)


class HubAttachment(HubModel):
    """附件 — a document by the SHA-256 of its bytes, kept as the sealed object received."""

    sha256 = CharField(primary_key=True, max_length=64)
    station = CharField(max_length=16)
    media_type = CharField()
    size = BigIntegerField()
    sealed = BlobField()
    received_at = CharField()


class HubUpload(HubModel):
    """A tus upload in progress or finished; its bytes are in HubUploadChunk."""

    id = CharField(primary_key=True, max_length=32)
    station = CharField(max_length=16, index=True)
    length = BigIntegerField()
    offset = BigIntegerField(default=0)
    metadata = TextField(default="")
    created_at = CharField()
    completed_at = CharField(null=True)
    result = TextField(null=True)  # JSON: what ingest made of it


class HubUploadChunk(HubModel):
    """A run of an upload's bytes, stored as it arrived."""

    id = AutoField()
    upload = CharField(max_length=32)
    offset = BigIntegerField()
    data = BlobField()

    class Meta:
        indexes = ((("upload", "offset"), True),)


class HubCatalogVersion(HubModel):
    """An item version the hub can validate: `<code>@<version>`; code `*` for any item."""

    code = CharField()
    version = CharField()

    class Meta:
        indexes = ((("code", "version"), True),)


class HubManifest(HubModel):
    """日终清单 — a station's signed manifest of one day and what the hub found comparing it."""

    id = AutoField()
    station = CharField(max_length=16)
    day = CharField(max_length=10)
    signed = TextField()
    digest = CharField(max_length=64)
    received_at = CharField()
    via = CharField()
    verdict = CharField(default="pending")  # agreed | discrepant | pending
    discrepancies = TextField(default="{}")  # JSON
    compared_at = CharField(null=True)
    reconciled_at = CharField(null=True)
    reconciled_by = CharField(null=True)

    class Meta:
        indexes = ((("station", "day"), True),)


class HubBundle(HubModel):
    """下行包 — a signed bundle for one station; versions increase per station."""

    id = AutoField()
    station = CharField(max_length=16)
    version = IntegerField()
    kind = CharField()
    signed = TextField()
    created_at = CharField()
    expires_at = CharField()

    class Meta:
        indexes = ((("station", "version"), True),)


class HubAction(HubModel):
    """The hub's audit of operators' actions: resend requests, quarantine decisions, reconciliations."""

    id = AutoField()
    at = CharField()
    operator = CharField()
    action = CharField()
    station = CharField(null=True, max_length=16)
    subject = CharField(default="")
    details = TextField(default="{}")


class HubApplication(HubModel):
    """One row per application (the city report's `hub_application`), derived from the records
    by `reconcile.refresh_applications`; `content_hash` and `last_seq` serve the day manifests."""

    id = CharField(primary_key=True, max_length=36)
    station = CharField(max_length=16)
    district = CharField(default="")
    point_type = CharField(default="")
    item_code = CharField()
    day = CharField(max_length=10)
    status = CharField()
    card_only = IntegerField(default=0)
    due_date = CharField(null=True)
    completed_on = CharField(null=True)
    amendments = IntegerField(default=0)
    content_hash = CharField(default="")
    last_seq = BigIntegerField(default=0)

    class Meta:
        table_name = "hub_application"
        indexes = ((("station", "day"), False),)


class HubManifestIndex(HubModel):
    """A day manifest's outbox span and count, written beside it so reconciliation runs in SQL."""

    manifest = IntegerField(primary_key=True)  # HubManifest.id
    station = CharField(max_length=16, index=True)
    day = CharField(max_length=10)
    count = IntegerField()
    outbox_first = BigIntegerField(null=True)
    outbox_last = BigIntegerField(null=True)


class HubManifestEntry(HubModel):
    """One line of a day manifest: an application id and the content hash the station holds."""

    id = AutoField()
    manifest = IntegerField()  # HubManifest.id
    application_id = CharField(max_length=36, index=True)  # which manifests list an application
    content_hash = CharField(max_length=64)

    class Meta:
        indexes = ((("manifest", "application_id"), True),)


class HubAnchor(HubModel):
    """审计锚点 — a position of a station's audit chain the hub has witnessed: the head each sync
    round reports (`sync.anchors`) and the head in each batch's header. The first hash received
    for a position is kept; another one later is a divergence."""

    id = AutoField()
    station = CharField(max_length=16)
    seq = BigIntegerField()
    hash = CharField(max_length=64)
    station_at = CharField()  # the station's clock when it made the anchor (orders them)
    received_at = CharField()
    source = CharField()  # round | batch
    via = CharField()

    class Meta:
        indexes = ((("station", "seq"), True),)


class HubAnchorDivergence(HubModel):
    """审计链分歧 — a station's audit chain that disagrees with what the hub witnessed: a head behind
    an earlier one (`backwards`), another hash at a held position (`rewritten`), or the
    station's own report that its chain no longer holds the hub's anchor (`reported`).
    Open until a hub operator resolves it; `jiujin hub station divergences`, the console."""

    id = AutoField()
    station = CharField(max_length=16, index=True)
    detected_at = CharField()
    kind = CharField()  # backwards | rewritten | reported
    seq = BigIntegerField()  # the position compared
    held_seq = BigIntegerField(null=True)  # the hub's anchor it was compared with
    held_hash = CharField(max_length=64, null=True)
    received_hash = CharField(max_length=64, null=True)  # null: the station no longer has that event
    source = CharField()  # round | batch
    via = CharField()
    resolved_at = CharField(null=True)
    resolved_by = CharField(null=True)


class HubRecoveryCopy(HubModel):
    """恢复副本 — a station's newest recovery copy (`station.recovery`: its database key and
    recovery signer sealed to the hub's key), received at enrolment and with each sync round,
    so that a hub operator can hand it back when the PC and every stick are gone."""

    station = CharField(primary_key=True, max_length=16)
    copy = TextField()  # the recovery copy's JSON, as the station made it
    station_at = CharField()
    received_at = CharField()
    via = CharField()


class HubManifestStale(HubModel):
    """An open manifest to compare again at the next reconciliation: something it depends on
    changed since it was last compared (an application of its station and day, a line's
    application, or its station's held sequence numbers). Marks are numbered so that a run
    clears only those it saw."""

    id = AutoField()
    manifest = IntegerField()


class HubLedgerSeen(HubModel):
    """A station's held sequence numbers as the last reconciliation saw them (JSON runs), to
    find whose ledger changed since."""

    station = CharField(primary_key=True, max_length=16)
    held = TextField()


ALL_MODELS: list[type[HubModel]] = [
    HubSetting, HubStation, HubBatch, HubRecord, HubRange, HubGap, HubQuarantine,
    HubAttachment, HubUpload, HubUploadChunk, HubCatalogVersion, HubManifest, HubBundle, HubAction,
    HubApplication, HubManifestIndex, HubManifestEntry, HubAnchor, HubAnchorDivergence, HubRecoveryCopy,
    HubManifestStale, HubLedgerSeen,
]
