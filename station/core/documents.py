"""Documents from the store: receipts, notices, forms, amendment notices and reports.

Maps an application row and its catalog item to the inputs of `reports`, checks the
caller's role, signs the receipt's QR code with the station's key, and, when asked to,
records each document handed to a citizen in the audit trail as
`document.<kind>_issued` (ids only; the daily report counts the notices from it). The
receipt layout becomes the printer's layout model here, the one place that sees both
`reports` and `devices`.
"""

from __future__ import annotations

import json
from collections.abc import Iterable
from dataclasses import dataclass, field, replace
from datetime import date, datetime, timedelta
from functools import cache
from typing import TYPE_CHECKING, Any

from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PublicKey

import reports
from forms import Catalog, Evaluation, Item, ItemNotFound, Text, hangzhou_divisions
from forms import load_catalog as _load_catalog
from forms.materials import notice_for_material
from forms.models import OneThing
from forms.onething import bundle_notice
from reports import ApplicantInfo, MaterialLine, MissingItem, Promise, StationInfo
from reports.ratings import RatingCount
from reports.wording import STATUS_NAMES
from station.core import audit
from station.core.applications import receipt_range
from station.core.calendar_bundle import station_calendar
from station.core.db import database, write_transaction
from station.core.decisions import hub_message
from station.core.models import Application
from station.core.roles import Action, require

if TYPE_CHECKING:
    from devices.printer.layout import ReceiptLayout as PrinterLayout
    from station.core.session import Session
    from station.core.store import StationStore

NOT_YET_ACCEPTED = {"draft", "voided"}
DEFAULT_WHY = Text("办理本事项所需材料", "Needed for this service")
DEFAULT_WHERE = Text("请咨询窗口工作人员", "Ask the window staff")


@cache
def default_catalog() -> Catalog:
    """The packaged catalog, loaded once, for callers that do not pass their own."""
    return _load_catalog()


def station_info(store: StationStore) -> StationInfo:
    """This station as documents name it."""
    config = store.config
    division = hangzhou_divisions().get(config.district)
    return StationInfo(config.code, config.name, config.point_type, config.district,
                       division.name if division is not None else "")


# -- citizen documents ----------------------------------------------------------------------


def receipt_data(store: StationStore, session: Session, key: str,
                 catalog: Catalog | None = None) -> reports.ReceiptData:
    """What the receipt of an accepted application says (key: id or receipt number)."""
    app = _accepted(store, session, key)
    item = _item(catalog, app)
    materials = _material_statuses(app)
    return reports.ReceiptData(
        station=station_info(store), receipt_number=str(app.receipt_number), application_id=app.id,
        applicant=_applicant(app), service=item.name if item else Text(app.item_name, app.item_name),
        service_code=app.item_code, accepted_at=datetime.fromisoformat(str(app.submitted_at)),
        operator=str(app.operator.display_name), promise=_promise(store, app, item), fee=_fee(item),
        qr_payload=_qr_text(store, app),
        materials=tuple(_material_line(item, mid, status) for mid, status in materials.items()
                        if status not in ("missing", "missing_rongque")),
        rongque=tuple(_missing(item, mid) for mid, status in materials.items()
                      if status == "missing_rongque"),
        rongque_deadline=app.rongque_deadline, consult_phone=_phone(item),
        consult_verified=_phone_verified(item))


def receipt_layout(store: StationStore, session: Session, key: str, *, paper_mm: int | None = None,
                   catalog: Catalog | None = None, record: bool = True,
                   supplement: reports.Supplement | None = None) -> PrinterLayout:
    """The receipt in the printer's layout model, for 58 or 80 mm paper (default: configured);
    with `supplement`, the 补交回执."""
    from devices.printer.layout import ReceiptLayout as PrinterLayout

    data = replace(receipt_data(store, session, key, catalog), supplement=supplement)
    width = paper_mm or store.config.devices.paper_width_mm
    layout = PrinterLayout.from_dict(reports.receipt_layout(data, width).to_dict())
    if record:
        _record(store, session, "receipt", data.application_id, "escpos")
    return layout


