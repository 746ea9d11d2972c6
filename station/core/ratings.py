"""好差评 at the station: the citizen rates the case on the counter's rating screen or on the
kiosk right after submitting; the rating travels to the hub as an outbox event ("rated").

One rating per case (一次一评): a second one is refused here, and the hub keeps the first it
holds when a citizen also rated on the phone before this one arrived. The event carries the
application's snapshot (the hub checks every record against it) with the rating beside it, and
names the operator who accepted the case, whose results the reports count.
"""

from __future__ import annotations

import json
from collections.abc import Iterable
from typing import cast

from kernel.ratings import Rating, RatingRejected
from reports.ratings import RatingCount
from station.core import audit, outbox
from station.core.applications import Status, attachment_hashes, snapshot
from station.core.clock import Clock
from station.core.db import write_transaction
from station.core.models import Application, CaseRating, Operator
from station.core.roles import Action, require
from station.core.session import Session

NOT_RATEABLE = {Status.DRAFT, Status.VOIDED}
EVENT = "rated"


def rate(session: Session, clock: Clock, station_code: str, key: str, rating: Rating) -> CaseRating:
    """Record the citizen's rating of an accepted case (key: id or receipt number), once."""
    require(session, Action.APPLICATION_RATE)
    if rating.channel == "web":
        raise RatingRejected("站点只记录窗口或自助机的评价", "the station records counter and kiosk ratings only")
    now = clock()
    with write_transaction():
        app = Application.get_or_none((Application.id == key) | (Application.receipt_number == key))
        if app is None or app.status in NOT_RATEABLE:
            raise RatingRejected("只能评价已受理的办件", "only an accepted case can be rated")
        if CaseRating.get_or_none(CaseRating.application == app.id) is not None:
            raise RatingRejected("该办件已评价，每件只能评价一次", "this case is already rated; a case is rated once")
        row = CaseRating.create(application=app.id, level=rating.level, reasons=json.dumps(list(rating.reasons)),
                                text=rating.text, channel=rating.channel, rated_at=now.isoformat(),
                                recorded_by=session.operator_name)
        link = audit.append(now, session.operator_name, "application.rated", app.id,
                            {"level": rating.level, "channel": rating.channel}, anchored=True)
        accepted_by = str(app.operator.name)
        record = snapshot(app, station_code, accepted_by, attachment_hashes(app.id))
        record["rating"] = rating.to_json() | {"rated_at": now.isoformat()}
        outbox.append(now, EVENT, app.id, record, link)
    return row


def rated(key: str) -> bool:
    """Whether the case (id or receipt number) has been rated at this station."""
    app = Application.get_or_none((Application.id == key) | (Application.receipt_number == key))
    return app is not None and CaseRating.get_or_none(CaseRating.application == app.id) is not None


def by_operator(session: Session, day_start: str, day_end: str) -> list[RatingCount]:
    """Ratings given in [day_start, day_end) by the operator who accepted each case."""
    require(session, Action.APPLICATION_VIEW)
    rows = cast(Iterable[tuple[str, str, int]], (
        CaseRating.select(Operator.name, Operator.display_name, CaseRating.level)
        .join(Application).join(Operator)
        .where((CaseRating.rated_at >= day_start) & (CaseRating.rated_at < day_end)).tuples()))
    found: dict[str, RatingCount] = {}
    for name, display, level in rows:
        entry = found.setdefault(str(name), RatingCount(str(name), str(display)))
        entry.levels[int(level)] = entry.levels.get(int(level), 0) + 1
    return sorted(found.values(), key=lambda r: r.key)
