"""The counter (窗口受理): from a tapped card or a typed ID number to a receipt or a notice.

The UI gathers what the operator enters; this module decides with the forms engine
(visible fields, computed values, errors, materials, outcome), autosaves the draft
through `ApplicationService.update_draft` so that a crash or a power cut loses nothing,
and submits with the due date and 容缺 deadline of the evaluation — or keeps the draft
when the outcome is a one-time notice.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import date, timedelta
from typing import Any

import uuid_utils.compat as uuid_compat
from peewee import fn

from forms import (
    Catalog,
    Evaluation,
    Item,
    ItemNotFound,
    Text,
    WorkingCalendar,
    evaluate,
    parse_id_number,
)
from forms.fieldtypes import is_blank
from forms.models import OneThing
from forms.results import ACCEPT, ACCEPT_WITH_RONGQUE, ONE_TIME_NOTICE
from forms.serialize import jsonable
from station.core.applications import Applicant, DraftInput, Status, accepted_between
from station.core.calendar_bundle import station_calendar
from station.core.clock import local_day
from station.core.db import write_transaction
from station.core.errors import NotAcceptedHere, NotFound, SubmitWithCase, ValidationFailed
from station.core.identity import (
    is_valid_credit_code,
    is_valid_typed_id_number,
    normalise_id_number,
)
from station.core.models import Application, Attachment
from station.core.models import CounterDraft as DraftRow
from station.core.roles import Action, require
from station.core.services import station_catalog
from station.core.session import Session
from station.core.shared_data import shared_data_state
from station.core.store import StationStore

GENDERS = {"male": "男", "female": "女"}  # as the card writes them
FREQUENT_DAYS = 90  # 常办事项 are learned from this many days of the station's own history
FREQUENT_COUNT = 8
FREQUENT_AT_LEAST = 2  # accepted this often in those days to count as 常办


@dataclass(frozen=True)
class Identity:
    """The person at the counter: read from the card, or typed and checked."""

    id_number: str
    name: str
    card: dict[str, Any] | None = None

    @property
    def from_card(self) -> bool:
        return self.card is not None


def identity_from_card(card: Mapping[str, Any]) -> Identity:
    """The identity a tapped card proves (its data as `IdCard.as_card_data()` gives it)."""
    return Identity(str(card["id_number"]), str(card["name"]), dict(card))


def typed_identity(id_number: str, name: str) -> Identity:
    """An ID number typed without a card: checked (check digit, birth date) and kept as typed."""
    number = normalise_id_number(id_number)
    errors = {}
    if not is_valid_typed_id_number(number):
        errors["id_number"] = "身份证号码校验位不符或日期无效 / the ID number fails its check"
    if not name.strip():
        errors["name"] = "请填写姓名 / the name is required"
    if errors:
        raise ValidationFailed(errors)
    return Identity(number, name.strip())


def business_applicant(credit_code: str, business_name: str, representative: Identity) -> Applicant:
    """A business (法人/个体工商户) by unified social credit code, with its legal representative."""
    code = credit_code.strip().upper()
    errors = {}
    if not is_valid_credit_code(code):
        errors["credit_code"] = "统一社会信用代码校验不符 / the credit code fails its check"
    if not business_name.strip():
        errors["business_name"] = "请填写单位名称 / the business's name is required"
    if errors:
        raise ValidationFailed(errors)
    return Applicant("business", code, business_name.strip(), representative.id_number)


@dataclass
class CounterDraft:
    """申请草稿 — the counter's working copy of one application.

    `values` are the raw values as entered; `received` holds the materials handed over on
    paper; `scans` maps an attachment's SHA-256 to the material it provides.
    """

    item: Item = field(repr=False)
    identity: Identity = field(repr=False)
    applicant: Applicant = field(repr=False)
    values: dict[str, Any] = field(default_factory=dict, repr=False)
    received: set[str] = field(default_factory=set)
    scans: dict[str, str] = field(default_factory=dict)
    app_id: str = ""
    case_id: str = ""  # 一件事: the case this draft is an item of ("" for an application on its own)
    bundle_code: str = ""

    def materials_provided(self) -> set[str]:
        return self.received | set(self.scans.values())


@dataclass(frozen=True)
class Submission:
    """What submitting gave: accepted with a receipt number, or a notice with the draft kept."""

    outcome: str  # accept | accept_with_rongque | one_time_notice
    application_id: str
    receipt_number: str | None
    due_date: date | None
    rongque_deadline: date | None
    evaluation: Evaluation

    @property
    def accepted(self) -> bool:
        return self.outcome != ONE_TIME_NOTICE


@dataclass
class BundleCase:
    """一件事办件 — the drafts of one bundle for one person, filed, submitted and tracked as one case."""

    bundle: OneThing = field(repr=False)
    case_id: str
    drafts: list[CounterDraft] = field(default_factory=list)

    @property
    def lead(self) -> CounterDraft:
        """The lead item's draft: the case is filed, and its receipt signed, under it."""
        return self.drafts[0]