def receipt_pdf(store: StationStore, session: Session, key: str, catalog: Catalog | None = None,
                record: bool = True, supplement: reports.Supplement | None = None) -> bytes:
    """The receipt as an A4 PDF (with `supplement`, the 补交回执)."""
    data = replace(receipt_data(store, session, key, catalog), supplement=supplement)
    document = reports.receipt_pdf(data)
    if record:
        _record(store, session, "receipt", data.application_id, "pdf")
    return document


def case_receipt_data(store: StationStore, session: Session, case_id: str,
                      catalog: Catalog | None = None) -> reports.CaseReceiptData:
    """一件事: what the one receipt of a case says — each accepted item's own receipt, in the order
    the items were filed (the lead item first)."""
    require(session, Action.APPLICATION_VIEW)
    rows = list(Application.select(Application.id, Application.bundle_code)
                .where(Application.case_id == case_id, Application.status.not_in(sorted(NOT_YET_ACCEPTED)))
                .order_by(Application.created_at, Application.id))
    if not rows:
        raise reports.DocumentInputError("该一件事尚未受理，不能出具回执", "the case is not accepted: no receipt")
    items = tuple(receipt_data(store, session, str(row.id), catalog) for row in rows)
    code = str(rows[0].bundle_code)
    try:
        name = (catalog or default_catalog()).bundle(code).name
    except ItemNotFound:
        name = Text(code, code)
    lead = items[0]
    return reports.CaseReceiptData(station_info(store), case_id, name, code, lead.applicant,
                                   lead.accepted_at, lead.operator, items)


def case_receipt_pdf(store: StationStore, session: Session, case_id: str, catalog: Catalog | None = None,
                     record: bool = True) -> bytes:
    """一件事: the one receipt of every item of a case, as an A4 PDF."""
    data = case_receipt_data(store, session, case_id, catalog)
    document = reports.case_receipt_pdf(data)
    if record:
        _record_case(store, session, data, "pdf")
    return document


def case_receipt_layout(store: StationStore, session: Session, case_id: str, *, paper_mm: int | None = None,
                        catalog: Catalog | None = None, record: bool = True) -> PrinterLayout:
    """一件事: the one receipt of a case in the printer's layout model (58 or 80 mm paper)."""
    from devices.printer.layout import ReceiptLayout as PrinterLayout

    data = case_receipt_data(store, session, case_id, catalog)
    width = paper_mm or store.config.devices.paper_width_mm
    layout = PrinterLayout.from_dict(reports.case_receipt_layout(data, width).to_dict())
    if record:
        _record_case(store, session, data, "escpos")
    return layout


def _record_case(store: StationStore, session: Session, data: reports.CaseReceiptData, form: str) -> None:
    """The case's receipt is each item's receipt: recorded once per item, as a receipt is."""
    for item in data.items:
        _record(store, session, "receipt", item.application_id, form)


def notice_pdf(store: StationStore, session: Session, key: str, catalog: Catalog | None = None,
               record: bool = True) -> bytes:
    """The one-time notice of what an application still lacks (with the 容缺 deadline)."""
    app = _application(store, session, key)
    item = _item(catalog, app)
    missing = [mid for mid, status in _material_statuses(app).items()
               if status in ("missing", "missing_rongque")]
    if not missing:
        raise reports.DocumentInputError("该申请没有缺少的材料", "the application lacks nothing")
    rongque = app.status == "accepted_pending_materials"
    data = reports.NoticeData(
        station=station_info(store), applicant=_applicant(app),
        service=item.name if item else Text(app.item_name, app.item_name), service_code=app.item_code,
        issued_at=store.clock(), operator=session.display_name,
        items=tuple(_missing(item, mid) for mid in missing), reference=app.receipt_number or "",
        rongque_deadline=app.rongque_deadline if rongque else None, consult_phone=_phone(item),
        consult_verified=_phone_verified(item))
    document = reports.notice_pdf(data)
    if record:
        _record(store, session, "notice", app.id, "pdf")
    return document


