"""The station's tables (peewee models), bound late to the encrypted database.

Every schema change is a numbered migration in `migrations.py`; a test checks that these
models and the migrated schema agree.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from peewee import (
    AutoField,
    BlobField,
    CharField,
    DateField,
    FloatField,
    ForeignKeyField,
    IntegerField,
    Model,
    TextField,
)

from station.core.db import database


class BaseModel(Model):
    class Meta:
        database = database
        legacy_table_names = False


class Setting(BaseModel):
    """A station-wide value (schema version, audit head)."""

    key = CharField(primary_key=True)
    value = TextField()


class Station(BaseModel):
    """站点 — this service point; one row."""

    code = CharField(primary_key=True)
    name = CharField()
    point_type = CharField()
    district = CharField()
    signing_key = BlobField()  # Ed25519 private key (raw): receipts' QR codes and batches
    created_at = CharField()


class Operator(BaseModel):
    """工作人员 — a person who logs in; the role and status here are authoritative."""

    id = AutoField()
    name = CharField(unique=True)
    display_name = CharField()
    role = CharField()
    status = CharField(default="active")
    failure_count = IntegerField(default=0)
    locked_until = CharField(null=True)
    public_key = BlobField()
    created_at = CharField()
    updated_at = CharField()
    signing_key = BlobField(null=True)  # an admin's Ed25519 public key (signs operator rows)
    signer = CharField(null=True)  # hex Ed25519 key that signed this row (station.core.signatures)
    signature = CharField(null=True)


class Application(BaseModel):
    """办件 — one application, from draft to completion."""

    id = CharField(primary_key=True, max_length=36)  # UUIDv7
    receipt_number = CharField(null=True, unique=True)
    item_code = CharField()
    item_name = CharField()
    catalog_version = CharField()
    applicant_kind = CharField()  # person | business
    applicant_id = CharField(index=True)  # citizen ID number or unified social credit code
    applicant_name = CharField(index=True)
    representative_id = CharField(null=True, index=True)  # legal representative's ID number
    payload = TextField()  # JSON: the form's values
    provenance = TextField()  # JSON: field -> card | typed | scanned | shared_data
    materials = TextField(default="{}")  # JSON: material code -> status
    status = CharField()  # indexed only while open: application_open (migration 9)
    status_message = TextField(null=True)
    created_at = CharField()
    updated_at = CharField()
    submitted_at = CharField(null=True)
    day = DateField(null=True)  # local day of submission (queries by day read receipt-number ranges)
    due_date = DateField(null=True)
    rongque_deadline = DateField(null=True)
    content_hash = CharField(null=True)
    operator = ForeignKeyField(Operator, backref="applications", column_name="operator_id")
    case_id = CharField(null=True, max_length=36, index=True)  # 一件事: the case (UUIDv7) shared by a bundle's items
    bundle_code = CharField(null=True)  # 一件事: the bundle (HZ-YJS-NNN) the case files

    if TYPE_CHECKING:
        from collections.abc import Iterable

        attachments: Iterable[Attachment]


class Attachment(BaseModel):
    """附件 — a scanned or received document, stored inside the encrypted store."""

    id = AutoField()
    application = ForeignKeyField(Application, backref="attachments", on_delete="CASCADE")
    sha256 = CharField()
    media_type = CharField()
    content = BlobField()
    source = CharField()  # scan | upload | card
    material_code = CharField(null=True)
    created_at = CharField()

    class Meta:
        indexes = ((("application", "sha256"), True),)


class AuditEvent(BaseModel):
    """审计记录 — one link of the hash chain."""

    seq = IntegerField(primary_key=True)
    at = CharField()
    operator = CharField()
    action = CharField()
    subject = CharField()
    details = TextField()
    prev_hash = CharField()
    hash = CharField()


class OutboxEvent(BaseModel):
    """发件箱事件 — a state change waiting for the hub, numbered by the station's sequence."""

    seq = IntegerField(primary_key=True)
    kind = CharField()
    application_id = CharField(index=True)
    payload = TextField()
    at = CharField()
    audit_seq = IntegerField()
    audit_hash = CharField()
    acknowledged_at = CharField(null=True)


class SyncBatch(BaseModel):
    """同步批次 — a sealed outbox range and where it stands: sealed → sent → acknowledged.

    The sealed bytes are not kept: sealing is deterministic, so a resend reseals the
    range and checks that the batch id (the SHA-256 of the header) is unchanged.
    """

    batch_no = IntegerField(primary_key=True)
    first_seq = IntegerField()
    last_seq = IntegerField()
    record_count = IntegerField()
    batch_id = CharField(unique=True)
    prev_batch = CharField()
    body_sha256 = CharField()
    created_at = CharField()
    size = IntegerField()
    state = CharField(index=True)  # sealed | sent | acknowledged | quarantined
    transport = CharField(null=True)  # http | folder
    upload_url = CharField(null=True)  # the tus upload to resume
    sent_at = CharField(null=True)
    acknowledged_at = CharField(null=True)
    last_error = TextField(null=True)
    ack = TextField(null=True)  # the hub's signed acknowledgement, kept as proof


class SyncAttachment(BaseModel):
    """An attachment (by SHA-256) the hub is known to hold."""

    sha256 = CharField(primary_key=True)
    delivered_at = CharField()


class PrintJobRow(BaseModel):
    """打印任务 — a receipt print job not yet finished; its bytes hold personal data, so they
    live only in the encrypted store."""

    id = CharField(primary_key=True, max_length=64)
    title = CharField()
    state = CharField(index=True)
    payload = BlobField()
    created_at = FloatField()
    attempts = IntegerField()
    partial = IntegerField()
    problem = TextField(null=True)
    operator_reprints = IntegerField()

    class Meta:
        table_name = "print_job"


class CounterDraft(BaseModel):
    """What a counter draft holds besides its values: the tapped card and papers received."""

    application = ForeignKeyField(Application, primary_key=True, on_delete="CASCADE",
                                  column_name="application_id")
    card = TextField(null=True)  # JSON: the identity (ID number, name, card data if tapped)
    received = TextField()  # JSON: ids of materials handed over on paper
    updated_at = CharField()


class AmendmentDraft(BaseModel):
    """补正 in progress: the amended values and papers, kept until the amendment is sent, so
    that a lock, a crash or a power cut loses none of it."""

    application = ForeignKeyField(Application, primary_key=True, on_delete="CASCADE",
                                  column_name="application_id")
    payload = TextField()  # JSON: the values as entered
    received = TextField()  # JSON: ids of materials handed over on paper
    updated_at = CharField()

    class Meta:
        table_name = "amendment_draft"


class CaseRating(BaseModel):
    """好差评 given at this station (counter screen or kiosk): one per application."""

    application = ForeignKeyField(Application, primary_key=True, on_delete="CASCADE",
                                  column_name="application_id")
    level = IntegerField()  # 5 非常满意 … 1 非常不满意
    reasons = TextField()  # JSON list of reason codes (kernel.ratings)
    text = TextField()
    channel = CharField()  # counter | kiosk
    rated_at = CharField()
    recorded_by = CharField()  # the operator account whose session took it

    class Meta:
        table_name = "case_rating"


ALL_MODELS: list[type[BaseModel]] = [
    Setting,
    Station,
    Operator,
    Application,
    Attachment,
    AuditEvent,
    OutboxEvent,
    SyncBatch,
    SyncAttachment,
    PrintJobRow,
    CounterDraft,
    AmendmentDraft,
    CaseRating,
]

