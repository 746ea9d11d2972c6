"""好差评 at the hub: the one rating of each case, the follow-ups bad ratings open, and the
figures per station and per operator.

A rating arrives from the citizens' page or, given at a counter or a kiosk, as a station's
"rated" outbox event (absorbed here from the stored records). The first the hub holds wins;
a later one is audited and dropped. A rating of 不满意 or worse opens a follow-up due 15
working days after the rating's day (国办发〔2019〕51号: 差评 are verified, rectified and
answered), whose reply the citizen reads on the case's page.
"""

from __future__ import annotations

import json
import logging
from dataclasses import dataclass
from datetime import date
from functools import cache
from typing import Any

from forms.workdays import WorkingCalendar
from kernel.ratings import FOLLOW_UP_WORKING_DAYS, Rating, RatingRejected, from_json
from sync.errors import HubError
from sync.hub.actions import audit
from sync.hub.db import tuples, write_transaction
from sync.hub.models import HubFollowUp, HubRating, HubRecord, HubSetting
from sync.hub.store import HubStore

log = logging.getLogger("jiujin.hub.ratings")
WATERMARK = "ratings.watermark"
MAX_REPLY = 1000


@dataclass(frozen=True)
class Given:
    """A case's rating and its follow-up, as the case's page shows them."""

    rating: Rating
    rated_at: str
    due_on: str | None = None
    reply: str | None = None
    replied_at: str | None = None


@cache
def _calendar() -> WorkingCalendar:
    return WorkingCalendar.load()


def rate(store: HubStore, application_id: str, station: str, operator: str, rating: Rating,
         rated_at: str | None = None, actor: str = "citizen") -> bool:
    """Keep the case's rating if it has none yet; True when this one was kept."""
    now = store.now()
    at = rated_at or now
    with write_transaction():
        values = {"station": station, "operator": operator, "level": rating.level,
                  "reasons": json.dumps(list(rating.reasons)), "text": rating.text, "channel": rating.channel,
                  "rated_at": at, "received_at": now}
        HubRating.insert(application_id=application_id, **values).on_conflict_ignore().execute()
        held = HubRating.get_by_id(application_id)
        kept = all(getattr(held, name) == value for name, value in values.items())
        audit(store, actor, "rating.given" if kept else "rating.duplicate", station, application_id,
              {"level": rating.level, "channel": rating.channel})
        if kept and rating.bad:
            due = _calendar().add_working_days(date.fromisoformat(at[:10]), FOLLOW_UP_WORKING_DAYS)
            HubFollowUp.insert(application_id=application_id, station=station, opened_at=now,
                               due_on=due.date.isoformat()).on_conflict_ignore().execute()
            audit(store, "hub", "followup.opened", station, application_id, {"due_on": due.date.isoformat()})
    log.info("rating", extra={"station": station, "outcome": "kept" if kept else "duplicate"})
    return kept


def given(application_id: str) -> Given | None:
    """The case's rating with its follow-up, if rated."""
    row = HubRating.get_or_none(HubRating.application_id == application_id)
    if row is None:
        return None
    rating = Rating(int(row.level), tuple(json.loads(row.reasons)), str(row.text), str(row.channel))
    follow = HubFollowUp.get_or_none(HubFollowUp.application_id == application_id)
    if follow is None:
        return Given(rating, str(row.rated_at))
    return Given(rating, str(row.rated_at), str(follow.due_on), follow.reply, follow.replied_at)


def absorb(store: HubStore, batch: int = 5000) -> int:
    """Take the ratings stations sent ("rated" records) stored since the last call; how many."""
    taken = 0
    while True:
        row = HubSetting.get_or_none(HubSetting.key == WATERMARK)
        mark = int(row.value) if row is not None else 0
        rows = tuples(HubRecord.select(HubRecord.id, HubRecord.kind, HubRecord.application_id, HubRecord.station,
                                       HubRecord.record).where(HubRecord.id > mark).order_by(HubRecord.id).limit(batch))
        if not rows:
            return taken
        for _rid, kind, app_id, station, text in rows:
            if kind == "rated":
                taken += _absorb_one(store, str(app_id), str(station), json.loads(text)["record"])
        with write_transaction():
            HubSetting.insert(key=WATERMARK, value=str(rows[-1][0])).on_conflict(
                conflict_target=[HubSetting.key], update={HubSetting.value: str(rows[-1][0])}).execute()


def _absorb_one(store: HubStore, application_id: str, station: str, record: dict[str, Any]) -> int:
    try:
        rating = from_json(record.get("rating"))
        rated_at = str(record["rating"]["rated_at"])[:32]
    except (RatingRejected, KeyError, TypeError):
        audit(store, "hub", "rating.malformed", station, application_id, {})
        return 0
    return int(rate(store, application_id, station, str(record.get("operator", "")), rating, rated_at,
                    actor=f"station:{station}"))


# -- follow-ups ------------------------------------------------------------------------------

def follow_ups(open_only: bool = False) -> list[dict[str, Any]]:
    """Follow-ups, oldest due first; with the rating that opened each (no personal data)."""
    query = HubFollowUp.select().order_by(HubFollowUp.due_on, HubFollowUp.id)
    if open_only:
        query = query.where(HubFollowUp.replied_at.is_null())
    found = []
    for follow in query:
        rating = HubRating.get_or_none(HubRating.application_id == follow.application_id)
        found.append({"id": follow.id, "application_id": follow.application_id, "station": follow.station,
                      "opened_at": follow.opened_at, "due_on": follow.due_on,
                      "level": rating.level if rating is not None else None,
                      "reasons": json.loads(rating.reasons) if rating is not None else [],
                      "comment": rating.text if rating is not None else "",
                      "reply": follow.reply, "replied_at": follow.replied_at, "replied_by": follow.replied_by})
    return found


def reply(store: HubStore, follow_up_id: int, text: str, operator: str) -> None:
    """Answer a follow-up; the citizen reads the reply on the case's page."""
    text = " ".join(text.split())
    if not text or len(text) > MAX_REPLY:
        raise HubError(f"答复须为 1 至 {MAX_REPLY} 字", f"a reply is 1 to {MAX_REPLY} characters")
    with write_transaction():
        follow = HubFollowUp.get_or_none(HubFollowUp.id == follow_up_id)
        if follow is None:
            raise HubError(f"没有整改单 {follow_up_id}", f"no follow-up {follow_up_id}")
        if follow.replied_at is not None:
            raise HubError(f"整改单 {follow_up_id} 已答复", f"follow-up {follow_up_id} is already answered")
        HubFollowUp.update(reply=text, replied_at=store.now(), replied_by=operator).where(
            HubFollowUp.id == follow_up_id).execute()
        audit(store, operator, "followup.replied", follow.station, follow.application_id, {"id": follow_up_id})


__all__ = ["Given", "absorb", "follow_ups", "given", "rate", "reply"]
