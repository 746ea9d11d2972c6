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
    bundle_seen = IntegerField(null=True)  # the newest bundle version the station said it holds
    bundle_seen_at = CharField(null=True)


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
    rongque = IntegerField(default=0)  # 1 when accepted with 容缺 (a deadline for missing materials)
    proxy = IntegerField(default=0)  # 1 when filed by an agent on the applicant's behalf (代办)
    content_hash = CharField(default="")
    last_seq = BigIntegerField(default=0)
    case_id = CharField(null=True, max_length=36, index=True)  # 一件事: the case its items share
    bundle_code = CharField(null=True)  # 一件事: HZ-YJS-NNN

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


class HubWatchSample(HubModel):
    """One reading of a station's backlog by the hub's watch, to tell a backlog that grows."""

    id = AutoField()
    station = CharField(max_length=16)
    at = CharField()
    backlog = BigIntegerField()

    class Meta:
        indexes = ((("station", "at"), False),)


class HubOperator(HubModel):
    """中心操作员 — a person who may read the hub's watch page; only a hash of the access key is kept."""

    name = CharField(primary_key=True, max_length=32)
    key_hash = CharField(max_length=64)  # SHA-256 of a 192-bit random access key
    created_at = CharField()
    disabled_at = CharField(null=True)


class HubDepartment(HubModel):
    """部门 — a deciding department (公安, 人社, 民政…) by its catalog slug, active or revoked."""

    code = CharField(primary_key=True, max_length=32)  # the catalog's department slug, e.g. police
    name = CharField(default="")
    status = CharField(default="active")  # active | revoked
    created_at = CharField()
    revoked_at = CharField(null=True)


class HubDepartmentKey(HubModel):
    """A department credential (signed token) by its key id, with the item codes it may see."""

    kid = CharField(primary_key=True, max_length=32)
    department = CharField(max_length=32, index=True)
    label = CharField(default="")
    items = TextField(default="[]")  # JSON list of item codes; [] means every item of the department
    created_at = CharField()
    expires_at = CharField()
    revoked_at = CharField(null=True)


class HubCase(HubModel):
    """办件 at the department — one application in a deciding department's queue (`sync.hub.cases`)."""

    id = AutoField()  # the listing cursor
    application_id = CharField(unique=True, max_length=36)
    department = CharField(max_length=32)
    item_code = CharField()
    catalog_version = CharField(default="")
    station = CharField(max_length=16)
    receipt_number = CharField(default="")
    status = CharField()  # sync.hub.cases.CaseStatus
    officer = CharField(null=True)  # 经办人 who claimed it
    received_at = CharField()
    claimed_at = CharField(null=True)
    accepted_at = CharField(null=True)
    decided_at = CharField(null=True)
    start_day = CharField(max_length=10)  # the day the point accepted it; time limits count from here
    promised_days = IntegerField(null=True)
    promised_unit = CharField(default="working_days")
    legal_days = IntegerField(null=True)
    legal_unit = CharField(default="working_days")
    promised_due = CharField(null=True, max_length=10)
    legal_due = CharField(null=True, max_length=10)
    paused_since = CharField(null=True, max_length=10)  # 补正 asked on this day; the clock stands still
    paused_working_days = IntegerField(default=0)
    paused_calendar_days = IntegerField(default=0)
    amendment_deadline = CharField(null=True, max_length=10)
    amended_seq = BigIntegerField(default=0)  # the station record that last brought 补交
    closed_on = CharField(null=True, max_length=10)
    on_time = IntegerField(null=True)
    decision = TextField(default="{}")  # JSON: the latest decision's details

    class Meta:
        indexes = ((("department", "status", "id"), False), (("department", "promised_due"), False))


class HubCaseEvent(HubModel):
    """One step of a case (claim, 受理确认, 补正, 补交, 办结…), idempotent on (department, request id)."""

    id = AutoField()
    application_id = CharField(max_length=36, index=True)
    department = CharField(max_length=32)
    request_id = CharField(null=True, max_length=64)
    step = CharField()
    at = CharField()
    officer = CharField(default="")
    details = TextField(default="{}")
    request_sha256 = CharField(default="", max_length=64)
    answer = TextField(default="{}")

    class Meta:
        indexes = ((("department", "request_id"), True),)


class HubWebhook(HubModel):
    """A department system the hub pushes new cases and steps to, signed with a shared secret."""

    department = CharField(primary_key=True, max_length=32)
    url = CharField(max_length=500)
    secret = CharField(max_length=128)
    created_at = CharField()


class HubWebhookDelivery(HubModel):
    """One event owed to a department's webhook: delivered, or waiting for its next attempt."""

    id = AutoField()
    department = CharField(max_length=32)
    event = TextField()  # the JSON body, as signed
    attempts = IntegerField(default=0)
    next_at = CharField()
    delivered_at = CharField(null=True)
    last_error = CharField(default="")

    class Meta:
        indexes = ((("delivered_at", "next_at"), False),)


class HubCaseStep(HubModel):
    """A department's decision on a case, as the citizens' page shows it: 受理, 补正 (what to
    bring and by when), 办结 (how to collect) or 不予受理, with its date."""

    id = AutoField()
    application_id = CharField(max_length=36, index=True)
    status = CharField()
    message = TextField(default="")
    deadline = CharField(null=True)  # 补正: bring it by this day
    at = CharField()


class HubCaseKey(HubModel):
    """What finds a case without its QR code: the receipt number, and a digest of the last four
    characters of the applicant's ID number (never the digits themselves)."""

    receipt_number = CharField(primary_key=True, max_length=32)
    application_id = CharField(max_length=36, unique=True)
    station = CharField(max_length=16)
    id_tail_digest = CharField(max_length=64)


class HubRating(HubModel):
    """好差评 — the one rating of a case, from the phone page or carried up from a station."""

    application_id = CharField(primary_key=True, max_length=36)
    station = CharField(max_length=16, index=True)
    operator = CharField(default="")  # the station operator who accepted the case
    level = IntegerField()  # 5 非常满意 … 1 非常不满意
    reasons = TextField(default="[]")  # JSON list of reason codes (kernel.ratings)
    text = TextField(default="")
    channel = CharField()  # web | counter | kiosk
    rated_at = CharField(index=True)
    received_at = CharField()


class HubFollowUp(HubModel):
    """差评整改 — the follow-up a bad rating opens: due in 15 working days, answered to the citizen."""

    id = AutoField()
    application_id = CharField(max_length=36, unique=True)
    station = CharField(max_length=16, index=True)
    opened_at = CharField()
    due_on = CharField(max_length=10)
    reply = TextField(null=True)
    replied_at = CharField(null=True)
    replied_by = CharField(null=True)


class HubLookupAttempt(HubModel):
    """One attempt to find a case by receipt number, kept for the rate limits: the bucket is a
    keyed digest of the client's address or of the receipt number, never the value itself."""

    id = AutoField()
    bucket = CharField(max_length=64)
    at = CharField()

    class Meta:
        indexes = ((("bucket", "at"), False),)


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
    HubWatchSample, HubOperator,
    HubDepartment, HubDepartmentKey, HubCase, HubCaseEvent, HubWebhook, HubWebhookDelivery,
    HubCaseStep, HubCaseKey, HubRating, HubFollowUp, HubLookupAttempt,
    HubManifestStale, HubLedgerSeen,
]