def notice_pdf_from_evaluation(store: StationStore, session: Session, evaluation: Evaluation,
                               applicant: ApplicantInfo, reference: str = "",
                               record_subject: str | None = None) -> bytes:
    """The one-time notice straight from the engine's outcome, before anything is stored.

    `record_subject` (a draft's id) records the notice in the audit trail.
    """
    require(session, Action.APPLICATION_VIEW)
    outcome, item = evaluation.outcome, evaluation.item
    entries = outcome.notice or tuple(notice_for_material(status.material, status.detail)
                                      for status in outcome.rongque)
    items = reports.items_from_entries(entries)
    deadline = outcome.rongque_deadline.date if outcome.rongque_deadline else None
    data = reports.NoticeData(station_info(store), applicant, item.name, item.code, store.clock(),
                              session.display_name, items, reference, deadline,
                              item.contact.consult, item.contact.source.verified)
    document = reports.notice_pdf(data)
    if record_subject:
        _record(store, session, "notice", record_subject, "pdf")
    return document


def bundle_notice_pdf(store: StationStore, session: Session, bundle: OneThing,
                      evaluations: list[Evaluation], applicant: ApplicantInfo,
                      reference: str = "", record_subjects: Iterable[str] = ()) -> bytes:
    """一件事: one notice of everything the bundle's items still need, each named once.

    `record_subjects` (the drafts' ids) record the notice in the audit trail, once per item.
    """
    require(session, Action.APPLICATION_VIEW)
    items = reports.items_from_entries(bundle_notice(evaluations))
    data = reports.NoticeData(station_info(store), applicant, bundle.name, bundle.code, store.clock(),
                              session.display_name, items, reference)
    document = reports.notice_pdf(data)
    for subject in record_subjects:
        _record(store, session, "notice", subject, "pdf")
    return document


def form_pdf(store: StationStore, session: Session, key: str, catalog: Catalog | None = None,
             record: bool = True) -> bytes:
    """The application form, prefilled, for the applicant's signature."""
    app = _application(store, session, key)
    item = _item(catalog, app)
    values = json.loads(str(app.payload))
    fields = (reports.form_fields(item, values) if item else
              tuple(reports.FormField(Text(k, k), str(v)) for k, v in values.items()))
    data = reports.FormData(
        station=station_info(store), applicant=_applicant(app),
        service=item.name if item else Text(app.item_name, app.item_name), service_code=app.item_code,
        catalog_version=app.catalog_version, fields=fields, printed_at=store.clock(),
        reference=app.receipt_number or "",
        materials=tuple(_material_line(item, mid, status)
                        for mid, status in _material_statuses(app).items()))
    document = reports.form_pdf(data)
    if record:
        _record(store, session, "form", app.id, "pdf")
    return document


def amendment_pdf(store: StationStore, session: Session, key: str, catalog: Catalog | None = None,
                  record: bool = True) -> bytes:
    """The amendment notice (补正通知书) for an application the hub sent back.

    The hub's message is the application's `status_message`: plain text, or JSON
    `{"message": text, "items": [{"what", "why", "where"}], "deadline": "YYYY-MM-DD"}`.
    """
    app = _accepted(store, session, key)
    if app.status not in ("needs_amendment", "amended"):
        raise reports.DocumentInputError("该申请没有补正要求", "the hub has not asked for an amendment")
    item = _item(catalog, app)
    message, items, deadline = _hub_request(app.status_message)
    data = reports.AmendmentData(
        station=station_info(store), applicant=_applicant(app),
        service=item.name if item else Text(app.item_name, app.item_name),
        receipt_number=str(app.receipt_number), issued_at=store.clock(), request=message,
        items=items, deadline=deadline, operator=session.display_name, consult_phone=_phone(item),
        consult_verified=_phone_verified(item))
    document = reports.amendment_pdf(data)
    if record:
        _record(store, session, "amendment", app.id, "pdf")
    return document


# -- reports -------------------------------------------------------------------------------


def daily_pdf(store: StationStore, session: Session, day: date,
              catalog: Catalog | None = None) -> bytes:
    """The day's report for the supervisor to sign."""
    return reports.daily_pdf(daily_figures(store, session, day, catalog))


