"""What the hub reads off an application's record beyond its status: 容缺 and 代办.

`reconcile` folds these into `hub_application` as records arrive; schema step 4 fills them in
for applications folded before they were kept.
"""

from __future__ import annotations

import json
from typing import Any

from peewee import fn

from sync.hub.db import tuples, write_transaction
from sync.hub.models import HubApplication, HubRecord


def case_marks(record: dict[str, Any]) -> dict[str, int]:
    """容缺 and 代办 as a record shows them: a 容缺 deadline (or the 容缺 status), and the form's
    `by_proxy` answer (the catalog's items that may be filed by an agent ask it)."""
    values = record.get("values")
    proxy = isinstance(values, dict) and values.get("by_proxy") is True
    rongque = bool(record.get("rongque_deadline")) or record.get("status") == "accepted_pending_materials"
    return {"rongque": int(rongque), "proxy": int(proxy)}


def mark_cases_from_records(batch: int = 5000) -> int:
    """Fill in 容缺 and 代办 of applications folded before they were kept, from each one's latest
    record (schema step 4); how many applications were marked."""
    marked, after = 0, ""
    while True:
        ids = [str(r[0]) for r in tuples(HubApplication.select(HubApplication.id).where(HubApplication.id > after)
                                         .order_by(HubApplication.id).limit(batch))]
        if not ids:
            return marked
        latest = (HubRecord.select(HubRecord.application_id, fn.MAX(HubRecord.seq).alias("seq"))
                  .where(HubRecord.application_id.in_(ids)).group_by(HubRecord.application_id).alias("latest"))
        rows = tuples(HubRecord.select(HubRecord.application_id, HubRecord.record)
                      .join(latest, on=((HubRecord.application_id == latest.c.application_id)
                                        & (HubRecord.seq == latest.c.seq))))
        with write_transaction():
            for app_id, text in rows:
                marks = case_marks(json.loads(text)["record"])
                if any(marks.values()):
                    marked += HubApplication.update(**marks).where(HubApplication.id == app_id).execute()
        after = ids[-1]
