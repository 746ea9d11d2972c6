"""The hub's calendar bundle (节假日调整) installed into the data folder and used by the counter
for due dates; a malformed one is refused and the installed overrides stay."""

from __future__ import annotations

from datetime import date

from forms.workdays import parse_overrides
from station.core.calendar_bundle import overrides_path
from station.core.counter import Counter, identity_from_card
from station.core.store import StationStore
from tests.conftest import Sessions
from tests.station.core.reconcile_helpers import Hub

CARD = {"name": "测试人", "gender": "男", "nation": "汉", "birth_date": "1990-03-07",
        "address": "浙江省杭州市西湖区文三路90号", "id_number": "110101199003070011",
        "issuer": "杭州市公安局西湖分局", "valid_from": "2015-03-10", "valid_to": "2035-03-10",
        "card_type": "resident"}
ITEM = "HZ-CL-101"  # 20 working days


def _due(counter: Counter, sessions: Sessions) -> date:
    draft = counter.start(sessions.operator, counter.item(ITEM), identity_from_card(CARD))
    due = counter.evaluate(sessions.operator, draft).due.date
    counter.discard(sessions.operator, draft.app_id)
    return due


def test_a_holiday_override_moves_the_due_date(store: StationStore, sessions: Sessions, hub: Hub) -> None:
    counter = Counter(store)
    before = _due(counter, sessions)
    # Thursday 2026-11-26: Friday the 27th is the first working day counted
    assert hub.send("calendar", {"overrides": {"2026-11-27": "holiday"}})["applied"]
    overrides, _years = parse_overrides(overrides_path(store.data_dir).read_text("utf-8"), "installed")
    assert overrides == {date(2026, 11, 27): False}
    after = _due(counter, sessions)
    assert after > before and counter.calendar is None  # the counter reads the installed file
    assert Counter(store).calendar is None and _due(Counter(store), sessions) == after

    hub.send("calendar", {"overrides": {"2026-11-27": "workday", "2026-11-28": "workday"}})  # a 调休 Saturday
    assert _due(counter, sessions) < before


def test_a_malformed_calendar_bundle_is_refused_and_the_installed_one_stays(
        store: StationStore, sessions: Sessions, hub: Hub) -> None:
    hub.send("calendar", {"overrides": {"2026-11-27": "holiday"}})
    installed = overrides_path(store.data_dir).read_bytes()
    report = hub.send("calendar", {"overrides": {"2026-13-40": "holiday"}}, as_older_hub=True)
    assert report["applied"] == [] and report["refused"][0]["reason"] == "malformed"
    assert "节假日调整包" in report["refused"][0]["message_zh"]
    assert overrides_path(store.data_dir).read_bytes() == installed


def test_the_receipt_confirms_a_due_date_once_the_hub_covers_its_year(
        store: StationStore, sessions: Sessions, hub: Hub) -> None:
    from station.core.documents import receipt_data
    from tests.station.core.helpers import draft

    app = store.applications.create_draft(sessions.operator, draft())
    store.applications.submit(sessions.operator, app.id, due_date=date(2027, 1, 20))
    assert receipt_data(store, sessions.operator, app.id).promise.confirmed is False  # 2027 not yet known

    hub.send("calendar", {"overrides": {"2027-01-01": "holiday"}, "complete_years": [2027]})
    assert receipt_data(store, sessions.operator, app.id).promise.confirmed is True
