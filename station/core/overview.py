"""The counter's overview for the home screen: today's figures, open work, the outbox."""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from datetime import date, tzinfo
from typing import Any

from peewee import SQL

from forms import Item, Text
from forms.display import field_rows
from kernel.masking import mask_id
from station.core import outbox
from station.core.applications import Status, deferred_materials, owes_materials
from station.core.clock import CST, local_day, local_time
from station.core.migrations import SUBMITTED_ACTION
from station.core.models import Application, AuditEvent, Operator, OutboxEvent
from station.core.offline_policy import last_contact
from station.core.roles import Action, allowed
from station.core.session import Session
from station.core.store import StationStore


@dataclass(frozen=True)
class ApplicationRow:
    """One application as lists show it: the ID number already masked."""

    id: str
    receipt_number: str
    status: str
    item_code: str
    item_name: str
    applicant_name: str
    masked_id: str
    updated_at: str  # when it was accepted, or last changed while a draft
    operator: str = ""
    rongque: bool = False  # accepted with materials still to follow (容缺)
    deadline: str = ""  # the day those materials are due (补交), while one is owed


@dataclass(frozen=True)
class CounterOverview:
    """What the home screen shows."""

    day: date
    counts: dict[str, int]
    drafts: list[ApplicationRow]
    awaiting_amendment: list[ApplicationRow]
    owing_materials: list[ApplicationRow]  # 容缺 materials still to be handed in (补交)
    outbox_depth: int
    last_hub_contact: str | None
    hub_url: str


def row(app: Application, operator: str = "", zone: tzinfo = CST) -> ApplicationRow:
    """The list form of an application, its time on the station's clock (`zone`)."""
    owes = owes_materials(app)
    return ApplicationRow(str(app.id), app.receipt_number or "", str(app.status), str(app.item_code),
                          str(app.item_name), str(app.applicant_name), mask_id(str(app.applicant_id)),
                          local_time(str(app.submitted_at or app.updated_at), zone), operator,
                          owes, str(app.rongque_deadline) if owes else "")


def counter_overview(store: StationStore, session: Session) -> CounterOverview:
    """Today's counts, drafts to continue, amendments asked for, materials owed, the outbox."""
    day = local_day(store.clock())
    if not allowed(session.role, Action.APPLICATION_VIEW):
        return CounterOverview(day, {}, [], [], [], outbox.depth(), last_hub_contact(store.config.zone),
                               store.config.hub_url)
    applications = store.applications
    counts = applications.counts_for_day(session, day)
    zone = store.config.zone
    drafts = [row(a, str(a.operator.name), zone) for a in applications.list(session, status=Status.DRAFT, limit=20)]
    amend = [row(a, zone=zone) for a in applications.list(session, status=Status.NEEDS_AMENDMENT, limit=20)]
    owing = [row(a, zone=zone) for a in applications.owing_materials(session)]
    return CounterOverview(day, counts, drafts, amend, owing, outbox.depth(), last_hub_contact(zone),
                           store.config.hub_url)


def last_hub_contact(zone: tzinfo = CST) -> str | None:
    """When the hub last answered this station (an acknowledgement or a bundle), on the
    station's clock."""
    found = last_contact()
    return local_time(found, zone) if found else None


@dataclass(frozen=True)
class ListFilters:
    """The applications list's filters; empty means any."""

    today_only: bool = True
    status: str = ""
    item_code: str = ""
    operator: str = ""
    search: str = ""


def application_rows(store: StationStore, session: Session, filters: ListFilters) -> list[ApplicationRow]:
    """Applications matching the filters, newest first, ID numbers masked."""
    day = local_day(store.clock()) if filters.today_only else None
    found = store.applications.list(session, day=day, status=filters.status or None,
                                     item_code=filters.item_code or None,
                                     operator=filters.operator or None, search=filters.search or None)
    return [row(app, str(app.operator.name), store.config.zone) for app in found]


def operator_names(session: Session) -> list[tuple[str, str]]:
    """(name, display name) of everyone who has filed an application here."""
    if not allowed(session.role, Action.APPLICATION_VIEW):
        return []
    query = (Operator.select(Operator.name, Operator.display_name).join(Application)
             .distinct().order_by(Operator.name))
    return [(str(o.name), str(o.display_name)) for o in query]


@dataclass(frozen=True)
class HistoryEntry:
    """One event in an application's life, local and from the hub."""

    at: str
    action: str
    operator: str
    detail: str = ""


