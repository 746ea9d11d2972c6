"""Applications (办件): drafts, submission, void, amendment, and the queries the counter needs.

Every state change writes the application, its audit link and its outbox event in one
transaction. Drafts are local working copies: they are audited but not sent to the hub.
"""

from __future__ import annotations

import builtins
import hashlib
import json
from collections.abc import Callable, Collection, Iterable, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from enum import StrEnum
from typing import Any, NamedTuple, cast

import uuid_utils.compat as uuid_compat
from peewee import SQL, DateField, Expression, fn

from forms.results import MISSING_RONGQUE, PROVIDED
from kernel.canonical import canonical_json
from station.core import audit, outbox
from station.core.clock import Clock, local_day
from station.core.db import database, statement, write_transaction
from station.core.errors import InvalidTransition, NotFound, NothingToSupplement, ValidationFailed
from station.core.identity import is_valid_credit_code, is_valid_id_number, normalise_id_number
from station.core.migrations import OPEN_STATUSES
from station.core.models import Application, Attachment, Operator
from station.core.roles import Action, require
from station.core.session import Session


class Status(StrEnum):
    """申请状态 — the application lifecycle (DESIGN.md, Lifecycles)."""

    DRAFT = "draft"
    SUBMITTED = "submitted"  # 受理, receipt printed
    ACCEPTED_PENDING_MATERIALS = "accepted_pending_materials"  # 容缺受理
    DELIVERED = "delivered"  # the hub holds it
    ACCEPTED = "accepted"
    NEEDS_AMENDMENT = "needs_amendment"  # 补正
    AMENDED = "amended"
    REJECTED = "rejected"  # 不予受理
    COMPLETED = "completed"  # 办结
    RETURNED = "returned"  # 退回: the department sent it back to the point
    VOIDED = "voided"  # 作废


VOIDABLE = {Status.SUBMITTED, Status.ACCEPTED_PENDING_MATERIALS}
#: Statuses in which the point still works on an application (`migrations.OPEN_STATUSES`).
OPEN = frozenset({Status.DRAFT, Status.SUBMITTED, Status.ACCEPTED_PENDING_MATERIALS, Status.AMENDED,
                  Status.NEEDS_AMENDMENT, Status.RETURNED})


def receipt_range(station_code: str, first: date, last: date | None = None) -> tuple[str, str]:
    """The bounds of the receipt numbers of applications accepted from `first` to `last`
    (inclusive; to the newest when None). A receipt number is `CODE-YYYYMMDD-NNNN` and a
    station's code never changes, so its receipt numbers sort by day: one range of the
    receipt-number index finds any day's applications, and the day keeps no index of its own
    (one page fewer per submission)."""
    low = f"{station_code}-{first:%Y%m%d}-"
    high = f"{station_code}-{last:%Y%m%d}." if last is not None else f"{station_code}."  # '.' sorts after '-'
    return low, high


def accepted_between(station_code: str, first: date, last: date | None = None) -> Expression:
    """The applications accepted from `first` to `last` (drafts have no receipt number)."""
    low, high = receipt_range(station_code, first, last)
    return (Application.receipt_number >= low) & (Application.receipt_number < high)


def drafts_started(day: date) -> Expression:
    """The drafts started on `day`, read from `application_open` by when they were made."""
    return ((Application.status == Status.DRAFT) & open_only()
            & (Application.created_at >= day.isoformat())
            & (Application.created_at < (day + timedelta(days=1)).isoformat()))


def open_only() -> Expression:
    """The open applications, written as the WHERE term of their index (`application_open`),
    values inline: SQLite uses a partial index only for a query that repeats its term."""
    return Application.status.in_(SQL(OPEN_STATUSES))