def daily_figures(store: StationStore, session: Session, day: date,
                  catalog: Catalog | None = None) -> reports.DailyFigures:
    """The numbers of the daily report."""
    require(session, Action.DAY_CLOSE)
    key = receipt_range(store.config.code, day, day)
    counts = {str(s): int(n) for s, n in _query(_DAY_BY_STATUS, key)}
    voided = counts.get("voided", 0)
    hours = [0] * 24
    for hour, count in _query(_DAY_BY_HOUR, key):
        if hour is not None and 0 <= int(hour) < 24:
            hours[int(hour)] = int(count)
    card_only, rongque = _card_only_and_rongque(catalog, key)
    minutes = _query(_DAY_HANDLING, key)[0][0]
    return reports.DailyFigures(
        station=station_info(store), day=day, generated_at=store.clock(),
        applications=sum(counts.values()) - voided, voided=voided,
        by_status=tuple(reports.Count(s, _status_label(s), n) for s, n in counts.items()),
        by_service=_counts(_DAY_BY_SERVICE, key), by_operator=_counts(_DAY_BY_OPERATOR, key),
        by_hour=tuple(hours), card_only=card_only, rongque=rongque,
        notices=int(_query(_DAY_NOTICES, (day.isoformat() + "%",))[0][0]),
        average_handling_minutes=float(minutes) if minutes is not None else None,
        sync=_day_sync(day), ratings=_day_ratings(session, day))


def _day_ratings(session: Session, day: date) -> tuple[RatingCount, ...]:
    """The day's 好差评, by the operator who accepted each case."""
    from station.core.ratings import by_operator

    return tuple(by_operator(session, day.isoformat(), (day + timedelta(days=1)).isoformat()))


def station_ledger(store: StationStore, session: Session) -> reports.StationLedger:
    """The station's side of reconciliation: its outbox and the hub's acknowledgements."""
    require(session, Action.OUTBOX_READ)
    outbox = _outbox_ledger()
    days: dict[str, list[int]] = {d: [int(n), 0, 0, 0] for d, n in
                                  _query(_APPLICATION_DAYS, _ledger_params(store.config.code))}
    for day, counts in outbox.days.items():
        days.setdefault(day, [0, 0, 0, 0])[1:] = counts
    return reports.StationLedger(
        station=station_info(store), generated_at=store.clock(), high_water=outbox.high_water,
        events=outbox.events, acknowledged_runs=_runs(outbox.acknowledged), pending_runs=_runs(outbox.waiting),
        missing_runs=outbox.missing_runs(), oldest_pending_at=outbox.oldest_pending_at,
        last_acknowledged_at=outbox.last_acknowledged_at,
        days=tuple(reports.LedgerDay(d, *days[d]) for d in sorted(days, reverse=True)[:62]),
        batches=tuple((str(state), int(n)) for state, n in _query(_BATCH_STATES)))


def reconcile_pdf(store: StationStore, session: Session) -> bytes:
    """The station's reconciliation report."""
    ledger = station_ledger(store, session)
    return reports.reconcile_pdf(ledger, generated_at=ledger.generated_at)


# The day's figures and the outbox ledger, aggregated by SQLite. A day's applications are
# those accepted that day, found by their receipt numbers (`applications.receipt_range`;
# drafts have none); submitted_at is local time, so characters 12-13 are the hour.
_ACCEPTED = "receipt_number >= ? AND receipt_number < ?"
_COUNTED = "receipt_number >= ? AND receipt_number < ? AND status <> 'voided'"
_DAY_BY_STATUS = f"SELECT status, COUNT(*) FROM application WHERE {_ACCEPTED} GROUP BY status ORDER BY 2 DESC"
_DAY_BY_SERVICE = (f"SELECT item_code, item_name, COUNT(*) FROM application WHERE {_COUNTED}"
                   " GROUP BY item_code, item_name ORDER BY 3 DESC, 1")
_DAY_BY_OPERATOR = ("SELECT o.name, o.display_name, COUNT(*) FROM application a JOIN operator o"
                    " ON o.id = a.operator_id WHERE a.receipt_number >= ? AND a.receipt_number < ?"
                    " AND a.status <> 'voided' GROUP BY o.id ORDER BY 3 DESC, 1")