@dataclass(frozen=True)
class CaseSubmission:
    """What submitting a 一件事 gave: every item accepted together, or one notice and the drafts kept."""

    outcome: str  # accept | accept_with_rongque | one_time_notice
    case_id: str
    submissions: tuple[Submission, ...]  # one per item when accepted, none otherwise
    evaluations: tuple[Evaluation, ...]  # one per item, in the case's order

    @property
    def accepted(self) -> bool:
        return self.outcome != ONE_TIME_NOTICE


class FormIncomplete(ValidationFailed):
    """The form has field errors, so the application cannot be accepted yet."""


class Counter:
    """The counter's decisions, over one station store and its catalog."""

    def __init__(self, store: StationStore, catalog: Catalog | None = None,
                 calendar: WorkingCalendar | None = None) -> None:
        self.store = store
        self._catalog = catalog
        self.calendar = calendar

    @property
    def catalog(self) -> Catalog:
        """The catalog given, else the packaged one (loaded once, off the UI thread at start)."""
        return self._catalog or station_catalog()

    # -- the catalog at this point -----------------------------------------------------

    def today(self) -> date:
        return local_day(self.store.clock())

    def services(self, target: str | None = None, query: str = "") -> list[Item]:
        """Items this point type accepts today, for `target`, matching `query` (pinyin too)."""
        point_type = self.store.config.point_type
        items = (self.catalog.search(query, on=self.today(), point_type=point_type) if query
                 else self.catalog.items_for(point_type, on=self.today()))
        return sorted((i for i in items if target is None or i.target == target),
                      key=lambda i: i.code)

    def frequent(self, target: str | None = None, limit: int = FREQUENT_COUNT) -> list[Item]:
        """常办事项: the items this station accepted most often in the last `FREQUENT_DAYS`
        days, most first, among those it accepts today (drafts never count)."""
        since = self.today() - timedelta(days=FREQUENT_DAYS)
        accepted = fn.COUNT(Application.id)
        rows = (Application.select(Application.item_code, accepted.alias("accepted"))
                .where(accepted_between(self.store.config.code, since))
                .group_by(Application.item_code).having(accepted >= FREQUENT_AT_LEAST)
                .order_by(accepted.desc(), Application.item_code))
        offered = {item.code: item for item in self.services(target)}
        return [offered[row.item_code] for row in rows if row.item_code in offered][:limit]

    def item(self, code: str, version: str | None = None) -> Item:
        """The item in force today, or the exact version a draft was started under."""
        if version is not None:
            exact = [v for v in self.catalog.versions(code) if v.version == version]
            if exact:
                return exact[0]
        return self.catalog.get(code, on=self.today())

    def service_name(self, code: str, stored: str) -> Text:
        """An item's name in both languages; the name stored with an application (Chinese) when
        the catalog no longer has the item."""
        try:
            return self.item(code).name
        except ItemNotFound:
            return Text(stored, stored)

    def filed_item(self, code: str, version: str) -> Item | None:
        """The item version an application was filed under; None when the catalog lost it."""
        try:
            return self.item(code, version)
        except ItemNotFound:
            return None

    def context(self, session: Session) -> dict[str, Any]:
        """The `context.*` names of the forms engine."""
        config = self.store.config
        return {"station_code": config.code, "station_name": config.name,
                "point_type": config.point_type, "district": config.district,
                "operator": session.operator_name, "operator_name": session.display_name,
                "today": self.today(),
                "unavailable_datasets": sorted(shared_data_state(self.store.clock).unavailable)}

    # -- drafts ------------------------------------------------------------------------

    def start(self, session: Session, item: Item, identity: Identity,
              applicant: Applicant | None = None, case: tuple[str, str] | None = None) -> CounterDraft:
        """Open a draft for `item`; a typed identity fills the fields a card would have. `case`
        (case id, bundle code) makes it an item of a 一件事."""
        applicant = applicant or Applicant("person", identity.id_number, identity.name)
        case_id, bundle_code = case or ("", "")
        draft = CounterDraft(item, identity, applicant, values=_typed_prefill(item, identity, applicant),
                             case_id=case_id, bundle_code=bundle_code)
        with write_transaction():
            app = self.store.applications.create_draft(session, self._input(session, draft))
            draft.app_id = app.id
            self._save_state(draft)
        return draft

    def start_bundle(self, session: Session, bundle: OneThing, identity: Identity,
                     include: tuple[str, ...] = ()) -> list[CounterDraft]:
        """一件事: one draft per item of `bundle` (its required items and the optional ones in
        `include`), for the same person, filed together; refused where the lead item is not
        accepted."""
        return self.start_case(session, bundle, identity, include).drafts

    def bundles(self) -> list[OneThing]:
        """The 一件事 this point files (those whose lead item it accepts)."""
        return list(self.catalog.bundles_for(self.store.config.point_type))

    def start_case(self, session: Session, bundle: OneThing, identity: Identity,
                   include: tuple[str, ...] = ()) -> BundleCase:
        """一件事: one case, with one draft per item (the required ones and the optional ones in
        `include`) for the same person, all made in one transaction."""
        require(session, Action.APPLICATION_CREATE)
        if self.store.config.point_type not in bundle.point_types:
            raise NotAcceptedHere(f"本受理点不受理{bundle.name.zh}",
                                  f"this point does not accept {bundle.name.en}")
        codes = [*bundle.items, *(c for c in bundle.optional if c in include)]
        case = BundleCase(bundle, str(uuid_compat.uuid7()))
        with write_transaction():
            case.drafts = [self.start(session, self.item(code), identity, case=(case.case_id, bundle.code))
                           for code in codes]
        return case

    def add_to_case(self, session: Session, case: BundleCase, code: str) -> CounterDraft:
        """Add one of the bundle's optional items to the case (a draft for the same person)."""
        require(session, Action.APPLICATION_CREATE)
        if code not in case.bundle.optional or code in {d.item.code for d in case.drafts}:
            raise ValidationFailed({"item": f"{code} 不是此一件事可加办的事项 / {code} is not an item "
                                            "that may be added to this 一件事"})
        draft = self.start(session, self.item(code), case.lead.identity, case=(case.case_id, case.bundle.code))
        case.drafts.append(draft)
        return draft

    def discard_case(self, session: Session, case: BundleCase) -> None:
        """Delete every draft of a 一件事 that will not be submitted, in one transaction."""
        with write_transaction():
            for draft in case.drafts:
                self.store.applications.discard_draft(session, draft.app_id)

    def resume_case(self, session: Session, case_id: str) -> BundleCase:
        """A 一件事 whose drafts were saved, as it was last saved (its items in the order filed)."""
        rows = list(Application.select(Application.id, Application.bundle_code)
                    .where(Application.case_id == case_id, Application.status == Status.DRAFT)
                    .order_by(Application.created_at, Application.id))
        if not rows:
            raise NotFound("找不到该一件事的草稿", "no drafts of this 一件事")
        drafts = [self.resume(session, str(row.id)) for row in rows]
        return BundleCase(self.catalog.bundle(str(rows[0].bundle_code)), case_id, drafts)

    def submit_case(self, session: Session, case: BundleCase) -> CaseSubmission:
        """受理 every item of a 一件事 together, in one transaction, when all can be accepted; else
        keep every draft for one notice of what all of them still need.

        Raises `FormIncomplete` (paths prefixed with the item code) when fields are wrong.
        """
        require(session, Action.APPLICATION_SUBMIT)
        evaluations = tuple(self.evaluate(session, draft) for draft in case.drafts)
        if any(e.outcome.kind == ONE_TIME_NOTICE for e in evaluations):
            with write_transaction():
                for draft in case.drafts:
                    self.save(session, draft)
            return CaseSubmission(ONE_TIME_NOTICE, case.case_id, (), evaluations)
        errors = {f"{d.item.code}:{e.path}": f"{d.item.name.zh}：{e.message.zh} / {d.item.name.en}: {e.message.en}"
                  for d, ev in zip(case.drafts, evaluations, strict=True) for e in ev.errors}
        if errors:
            raise FormIncomplete(errors)
        with write_transaction():
            submissions = tuple(self._submit(session, draft) for draft in case.drafts)
        rongque = any(s.outcome == ACCEPT_WITH_RONGQUE for s in submissions)
        return CaseSubmission(ACCEPT_WITH_RONGQUE if rongque else ACCEPT, case.case_id, submissions,
                              tuple(s.evaluation for s in submissions))

    def evaluate(self, session: Session, draft: CounterDraft) -> Evaluation:
        """The engine's verdict on the draft as it stands (pure; fast enough per keystroke)."""
        return evaluate(draft.item, self._engine_values(draft), card=draft.identity.card,
                        context=self.context(session), attachments=draft.materials_provided(),
                        calendar=self.calendar or station_calendar(self.store.data_dir), today=self.today())

    def save(self, session: Session, draft: CounterDraft) -> None:
        """Autosave: the draft's values, provenance, materials, card and papers."""
        with write_transaction():
            self.store.applications.update_draft(session, draft.app_id, self._input(session, draft))
            self._save_state(draft)

    def attach_scan(self, session: Session, draft: CounterDraft, material_id: str,
                    content: bytes, media_type: str) -> str:
        """Store a scan with the draft for `material_id`; returns its SHA-256."""
        draft.item.get_material(material_id)  # raises StopIteration for an unknown id
        with write_transaction():
            attachment = self.store.applications.attach(session, draft.app_id, content, media_type,
                                                        "scan", material_id)
        draft.scans[str(attachment.sha256)] = material_id
        return str(attachment.sha256)

    def discard(self, session: Session, draft_id: str) -> None:
        """Delete a draft that will not be submitted."""
        with write_transaction():
            self.store.applications.discard_draft(session, draft_id)

    def resume(self, session: Session, app_id: str) -> CounterDraft:
        """The draft as it was last saved, with its card, papers and scans."""
        app = self.store.applications.get(session, app_id)
        if app.status != Status.DRAFT:
            raise NotFound("该申请不是草稿", "this application is not a draft")
        state = DraftRow.get_or_none(DraftRow.application == app.id)
        saved = json.loads(state.card) if state is not None and state.card else {}
        received = set(json.loads(state.received)) if state is not None else set()
        values = json.loads(str(app.payload))
        identity = Identity(str(saved.get("id_number") or app.representative_id or app.applicant_id),
                            str(saved.get("name") or app.applicant_name), saved.get("card"))
        applicant = Applicant(str(app.applicant_kind), str(app.applicant_id),
                              str(app.applicant_name), app.representative_id)
        scans = {str(a.sha256): str(a.material_code) for a in
                 Attachment.select(Attachment.sha256, Attachment.material_code)
                 .where(Attachment.application == app.id) if a.material_code}
        return CounterDraft(self.item(str(app.item_code), str(app.catalog_version)), identity,
                            applicant, values, received, scans, str(app.id), app.case_id or "",
                            app.bundle_code or "")

    # -- submission --------------------------------------------------------------------

    def submit(self, session: Session, draft: CounterDraft) -> Submission:
        """受理 when the engine accepts (with 容缺 if so); else keep the draft for a notice.

        Raises `FormIncomplete` when the application could be accepted but fields are wrong, and
        `SubmitWithCase` for an item of a 一件事 (`submit_case` submits those).
        """
        require(session, Action.APPLICATION_SUBMIT)
        if draft.case_id:
            raise SubmitWithCase(draft.bundle_code)
        return self._submit(session, draft)

    def _submit(self, session: Session, draft: CounterDraft) -> Submission:
        evaluation = self.evaluate(session, draft)
        if not evaluation.acceptable and evaluation.outcome.kind == ONE_TIME_NOTICE:
            self.save(session, draft)
            return Submission(ONE_TIME_NOTICE, draft.app_id, None, None, None, evaluation)
        if not evaluation.valid:
            raise FormIncomplete({e.path: f"{e.message.zh} / {e.message.en}" for e in evaluation.errors})
        deadline = evaluation.outcome.rongque_deadline
        with write_transaction():
            self.store.applications.update_draft(
                session, draft.app_id, self._input(session, draft, evaluation, final=True))
            app = self.store.applications.submit(
                session, draft.app_id, due_date=evaluation.due.date,
                rongque_deadline=deadline.date if deadline else None)
            DraftRow.delete().where(DraftRow.application == draft.app_id).execute()
        return Submission(evaluation.outcome.kind, app.id, app.receipt_number, evaluation.due.date,
                          deadline.date if deadline else None, evaluation)

    # -- helpers -----------------------------------------------------------------------

    def _engine_values(self, draft: CounterDraft) -> dict[str, Any]:
        """The raw values, with each attachment field holding the scans of its material."""
        values = dict(draft.values)
        for item_field in draft.item.fields:
            if item_field.type == "attachment" and item_field.material:
                values[item_field.id] = [sha for sha, m in draft.scans.items()
                                         if m == item_field.material] or None
        return values

    def _input(self, session: Session, draft: CounterDraft, evaluation: Evaluation | None = None,
               final: bool = False) -> DraftInput:
        evaluation = evaluation or self.evaluate(session, draft)
        values = jsonable(evaluation.values if final else draft.values)
        return DraftInput(
            item_code=draft.item.code, item_name=draft.item.name.zh,
            catalog_version=draft.item.version, applicant=draft.applicant, values=values,
            provenance=provenance(draft, evaluation, self.context(session)),
            materials={m.material.id: m.status for m in evaluation.materials},
            case_id=draft.case_id or None, bundle_code=draft.bundle_code or None)

    def _save_state(self, draft: CounterDraft) -> None:
        identity = {"id_number": draft.identity.id_number, "name": draft.identity.name,
                    "card": jsonable(draft.identity.card)}
        DraftRow.replace(application=draft.app_id, card=json.dumps(identity, ensure_ascii=False),
                         received=json.dumps(sorted(draft.received)),
                         updated_at=self.store.clock().isoformat()).execute()