#: Statuses in which a 容缺 application may still be waiting for its materials.
RONGQUE_OPEN = frozenset({Status.ACCEPTED_PENDING_MATERIALS, Status.DELIVERED, Status.ACCEPTED})
# Submission is the counter's hot path: fixed SQL, no query building.
#: An application's row for a state change, read column by column in the model's order.
_FIELDS = Application._meta.sorted_fields
_SELECT_BY_ID = f"SELECT {', '.join(f.column_name for f in _FIELDS)} FROM application WHERE id = ?"
_FIELD_NAMES = tuple(f.name for f in _FIELDS)
#: The only columns SQLite does not hand back as the model's own type (text, integers): the days.
_DAY_FIELDS = tuple((f.name, f.python_value) for f in _FIELDS if isinstance(f, DateField))
_SUBMIT_UPDATE = ("UPDATE application SET receipt_number = ?, status = ?, submitted_at = ?,"
                  " updated_at = ?, day = ?, due_date = ?, rongque_deadline = ?, content_hash = ?"
                  " WHERE id = ?")
PROVENANCE_KINDS = {"card", "typed", "scanned", "shared_data", "context", "computed"}


@dataclass(frozen=True)
class Applicant:
    """申请人 — a person by ID number, or a business by credit code with its representative."""

    kind: str  # person | business
    id_number: str  # citizen ID number, or unified social credit code for a business
    name: str
    representative_id: str | None = None


@dataclass(frozen=True)
class HubStatus:
    """A status the hub reports for one application (delivered, accepted, needs amendment...)."""

    application_id: str
    status: Status
    message: str | None = None


@dataclass(frozen=True)
class DraftInput:
    """What the counter has gathered for a draft."""

    item_code: str
    item_name: str
    catalog_version: str
    applicant: Applicant
    values: dict[str, Any] = field(default_factory=dict)
    provenance: dict[str, str] = field(default_factory=dict)
    materials: dict[str, str] = field(default_factory=dict)
    case_id: str | None = None  # 一件事: the case shared by a bundle's items (set once, at creation)
    bundle_code: str | None = None


