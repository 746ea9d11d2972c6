"""补正 — the amendment of an application the hub sent back: load it as a counter draft
(continuing the working copy saved earlier, if any), save it as it is edited, check it with
the forms engine, and send the amended content; and 作废, the supervisor's void."""

from __future__ import annotations

import json
from dataclasses import dataclass

from forms.results import SATISFIED_BY_CARD
from forms.serialize import jsonable
from station.core.applications import Applicant, Status
from station.core.counter import Counter, CounterDraft, FormIncomplete, Identity, provenance
from station.core.db import write_transaction
from station.core.errors import InvalidTransition
from station.core.models import AmendmentDraft, Application, Attachment
from station.core.roles import Action, require
from station.core.session import Session
from station.core.store import StationStore


@dataclass(frozen=True)
class OpenedAmendment:
    """An amendment's working copy, the fields the card filled (they stay locked), and whether
    it continues one saved earlier."""

    draft: CounterDraft
    locked: set[str]
    resumed: bool


def amendment_draft(counter: Counter, session: Session, app_id: str) -> OpenedAmendment:
    """The application as a working copy; a copy saved earlier replaces its values and papers."""
    require(session, Action.APPLICATION_AMEND)
    app = counter.store.applications.get(session, app_id)
    if app.status != Status.NEEDS_AMENDMENT:
        raise InvalidTransition("amend", str(app.status))
    sources = json.loads(str(app.provenance))
    materials = json.loads(str(app.materials))
    identity = Identity(str(app.representative_id or app.applicant_id), str(app.applicant_name))
    applicant = Applicant(str(app.applicant_kind), str(app.applicant_id), str(app.applicant_name),
                          app.representative_id)
    draft = CounterDraft(
        counter.item(str(app.item_code), str(app.catalog_version)), identity,
        applicant, dict(json.loads(str(app.payload))),
        {m for m, status in materials.items() if status == "provided"} | proved_by_card(materials),
        {str(a.sha256): str(a.material_code) for a in Attachment.select()
         .where(Attachment.application == app.id) if a.material_code}, str(app.id))
    saved = AmendmentDraft.get_or_none(AmendmentDraft.application == app.id)
    if saved is not None:
        draft.values = dict(json.loads(str(saved.payload)))
        draft.received = set(json.loads(str(saved.received)))
    return OpenedAmendment(draft, {field for field, source in sources.items() if source == "card"},
                           saved is not None)


def proved_by_card(materials: dict[str, str]) -> set[str]:
    """The materials the card proved when the application was accepted: the card was read
    then, so an amendment does not ask for it again, and they stay proved by the card."""
    return {m for m, status in materials.items() if status == SATISFIED_BY_CARD}


def save_amendment(counter: Counter, session: Session, draft: CounterDraft) -> None:
    """Autosave the amendment in progress; the application itself is unchanged until `amend`."""
    require(session, Action.APPLICATION_AMEND)
    with write_transaction():
        app = Application.get_or_none(Application.id == draft.app_id)
        if app is None or app.status != Status.NEEDS_AMENDMENT:
            raise InvalidTransition("amend", str(app.status) if app is not None else "missing")
        AmendmentDraft.replace(application=draft.app_id,
                               payload=json.dumps(jsonable(draft.values), ensure_ascii=False),
                               received=json.dumps(sorted(draft.received)),
                               updated_at=counter.store.clock().isoformat()).execute()


def amend(counter: Counter, session: Session, draft: CounterDraft, locked: set[str]) -> Application:
    """Send the amended values and materials; the card's fields keep their provenance."""
    evaluation = counter.evaluate(session, draft)
    if not evaluation.valid:
        raise FormIncomplete({e.path: f"{e.message.zh} / {e.message.en}" for e in evaluation.errors})
    sources = provenance(draft, evaluation, counter.context(session))
    sources.update({field: "card" for field in locked if field in sources})
    with write_transaction():
        by_card = proved_by_card(json.loads(str(Application.get_by_id(draft.app_id).materials)))
        amended = counter.store.applications.amend(
            session, draft.app_id, jsonable(evaluation.values), sources,
            {m.material.id: SATISFIED_BY_CARD if m.material.id in by_card else m.status
             for m in evaluation.materials})
        AmendmentDraft.delete().where(AmendmentDraft.application == draft.app_id).execute()
        return amended


def void(store: StationStore, session: Session, app_id: str, reason: str) -> Application:
    """作废 with a reason (supervisor), taking the write lock first like every counter write."""
    with write_transaction():
        return store.applications.void(session, app_id, reason)