_DAY_BY_HOUR = (f"SELECT CAST(substr(submitted_at, 12, 2) AS INTEGER), COUNT(*) FROM application"
                f" WHERE {_COUNTED} GROUP BY 1")
_DAY_HANDLING = ("SELECT AVG((julianday(submitted_at) - julianday(created_at)) * 1440.0)"
                 f" FROM application WHERE {_COUNTED}")
_DAY_MATERIALS = f"SELECT item_code, materials, status FROM application WHERE {_COUNTED}"
_DAY_NOTICES = ("SELECT COUNT(DISTINCT subject) FROM audit_event"
                " WHERE action = 'document.notice_issued' AND at LIKE ?")
#: The outbox in sequence order, without its payloads: both reports fold it in one pass
#: (`_outbox_ledger`), since no index holds these columns (every submission would write it).
_OUTBOX_ROWS = "SELECT seq, at, kind, acknowledged_at FROM outbox_event ORDER BY seq"
_APPLICATION_DAYS = (
    "SELECT substr(receipt_number, :at, 4) || '-' || substr(receipt_number, :at + 4, 2) || '-'"
    " || substr(receipt_number, :at + 6, 2), COUNT(*)"
    " FROM application WHERE receipt_number >= :low AND receipt_number < :high GROUP BY 1")
_BATCH_STATES = "SELECT state, COUNT(*) FROM sync_batch GROUP BY state ORDER BY state"
_CARD_STATUSES = {"satisfied_by_card", "satisfied_by_shared_data"}


def _ledger_params(station_code: str) -> dict[str, Any]:
    """Where the day starts in this station's receipt numbers, and the bounds of them all."""
    return {"at": len(station_code) + 2, "low": f"{station_code}-", "high": f"{station_code}."}


def _query(sql: str, params: tuple[Any, ...] | dict[str, Any] = ()) -> list[tuple[Any, ...]]:
    return [tuple(row) for row in database.execute_sql(sql, params).fetchall()]


def _counts(sql: str, params: tuple[Any, ...]) -> tuple[reports.Count, ...]:
    return tuple(reports.Count(str(key), str(name), int(n)) for key, name, n in _query(sql, params))


def _status_label(status: str) -> str:
    text = STATUS_NAMES.get(status)
    return f"{text.zh} {text.en}" if text else status


def _card_only_and_rongque(catalog: Catalog | None, params: tuple[Any, ...]) -> tuple[int, int]:
    """一证通办: every material satisfied by the card, shared data or filled in at the window."""
    onsite: dict[str, frozenset[str]] = {}
    card_only = rongque = 0
    for code, materials, status in database.execute_sql(_DAY_MATERIALS, params):
        if code not in onsite:
            onsite[code] = _onsite_ids(catalog, code)
        statuses = json.loads(materials or "{}")
        card_only += all(v in _CARD_STATUSES or (v == "provided" and k in onsite[code])
                         for k, v in statuses.items())
        rongque += status == "accepted_pending_materials" or "missing_rongque" in statuses.values()
    return card_only, rongque


def _day_sync(day: date) -> reports.DaySync:
    outbox = _outbox_ledger()
    _, events, acknowledged = outbox.days.get(day.isoformat(), (0, 0, 0))
    return reports.DaySync(events, acknowledged, len(outbox.waiting), outbox.high_water,
                           outbox.oldest_pending_at, outbox.last_acknowledged_at)


@dataclass
class _OutboxLedger:
    """What the reports say of the outbox, from one pass over it in sequence order."""

    high_water: int = 0
    events: int = 0
    oldest_pending_at: str | None = None
    last_acknowledged_at: str | None = None
    held: list[int] = field(default_factory=list)  # every sequence number the outbox holds
    acknowledged: list[int] = field(default_factory=list)
    waiting: list[int] = field(default_factory=list)
    days: dict[str, list[int]] = field(default_factory=dict)  # day -> [submitted, events, acknowledged]

    def missing_runs(self) -> tuple[tuple[int, int], ...]:
        """Sequence numbers below the highest that the outbox no longer holds."""
        gaps, expected = [], 1
        for first, last in _runs(self.held):
            if first > expected:
                gaps.append((expected, first - 1))
            expected = last + 1
        return tuple(gaps)