class ApplicationService:
    """The counter's operations on applications; each checks the caller's role."""

    def __init__(self, clock: Clock, station_code: str) -> None:
        self.clock = clock
        self.station_code = station_code
        #: Called before a submission; raises to refuse it (the offline policy, offline_policy.check_accepting).
        self.accepting_guard: Callable[[], None] | None = None

    # -- drafts -----------------------------------------------------------------

    def create_draft(self, session: Session, draft: DraftInput) -> Application:
        """Start a new draft (草稿)."""
        require(session, Action.APPLICATION_CREATE)
        applicant = _checked_applicant(draft)
        now = self.clock()
        with write_transaction():
            app = Application.create(
                id=str(uuid_compat.uuid7()), item_code=draft.item_code, item_name=draft.item_name,
                catalog_version=draft.catalog_version, applicant_kind=applicant.kind,
                applicant_id=applicant.id_number, applicant_name=applicant.name,
                representative_id=applicant.representative_id,
                payload=_json(draft.values), provenance=_json(draft.provenance),
                materials=_json(draft.materials), status=Status.DRAFT,
                created_at=now.isoformat(), updated_at=now.isoformat(), operator=session.operator_id,
                case_id=draft.case_id, bundle_code=draft.bundle_code,
            )
            audit.append(now, session.operator_name, "application.draft_created", app.id,
                         {"item_code": draft.item_code})
        return app

    def update_draft(self, session: Session, app_id: str, draft: DraftInput) -> Application:
        """Replace a draft's content (autosave)."""
        require(session, Action.APPLICATION_CREATE)
        applicant = _checked_applicant(draft)
        with write_transaction():
            app = self._get_for_update(app_id)
            _expect(app, {Status.DRAFT}, "update")
            app.item_code, app.item_name = draft.item_code, draft.item_name
            app.catalog_version = draft.catalog_version
            app.applicant_kind, app.applicant_id = applicant.kind, applicant.id_number
            app.applicant_name, app.representative_id = applicant.name, applicant.representative_id
            app.payload, app.provenance = _json(draft.values), _json(draft.provenance)
            app.materials = _json(draft.materials)
            app.updated_at = self.clock().isoformat()
            app.save()
        return app

    def discard_draft(self, session: Session, app_id: str) -> None:
        """Delete a draft that will not be submitted."""
        require(session, Action.APPLICATION_CREATE)
        with write_transaction():
            app = self._get_for_update(app_id)
            _expect(app, {Status.DRAFT}, "discard")
            app.delete_instance(recursive=True)
            audit.append(self.clock(), session.operator_name, "application.draft_discarded", app_id)

    def attach(self, session: Session, app_id: str, content: bytes, media_type: str,
               source: str, material_code: str | None = None) -> Attachment:
        """Store a scanned document with a draft or an application awaiting amendment."""
        require(session, Action.APPLICATION_CREATE)
        digest = hashlib.sha256(content).hexdigest()
        with write_transaction():
            app = self._get_for_update(app_id)
            _expect(app, {Status.DRAFT, Status.NEEDS_AMENDMENT}, "attach")
            existing = Attachment.get_or_none(Attachment.application == app, Attachment.sha256 == digest)
            if existing is not None:
                return existing
            attachment = Attachment.create(
                application=app, sha256=digest, media_type=media_type, content=content,
                source=source, material_code=material_code, created_at=self.clock().isoformat())
            audit.append(self.clock(), session.operator_name, "application.attached", app_id,
                         {"sha256": digest, "material": material_code})
        return attachment

    # -- state changes ------------------------------------------------------------

    def submit(self, session: Session, app_id: str, *, due_date: date | None = None,
               rongque_deadline: date | None = None) -> Application:
        """受理: give the draft its receipt number, freeze it and queue it for the hub.

        With a 容缺 deadline the application is accepted pending minor materials.
        """
        require(session, Action.APPLICATION_SUBMIT)
        now = self.clock()
        with write_transaction():
            if self.accepting_guard is not None:  # inside: the limits hold for this very submission
                self.accepting_guard()
            app = self._get_for_update(app_id)
            _expect(app, {Status.DRAFT}, "submit")
            day = local_day(now)
            app.receipt_number = _next_receipt_number(self.station_code, day)
            app.status = Status.ACCEPTED_PENDING_MATERIALS if rongque_deadline else Status.SUBMITTED
            app.submitted_at = app.updated_at = now.isoformat()
            app.day, app.due_date, app.rongque_deadline = day, due_date, rongque_deadline
            attachments = attachment_hashes(app.id)
            content = _Content.of(app)
            app.content_hash = content_hash(app, attachments, content)
            statement(_SUBMIT_UPDATE, (
                app.receipt_number, app.status, app.submitted_at, app.updated_at, day,
                due_date, rongque_deadline, app.content_hash, app.id))
            self._record(session, now, "submitted", app, {"receipt_number": app.receipt_number},
                         attachments, content)
        return app

    def void(self, session: Session, app_id: str, reason: str) -> Application:
        """作废: a supervisor cancels an application the hub does not hold yet."""
        require(session, Action.APPLICATION_VOID)
        if not reason.strip():
            raise ValidationFailed({"reason": "作废须填写原因 / a reason is required"})
        now = self.clock()
        with write_transaction():
            app = self._get_for_update(app_id)
            _expect(app, VOIDABLE, "void")
            app.status, app.status_message, app.updated_at = Status.VOIDED, reason, now.isoformat()
            app.save()
            self._record(session, now, "voided", app, {"reason": reason})
        return app

    def amend(self, session: Session, app_id: str, values: dict[str, Any],
              provenance: dict[str, str], materials: dict[str, str] | None = None) -> Application:
        """补正: supply what the hub asked for, and send the amended content."""
        require(session, Action.APPLICATION_AMEND)
        now = self.clock()
        with write_transaction():
            app = self._get_for_update(app_id)
            _expect(app, {Status.NEEDS_AMENDMENT}, "amend")
            app.payload, app.provenance = _json(values), _json(provenance)
            if materials is not None:
                app.materials = _json(materials)
            app.status, app.updated_at = Status.AMENDED, now.isoformat()
            app.content_hash = content_hash(app, attachment_hashes(app.id))
            app.save()
            self._record(session, now, "amended", app, {})
        return app

    def supplement(self, session: Session, app_id: str, received: Collection[str]) -> Application:
        """补交: the 容缺 materials in `received` were handed in after acceptance. They count as
        provided from now on; once none is still owed, an application not yet at the hub
        leaves 容缺受理 for 已受理. The amended record goes to the hub (`supplemented`)."""
        require(session, Action.APPLICATION_SUPPLEMENT)
        now = self.clock()
        with write_transaction():
            app = self._get_for_update(app_id)
            materials = json.loads(app.materials)
            owed = deferred_materials(materials)
            if not app.rongque_deadline or not owed or str(app.status) not in RONGQUE_OPEN:
                raise NothingToSupplement()
            unknown = sorted(set(received) - set(owed))
            if unknown or not received:
                raise ValidationFailed({"materials": "只能补交容缺的材料 / only materials accepted under 容缺 "
                                                     f"can be handed in later: {', '.join(unknown) or '—'}"})
            materials.update({code: PROVIDED for code in received})
            app.materials = _json(materials)
            if not deferred_materials(materials) and app.status == Status.ACCEPTED_PENDING_MATERIALS:
                app.status = Status.SUBMITTED
            app.updated_at = now.isoformat()
            app.content_hash = content_hash(app, attachment_hashes(app.id))
            app.save()
            self._record(session, now, "supplemented", app,
                         {"materials": sorted(received), "owed": sorted(deferred_materials(materials))})
        return app

    def record_hub_status(self, session: Session, app_id: str, status: Status,
                          message: str | None = None) -> Application:
        """Apply a status the hub reported (delivered, accepted, needs amendment, ...)."""
        require(session, Action.SYNC_RUN)
        with write_transaction():
            app = self._get_for_update(app_id)
            if app.status in (Status.DRAFT, Status.VOIDED):
                raise InvalidTransition(f"hub status {status}", app.status)
            self.record_hub_statuses(session, [HubStatus(app_id, status, message)])
        return self._get_for_update(app_id)

    def record_hub_statuses(self, session: Session, updates: Sequence[HubStatus],
                            only_from: Collection[Status] | None = None) -> builtins.list[str]:
        """Apply many statuses the hub reported, in order, with a few set statements: one read
        of the rows, one update, one audit append. Call inside a short write transaction
        (`db.in_short_transactions`); the caller bounds how many.

        An application in a draft or voided, or unknown here, is left alone, as is one not in
        `only_from` when given. Returns the ids changed, in order (an id twice if it changed twice).
        """
        require(session, Action.SYNC_RUN)
        now = self.clock().isoformat()
        current = _statuses([u.application_id for u in updates])
        changed = [u for u in updates if current.get(u.application_id) not in (None, Status.DRAFT, Status.VOIDED)
                   and (only_from is None or current[u.application_id] in only_from)]
        if not changed:
            return []
        cursor = database.cursor()
        cursor.executemany(_HUB_STATUS, [(u.status, u.message, now, u.application_id) for u in changed])
        cursor.executemany(_DROP_AMENDMENT_DRAFT, [(u.application_id,) for u in changed
                                                   if u.status != Status.NEEDS_AMENDMENT])
        audit.append_many(self.clock(), session.operator_name,
                          [(f"application.hub_{u.status}", u.application_id) for u in changed])
        return [u.application_id for u in changed]

    # -- queries ------------------------------------------------------------------

    def get(self, session: Session, key: str) -> Application:
        """One application by id or receipt number."""
        require(session, Action.APPLICATION_VIEW)
        app = Application.get_or_none((Application.id == key) | (Application.receipt_number == key))
        if app is None:
            raise NotFound("找不到该申请", "no such application")
        return app

    def list(self, session: Session, *, day: date | None = None, status: str | None = None,
             item_code: str | None = None, operator: str | None = None,
             search: str | None = None, limit: int = 200) -> list[Application]:
        """Applications, the latest accepted first (drafts by when they were started), filtered as
        the counter's list screen asks.

        An open status or a search term narrows the list to few rows, found by their index and
        sorted here. Otherwise the accepted (of `day`, or of every day) are read down the
        receipt-number index, whose numbers sort as they were accepted, until `limit` match, and
        the open drafts beside them: neither a busy day nor years of history is read whole.
        """
        require(session, Action.APPLICATION_VIEW)
        query = Application.select(Application, Operator).join(Operator)
        if status:
            query = query.where(Application.status == status)
            if status in OPEN:
                query = query.where(open_only())
        if item_code:
            query = query.where(Application.item_code == item_code)
        if operator:
            query = query.where(Operator.name == operator)
        if search:
            term = search.strip()
            query = query.where((Application.applicant_id == normalise_id_number(term))
                                | (Application.receipt_number == term)
                                | (Application.applicant_name == term))
        if search or status in OPEN:
            if day is not None:
                query = query.where(accepted_between(self.station_code, day, day) | drafts_started(day))
            accepted_at = fn.COALESCE(Application.submitted_at, Application.created_at)
            return builtins.list(query.order_by(accepted_at.desc(), Application.created_at.desc(),
                                                Application.receipt_number.desc()).limit(limit))
        accepted = (accepted_between(self.station_code, day, day) if day is not None
                    else Application.receipt_number.is_null(False))
        found = builtins.list(query.where(accepted).order_by(Application.receipt_number.desc()).limit(limit))
        if not status:
            drafts = drafts_started(day) if day is not None else (Application.status == Status.DRAFT) & open_only()
            found.extend(query.where(drafts).order_by(Application.created_at.desc()).limit(limit))
        found.sort(key=lambda a: (a.submitted_at or a.created_at, a.created_at, a.receipt_number or ""),
                   reverse=True)
        return found[:limit]

    def owing_materials(self, session: Session, limit: int = 20) -> builtins.list[Application]:
        """Applications accepted under 容缺 still waiting for a material (补交), the nearest
        deadline first: the counter's open work beside the hub's amendment requests."""
        require(session, Action.APPLICATION_VIEW)
        query = (Application.select()
                 .where(Application.rongque_deadline.is_null(False),
                        Application.status.in_(sorted(RONGQUE_OPEN)),
                        Application.materials.contains(f'"{MISSING_RONGQUE}"'))
                 .order_by(Application.rongque_deadline, Application.submitted_at))
        return [app for app in query.limit(limit) if owes_materials(app)]

    def find_by_id_number(self, session: Session, id_number: str) -> builtins.list[Application]:
        """Every application of one applicant (or of a business's representative)."""
        require(session, Action.APPLICATION_VIEW)
        number = normalise_id_number(id_number)
        query = Application.select().where(
            (Application.applicant_id == number) | (Application.representative_id == number))
        return list(query.order_by(Application.created_at.desc()))

    def counts_for_day(self, session: Session, day: date) -> dict[str, int]:
        """Status -> count of the day's applications (drafts by creation day)."""
        require(session, Action.APPLICATION_VIEW)
        query = (Application.select(Application.status, fn.COUNT(Application.id))
                 .where(accepted_between(self.station_code, day, day) | drafts_started(day))
                 .group_by(Application.status).tuples())
        rows = cast(Iterable[tuple[str, int]], query)
        return {str(status): int(count) for status, count in rows}

    # -- helpers ------------------------------------------------------------------

    def _get_for_update(self, app_id: str) -> Application:
        row = statement(_SELECT_BY_ID, (app_id,)).fetchone()
        if row is None:
            raise NotFound("找不到该申请", "no such application")
        # What peewee's own reader builds (a clean instance: nothing dirty), at a fraction of
        # its cost on the submit path.
        data = dict(zip(_FIELD_NAMES, row, strict=True))
        for name, python_value in _DAY_FIELDS:
            if data[name] is not None:
                data[name] = python_value(data[name])
        app = Application(__no_default__=1)
        app.__data__ = data
        return app

    def _record(self, session: Session, now: datetime, kind: str, app: Application,
                details: dict[str, Any], attachments: builtins.list[str] | None = None,
                content: _Content | None = None) -> None:
        link = audit.append(now, session.operator_name, f"application.{kind}", app.id, details, anchored=True)
        hashes = attachment_hashes(app.id) if attachments is None else attachments
        record = snapshot(app, self.station_code, session.operator_name, hashes, content)
        outbox.append(now, kind, app.id, record, link)


