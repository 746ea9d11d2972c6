"""补正 — the amendment of an application the hub sent back: load it as a counter draft,
check it with the forms engine, and send the amended content; and 作废, the supervisor's void."""

from __future__ import annotations

import json

from forms.serialize import jsonable
from station.core.applications import Applicant, Status
from station.core.counter import Counter, CounterDraft, FormIncomplete, Identity, provenance
from station.core.db import write_transaction
from station.core.errors import InvalidTransition
from station.core.models import Application, Attachment
from station.core.session import Session
from station.core.store import StationStore


def amendment_draft(counter: Counter, session: Session, app_id: str) -> tuple[CounterDraft, set[str]]:
    """The application as a working copy, and the fields the card filled (they stay locked)."""
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
        {m for m, status in materials.items() if status == "provided"},
        {str(a.sha256): str(a.material_code) for a in Attachment.select()
         .where(Attachment.application == app.id) if a.material_code}, str(app.id))
    return draft, {field for field, source in sources.items() if source == "card"}


def amend(counter: Counter, session: Session, draft: CounterDraft, locked: set[str]) -> Application:
    """Send the amended values and materials; the card's fields keep their provenance."""
    evaluation = counter.evaluate(session, draft)
    if not evaluation.valid:
        raise FormIncomplete({e.path: f"{e.message.zh} / {e.message.en}" for e in evaluation.errors})
    sources = provenance(draft, evaluation, counter.context(session))
    sources.update({field: "card" for field in locked if field in sources})
    with write_transaction():
        return counter.store.applications.amend(
            session, draft.app_id, jsonable(evaluation.values), sources,
            {m.material.id: m.status for m in evaluation.materials})


def void(store: StationStore, session: Session, app_id: str, reason: str) -> Application:
    """作废 with a reason (supervisor), taking the write lock first like every counter write."""
    with write_transaction():
        return store.applications.void(session, app_id, reason)

