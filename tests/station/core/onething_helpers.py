"""Filling a 一件事's forms in tests: every visible required field left blank gets a plausible
value of its type, so the tests follow the catalog's forms as they change."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import replace
from pathlib import Path
from typing import Any

from forms import Item, hangzhou_divisions
from station.core.clock import Clock
from station.core.counter import BundleCase, Counter, CounterDraft
from station.core.session import Session
from station.core.store import StationStore
from tests.conftest import CONFIG, PASSWORDS, ROLES, Sessions

CARD = {"name": "测试人", "gender": "男", "nation": "汉", "birth_date": "1960-03-07",
        "address": "浙江省杭州市西湖区文三路90号", "id_number": "110101196003070018",
        "issuer": "杭州市公安局西湖分局", "valid_from": "2015-03-10", "valid_to": "2035-03-10",
        "card_type": "resident"}
OTHER_PERSON = "330106193505120010"  # a valid ID number (the deceased, a relative)


def town() -> str:
    """A current town (乡镇街道) of Hangzhou."""
    table = hangzhou_divisions()
    county = next(c for c in table.counties() if table.towns(c.code))
    return table.towns(county.code)[0].code


SAMPLES: dict[str, Any] = {"text": "测试内容", "phone": "13800138000", "address": "浙江省杭州市西湖区文三路100号",
                           "id_number": OTHER_PERSON, "date": "2026-11-20", "integer": 1, "number": 1,
                           "money": "100.00",
                           "bank_account": "6222021202041234567", "birth_cert_no": "O330123456"}


def sample(item: Item, field_id: str) -> Any:
    """A value for one field of `item`, by its type."""
    found = next(f for f in item.fields if f.id == field_id)
    if found.choices:
        return found.choices[0].value
    if found.type == "division":
        return town()
    return SAMPLES.get(found.id, SAMPLES.get(found.type, "测试"))


def fill(counter: Counter, session: Session, draft: CounterDraft) -> None:
    """Fill every required field the engine still reports blank (a few rounds: fields appear)."""
    for _round in range(4):
        evaluation = counter.evaluate(session, draft)
        blank = [e.path for e in evaluation.errors if "." not in e.path and e.path not in draft.values]
        if not blank:
            return
        for path in blank:
            draft.values[path] = sample(draft.item, path)


def fill_case(counter: Counter, session: Session, case: BundleCase) -> None:
    for draft in case.drafts:
        fill(counter, session, draft)


def hand_in_missing(counter: Counter, session: Session, case: BundleCase) -> None:
    """The papers the notice asked for are brought: every missing material counts as received."""
    for draft in case.drafts:
        evaluation = counter.evaluate(session, draft)
        draft.received |= {m.material.id for m in evaluation.materials if m.status == "missing"}


#: Where each shipped bundle is filed (its lead item's point type) in the end-to-end tests.
BUNDLE_POINTS = {"HZ-YJS-001": "police", "HZ-YJS-002": "community", "HZ-YJS-003": "community"}


@contextmanager
def station_at(folder: Path, clock: Clock, point_type: str) -> Iterator[tuple[StationStore, Sessions]]:
    """A station of `point_type` with the test operators, logged in, closed afterwards."""
    config = replace(CONFIG, point_type=point_type, name=f"测试{point_type}受理点")
    store = StationStore.initialise(folder, config, "admin", "陈管理员", PASSWORDS["admin"], clock=clock)
    admin = store.login("admin", PASSWORDS["admin"])
    for name, display in (("wang", "王小红"), ("li", "李主管"), ("zhao", "赵同步")):
        store.operators.add(admin, name, display, ROLES[name], PASSWORDS[name])
    try:
        yield store, Sessions(admin, *(store.login(n, PASSWORDS[n]) for n in ("wang", "li", "zhao")))
    finally:
        store.close()