def snapshot(app: Application, station_code: str, operator_name: str,
             attachments: list[str], content: _Content | None = None) -> dict[str, Any]:
    """The complete, self-contained record of an application that travels to the hub; an item of
    a 一件事 carries its case as `case` = {"id", "bundle"} (other records have no such key).
    `content`: the application's stored JSON as already read (else it is read here)."""
    if content is None:
        content = _Content.of(app)
    record: dict[str, Any] = {
        "id": app.id,
        "station": station_code,
        "receipt_number": app.receipt_number,
        "item_code": app.item_code,
        "item_name": app.item_name,
        "catalog_version": app.catalog_version,
        "applicant": {"kind": app.applicant_kind, "id": app.applicant_id,
                      "name": app.applicant_name, "representative_id": app.representative_id},
        "values": content.values,
        "provenance": json.loads(app.provenance),
        "materials": content.materials,
        "attachments": attachments,
        "status": str(app.status),
        "status_message": app.status_message,
        "submitted_at": app.submitted_at,
        "day": _iso(app.day),
        "due_date": _iso(app.due_date),
        "rongque_deadline": _iso(app.rongque_deadline),
        "operator": operator_name,
        "content_hash": app.content_hash,
    }
    if app.case_id:
        record["case"] = {"id": app.case_id, "bundle": app.bundle_code}
    return record


