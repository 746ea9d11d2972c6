"""Which shared datasets (数据共享) the station may count on now.

A material that a `shared:` dataset replaces is satisfied only while the data can be had:
the hub fetches it from the province's platform after sync. So nothing is counted on when
the station is offline — linked to a hub but not heard from it for `OFFLINE_AFTER` since its
last answer or since enrolment —
nor a dataset the hub's last `shared_data` bundle reports down. Such a material becomes 容缺
(when the item accepts 容缺) or required on paper, and the notice says why
(forms.materials). A station never enrolled (a demo or training station) has no hub to
ask and keeps the catalog's assumption.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import datetime, timedelta

from forms.vocab import DATASETS
from station.core.clock import Clock
from station.core.offline_policy import ENROLLED_AT, last_contact, setting

#: The setting the `shared_data` bundle writes: `{"unavailable": [...], "note": "..."}`.
SHARED_DATA = "bundle.shared_data"
#: How long after the hub last answered the station still counts on shared data.
OFFLINE_AFTER = timedelta(hours=24)


@dataclass(frozen=True)
class SharedDataState:
    """The datasets not to count on now, and why (`offline`, `hub_reported` or both)."""

    unavailable: frozenset[str]
    offline: bool
    reported: frozenset[str]


def shared_data_state(clock: Clock) -> SharedDataState:
    """What the counter and the kiosk may count on, from the store's settings."""
    reported = frozenset(json.loads(setting(SHARED_DATA, "{}")).get("unavailable", ())) & set(DATASETS)
    offline = _offline(clock)
    return SharedDataState(frozenset(DATASETS) if offline else reported, offline, reported)


def _offline(clock: Clock) -> bool:
    """Not heard from the hub for `OFFLINE_AFTER` since its last answer, or since enrolment
    (which is an answer too: a station just enrolled is online until a day passes in silence,
    as the offline policy counts it)."""
    reference = last_contact() or setting(ENROLLED_AT)
    if not reference:
        return False  # never linked to a hub
    return clock() - datetime.fromisoformat(reference) > OFFLINE_AFTER