def provenance(draft: CounterDraft, evaluation: Evaluation, context: Mapping[str, Any]) -> dict[str, str]:
    """Where each visible value came from: card, context, computed, scanned or typed."""
    sources = {"card": draft.identity.card or {}, "context": context}
    found: dict[str, str] = {}
    for item_field in draft.item.fields:
        if item_field.id not in evaluation.visible or evaluation.values.get(item_field.id) is None:
            continue
        if item_field.compute is not None:
            found[item_field.id] = "computed"
        elif item_field.type == "attachment":
            found[item_field.id] = "scanned"
        elif item_field.prefill:
            source, key = item_field.prefill.split(".", 1)
            system, raw = sources[source].get(key), draft.values.get(item_field.id)
            same = system is not None and (is_blank(raw) or str(raw).strip() == str(system))
            found[item_field.id] = source if same else "typed"
        else:
            found[item_field.id] = "typed"
    return found


def _typed_prefill(item: Item, identity: Identity, applicant: Applicant) -> dict[str, Any]:
    """Without a card, the typed ID number and name go where the card's would, and the birth
    date and gender the number encodes (GB 11643) where the card's would be."""
    typed: dict[str, Any] = {}
    if not identity.from_card:
        number = parse_id_number(identity.id_number)
        typed = {"card.id_number": identity.id_number, "card.name": identity.name,
                 "card.birth_date": number.birth_date.isoformat(),
                 "card.gender": GENDERS.get(number.gender, number.gender)}
    values: dict[str, Any] = {}
    for item_field in item.fields:
        if item_field.prefill in typed:
            values[item_field.id] = typed[item_field.prefill]
        elif item_field.type == "credit_code" and applicant.kind == "business":
            values.setdefault(item_field.id, applicant.id_number)
    return values



def card_expired(card: Mapping[str, Any] | None, today: date) -> bool:
    """True when the tapped card's validity ended before today (长期 never expires)."""
    valid_to = (card or {}).get("valid_to")
    return bool(valid_to) and date.fromisoformat(str(valid_to)) < today


def locked_fields(draft: CounterDraft) -> set[str]:
    """Read-only fields the tapped card filled: shown, never edited."""
    card = draft.identity.card or {}
    return {f.id for f in draft.item.fields if f.read_only and f.prefill
            and f.prefill.startswith("card.") and card.get(f.prefill[5:]) is not None}