def deferred_materials(materials: dict[str, str]) -> list[str]:
    """The materials accepted under 容缺 and not handed in yet, in the form's order."""
    return [code for code, status in materials.items() if status == MISSING_RONGQUE]


def owes_materials(app: Application) -> bool:
    """True while an application accepted under 容缺 still waits for a material (补交)."""
    return (bool(app.rongque_deadline) and str(app.status) in RONGQUE_OPEN
            and bool(deferred_materials(json.loads(app.materials))))


def content_hash(app: Application, attachments: list[str], content: _Content | None = None) -> str:
    """SHA-256 over what the applicant submitted: the frozen content of the application.
    `content`: the application's stored JSON as already read (else it is read here)."""
    if content is None:
        content = _Content.of(app)
    frozen = {
        "item_code": app.item_code, "catalog_version": app.catalog_version,
        "applicant": [app.applicant_kind, app.applicant_id, app.applicant_name, app.representative_id],
        "values": content.values, "materials": content.materials,
        "attachments": attachments,
    }
    return hashlib.sha256(canonical_json(frozen)).hexdigest()


class _Content(NamedTuple):
    """An application's form values and materials, read once from their stored JSON for both its
    content hash and its snapshot (a submission needs the two)."""

    values: dict[str, Any]
    materials: dict[str, Any]

    @classmethod
    def of(cls, app: Application) -> _Content:
        return cls(json.loads(app.payload), json.loads(app.materials))