def _outbox_ledger() -> _OutboxLedger:
    ledger = _OutboxLedger()
    for seq, at, kind, acknowledged_at in database.execute_sql(_OUTBOX_ROWS):
        ledger.held.append(seq)
        day = ledger.days.setdefault(str(at)[:10], [0, 0, 0])
        day[0] += kind == "submitted"
        day[1] += 1
        if acknowledged_at is None:
            ledger.waiting.append(seq)
            ledger.oldest_pending_at = min(ledger.oldest_pending_at or at, at)
        else:
            ledger.acknowledged.append(seq)
            day[2] += 1
            ledger.last_acknowledged_at = max(ledger.last_acknowledged_at or acknowledged_at, acknowledged_at)
    ledger.events, ledger.high_water = len(ledger.held), ledger.held[-1] if ledger.held else 0
    return ledger


def _runs(seqs: list[int]) -> tuple[tuple[int, int], ...]:
    """Ascending sequence numbers as runs of consecutive ones: [1, 2, 3, 7] -> ((1, 3), (7, 7))."""
    runs: list[list[int]] = []
    for seq in seqs:
        if runs and seq == runs[-1][1] + 1:
            runs[-1][1] = seq
        else:
            runs.append([seq, seq])
    return tuple((first, last) for first, last in runs)


# -- the receipt's QR code ------------------------------------------------------------------


def _qr_text(store: StationStore, app: Application) -> str:
    """The signed payload, inside a link to the hub's page of the case when the station knows
    the hub (a station never enrolled prints the bare payload)."""
    payload = reports.sign_payload(str(app.receipt_number), app.id, store.signing_key())
    base = store.config.citizens_url
    return reports.case_link(base, payload) if base else payload


def station_public_key(store: StationStore, session: Session) -> Ed25519PublicKey:
    """The public half of the station's signing key."""
    session.ensure_active()
    return store.signing_key().public_key()


def public_key_pem(key: Ed25519PublicKey) -> bytes:
    """The key as PEM (SubjectPublicKeyInfo), the form `verify-qr --station-key` reads."""
    return key.public_bytes(serialization.Encoding.PEM, serialization.PublicFormat.SubjectPublicKeyInfo)


def verify_qr(store: StationStore, session: Session, text: str) -> reports.ReceiptClaim:
    """Check a receipt's QR payload against this station's key."""
    return reports.verify_payload(text, station_public_key(store, session))


# -- helpers ----------------------------------------------------------------------------------


def _application(store: StationStore, session: Session, key: str) -> Application:
    return store.applications.get(session, key)


def _accepted(store: StationStore, session: Session, key: str) -> Application:
    app = _application(store, session, key)
    if app.status in NOT_YET_ACCEPTED or not app.receipt_number:
        raise reports.DocumentInputError("该申请尚未受理，不能出具回执",
                                         f"the application is {app.status}: no receipt")
    return app


def _item(catalog: Catalog | None, app: Application) -> Item | None:
    """The catalog version the application was filed under, else the one in force then."""
    chosen = catalog or default_catalog()
    try:
        versions = chosen.versions(app.item_code)
    except ItemNotFound:
        return None
    exact = [v for v in versions if v.version == app.catalog_version]
    if exact:
        return exact[0]
    day = app.day if isinstance(app.day, date) else None
    try:
        return chosen.get(app.item_code, on=day)
    except ItemNotFound:
        return None


def _applicant(app: Application) -> ApplicantInfo:
    return ApplicantInfo(str(app.applicant_name), str(app.applicant_id), str(app.applicant_kind),
                         app.representative_id)


def _material_statuses(app: Application) -> dict[str, str]:
    raw = json.loads(str(app.materials or "{}"))
    return {str(k): str(v.get("status", "") if isinstance(v, dict) else v) for k, v in raw.items()}