def application_history(session: Session, app_id: str, zone: tzinfo = CST) -> list[HistoryEntry]:
    """What happened to an application, on the station's clock: the audit trail, then whether
    the hub holds it.

    The trail is read by subject (`audit_event_subject`), which leaves the submissions out; a
    submission's audit link is found through its outbox event, which names it.
    """
    if not allowed(session.role, Action.APPLICATION_VIEW):
        return []
    events = list(OutboxEvent.select(OutboxEvent.kind, OutboxEvent.audit_seq, OutboxEvent.acknowledged_at)
                  .where(OutboxEvent.application_id == app_id).order_by(OutboxEvent.seq))
    submitted = [int(e.audit_seq) for e in events if e.kind == "submitted"]
    trail = AuditEvent.select().where(
        ((AuditEvent.subject == app_id) & (AuditEvent.action != SQL(f"'{SUBMITTED_ACTION}'")))
        | AuditEvent.seq.in_(submitted))
    entries = [HistoryEntry(local_time(str(e.at), zone), str(e.action), str(e.operator))
               for e in trail.order_by(AuditEvent.seq)]
    entries += [HistoryEntry(local_time(str(e.acknowledged_at), zone), "hub.acknowledged", "", str(e.kind))
                for e in events if e.acknowledged_at]
    return sorted(entries, key=lambda e: e.at)


@dataclass(frozen=True)
class ApplicationDetail:
    """One application in full (the only place its whole ID number is shown)."""

    row: ApplicationRow
    applicant_kind: str
    applicant_id: str
    representative_id: str | None
    status_message: str | None
    submitted_at: str | None
    due_date: str | None
    rongque_deadline: str | None
    values: list[tuple[Text, Text]]  # label, value, in the form's order
    materials: list[tuple[Text, str]]  # name, stored status, in the guide's order
    history: list[HistoryEntry]
    service: Text  # the item's name in both languages
    owed: list[tuple[str, Text]] = field(default_factory=list)  # 容缺 materials still to bring (补交)
    case_id: str | None = None  # 一件事: the case this application is an item of
    bundle_code: str | None = None
    together: list[CaseItem] = field(default_factory=list)  # 一件事: the case's other items


@dataclass(frozen=True)
class CaseItem:
    """Another item of the same 一件事: its service, receipt number (none while a draft) and status."""

    item_code: str
    item_name: str
    receipt_number: str | None
    status: str


def application_detail(store: StationStore, session: Session, app_id: str,
                       item: Item | None) -> ApplicationDetail:
    """The application with its values, materials and history, named and ordered by `item`,
    the catalog version it was filed under (codes as they are when the catalog lost it)."""
    app = store.applications.get(session, app_id)
    values = json.loads(str(app.payload))
    materials = json.loads(str(app.materials or "{}"))
    return ApplicationDetail(
        row(app, str(app.operator.name), store.config.zone), str(app.applicant_kind), str(app.applicant_id),
        app.representative_id, app.status_message, local_time(app.submitted_at, store.config.zone) or None,
        _text(app.due_date), _text(app.rongque_deadline),
        _values(item, values), _materials(item, materials),
        application_history(session, str(app.id), store.config.zone),
        item.name if item is not None else Text(str(app.item_name), str(app.item_name)),
        [(mid, name) for mid, name in _names(item, deferred_materials(materials))] if owes_materials(app) else [],
        app.case_id, app.bundle_code, _together(app))


def _together(app: Application) -> list[CaseItem]:
    """一件事: the other items of the application's case, in the order they were filed."""
    if not app.case_id:
        return []
    rows = (Application.select(Application.item_code, Application.item_name, Application.receipt_number,
                               Application.status)
            .where(Application.case_id == app.case_id, Application.id != app.id)
            .order_by(Application.created_at, Application.id))
    return [CaseItem(str(r.item_code), str(r.item_name), r.receipt_number, str(r.status)) for r in rows]


def _values(item: Item | None, values: dict[str, Any]) -> list[tuple[Text, Text]]:
    if item is None:
        return [(Text(k, k), Text(_value(v), _value(v))) for k, v in values.items() if _value(v)]
    return [(label, value) for _id, label, value in field_rows(item, values)]


def _names(item: Item | None, material_ids: list[str]) -> list[tuple[str, Text]]:
    """Materials with their names, in the guide's order (the item's), unknown ones last."""
    names = {m.id: m.name for m in item.materials} if item is not None else {}
    order = [m for m in names if m in material_ids] + [m for m in material_ids if m not in names]
    return [(m, names.get(m, Text(m, m))) for m in order]


def _materials(item: Item | None, stored: dict[str, Any]) -> list[tuple[Text, str]]:
    statuses = {k: str(v.get("status", "") if isinstance(v, dict) else v) for k, v in stored.items()}
    names = {m.id: m.name for m in item.materials} if item is not None else {}
    order = [m for m in names if m in statuses] + [m for m in statuses if m not in names]
    return [(names.get(m, Text(m, m)), statuses[m]) for m in order]


def _text(value: object) -> str | None:
    return value.isoformat() if isinstance(value, date) else (str(value) if value else None)


def _value(value: object) -> str:
    if isinstance(value, list):
        return "；".join(_value(v) for v in value)
    if isinstance(value, dict):
        return "，".join(f"{k}={_value(v)}" for k, v in value.items())
    return "" if value is None else str(value)