def attachment_hashes(app_id: str) -> list[str]:
    """The SHA-256 of each attachment of an application, sorted."""
    rows = statement(_ATTACHMENT_HASHES, (app_id,)).fetchall()
    return [str(row[0]) for row in rows]


_DROP_AMENDMENT_DRAFT = "DELETE FROM amendment_draft WHERE application_id = ?"
_HUB_STATUS = "UPDATE application SET status = ?, status_message = ?, updated_at = ? WHERE id = ?"
#: SQLite's default limit on one statement's parameters is 999 (older builds) or 32766.
_IDS_PER_QUERY = 500
_ATTACHMENT_HASHES = "SELECT sha256 FROM attachment WHERE application_id = ? ORDER BY sha256"
#: The day's last number, from the receipt index: receipt numbers are never deleted (voiding and
#: retention keep them), and the write transaction is IMMEDIATE, so no two submissions read
#: the same last number. Numbers are four digits, so the greatest string is the greatest
#: number, one index step; past 9999 in a day the wider numbers are compared as integers.
_LAST_RECEIPT = ("SELECT receipt_number FROM application WHERE receipt_number >= ? AND receipt_number < ?"
                 " ORDER BY receipt_number DESC LIMIT 1")
_LAST_WIDE_RECEIPT = ("SELECT MAX(CAST(substr(receipt_number, ?) AS INTEGER)) FROM application"
                      " WHERE receipt_number >= ? AND receipt_number < ?")