def supplement_data(store: StationStore, session: Session, key: str, received: list[str],
                    catalog: Catalog | None = None) -> reports.Supplement:
    """What a 补交回执 says of the materials just handed in: now, who took them, their names."""
    app = _accepted(store, session, key)
    item = _item(catalog, app)
    return reports.Supplement(store.clock(), session.display_name,
                              tuple(_missing(item, mid).what for mid in received))


def _material_line(item: Item | None, material_id: str, status: str) -> MaterialLine:
    material = _material(item, material_id)
    if material is None:
        return MaterialLine(Text(material_id, material_id), status)
    return MaterialLine(material.name, status, material.channel == "onsite",
                        material.source.verified)


def _missing(item: Item | None, material_id: str) -> MissingItem:
    material = _material(item, material_id)
    if material is None:
        return MissingItem(material_id, Text(material_id, material_id), DEFAULT_WHY, DEFAULT_WHERE)
    return MissingItem(material.id, material.name, material.why or DEFAULT_WHY,
                       material.where or DEFAULT_WHERE, material.basis or "",
                       material.source.verified)


def _material(item: Item | None, material_id: str) -> Any:
    if item is None:
        return None
    return next((m for m in item.materials if m.id == material_id), None)


def _promise(store: StationStore, app: Application, item: Item | None) -> Promise:
    """The promised limit and due date; `confirmed` is False when the span crosses days the
    calendar does not know (a year the hub's calendar has not covered yet)."""
    due = app.due_date if isinstance(app.due_date, date) else None
    start = app.day if isinstance(app.day, date) else None
    confirmed = True
    if due is not None and start is not None:
        confirmed = station_calendar(store.data_dir).working_days_between(start, due)[1]
    if item is None:
        return Promise(None, due, confirmed)
    return Promise(item.promised_limit.text(), due, confirmed, item.promised_limit.source.verified)


def _fee(item: Item | None) -> reports.Fee:
    if item is None:
        return reports.Fee(None)
    lines = tuple(reports.FeeLine(fee.name, fee.standard, fee.amount, fee.source.verified)
                  for fee in item.fee.items)
    return reports.Fee(item.fee.charged, lines, item.fee.source.verified)


def _phone(item: Item | None) -> str:
    return item.contact.consult if item is not None else "12345"


def _phone_verified(item: Item | None) -> bool:
    """The 12345 hotline of an unknown item is the city's own; a catalog phone needs a source."""
    return item.contact.source.verified if item is not None else True


def _onsite_ids(catalog: Catalog | None, code: str) -> frozenset[str]:
    """Materials of an item filled in at the window: they need no paper from the applicant."""
    chosen = catalog or default_catalog()
    try:
        item = chosen.versions(code)[-1]
    except ItemNotFound:
        return frozenset()
    return frozenset(m.id for m in item.materials if m.channel == "onsite")


def _hub_request(message: str | None) -> tuple[str, tuple[MissingItem, ...], date | None]:
    data = hub_message(message)
    if data is None:
        return (message or "").strip(), (), None
    items = tuple(_request_item(i, entry) for i, entry in enumerate(_entries(data.get("items"))))
    deadline = data.get("deadline")
    try:
        day = date.fromisoformat(deadline) if isinstance(deadline, str) else None
    except ValueError:
        day = None
    return str(data.get("message", "")), items, day


def _entries(raw: Any) -> Iterable[dict[str, Any]]:
    return [entry for entry in raw if isinstance(entry, dict)] if isinstance(raw, list) else []


def _request_item(index: int, entry: dict[str, Any]) -> MissingItem:
    def text(key: str, default: Text) -> Text:
        value = entry.get(key)
        return Text(str(value), str(entry.get(f"{key}_en", value))) if value else default

    return MissingItem(f"request-{index}", text("what", Text("补正内容", "Correction")),
                       text("why", DEFAULT_WHY), text("where", DEFAULT_WHERE))


def _record(store: StationStore, session: Session, kind: str, subject: str, form: str) -> None:
    with write_transaction():
        audit.append(store.clock(), session.operator_name, f"document.{kind}_issued", subject,
                     {"format": form})