def _next_receipt_number(station_code: str, day: date) -> str:
    bounds = receipt_range(station_code, day, day)  # every receipt number of the day sorts between these
    prefix = bounds[0]
    row = statement(_LAST_RECEIPT, bounds).fetchone()
    last = int(str(row[0])[len(prefix):]) if row else 0
    if last >= 9999:
        last = int(statement(_LAST_WIDE_RECEIPT, (len(prefix) + 1, *bounds)).fetchone()[0])
    return f"{prefix}{last + 1:04d}"


def _checked_applicant(draft: DraftInput) -> Applicant:
    applicant = draft.applicant
    errors: dict[str, str] = {}
    number = normalise_id_number(applicant.id_number)
    if applicant.kind == "person" and not is_valid_id_number(number):
        errors["applicant.id_number"] = "身份证号码无效 / invalid citizen ID number"
    elif applicant.kind == "business":
        if not is_valid_credit_code(number):
            errors["applicant.id_number"] = "统一社会信用代码无效 / invalid credit code"
        if not applicant.representative_id or not is_valid_id_number(applicant.representative_id):
            errors["applicant.representative_id"] = "法定代表人身份证号码无效 / invalid representative ID"
    elif applicant.kind not in ("person", "business"):
        errors["applicant.kind"] = "申请人类型无效 / unknown applicant kind"
    if not applicant.name.strip():
        errors["applicant.name"] = "请填写申请人姓名 / the applicant's name is required"
    if not draft.item_code:
        errors["item_code"] = "请选择办理事项 / choose a service"
    bad = {k: v for k, v in draft.provenance.items() if v not in PROVENANCE_KINDS}
    if bad:
        errors["provenance"] = f"未知来源 / unknown provenance: {sorted(set(bad.values()))}"
    if errors:
        raise ValidationFailed(errors)
    rep = normalise_id_number(applicant.representative_id) if applicant.representative_id else None
    return Applicant(applicant.kind, number, applicant.name.strip(), rep)


def _expect(app: Application, allowed: set[Status], action: str) -> None:
    if app.status not in allowed:
        raise InvalidTransition(action, app.status)


def _json(value: Any) -> str:
    return canonical_json(value).decode("utf-8")


def _iso(value: date | str | None) -> str | None:
    return value.isoformat() if isinstance(value, date) else value


def _statuses(app_ids: Sequence[str]) -> dict[str, str]:
    """id -> status of the applications among `app_ids` that exist."""
    found: dict[str, str] = {}
    unique = sorted(set(app_ids))
    for start in range(0, len(unique), _IDS_PER_QUERY):
        part = unique[start:start + _IDS_PER_QUERY]
        query = f"SELECT id, status FROM application WHERE id IN ({', '.join('?' * len(part))})"
        found.update((str(i), str(s)) for i, s in database.execute_sql(query, part).fetchall())
    return found
