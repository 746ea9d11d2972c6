"""Shared data that may be unavailable: offline, or a dataset the hub reports down, a material
that a `shared:` dataset replaces becomes 容缺 (or required on paper) and the notice says why."""

from __future__ import annotations

import pytest

from forms import Evaluation
from reports import ApplicantInfo
from station.core import documents
from station.core.counter import Counter, identity_from_card
from station.core.shared_data import OFFLINE_AFTER, shared_data_state
from station.core.store import StationStore
from sync.errors import HubError
from tests.conftest import FakeClock, Sessions
from tests.reports.helpers import pdf_text
from tests.station.core.reconcile_helpers import Hub

CARD = {"name": "测试人", "gender": "男", "nation": "汉", "birth_date": "1990-03-07",
        "address": "浙江省杭州市西湖区文三路90号", "id_number": "110101199003070011",
        "issuer": "杭州市公安局西湖分局", "valid_from": "2015-03-10", "valid_to": "2035-03-10",
        "card_type": "resident"}
PERMIT = "HZ-GA-004"  # its photo comes from shared:photo; the item accepts 容缺
UNREACHABLE = "共享数据暂时无法调取"


def _evaluate(store: StationStore, sessions: Sessions, code: str = PERMIT) -> Evaluation:
    counter = Counter(store)
    draft = counter.start(sessions.operator, counter.item(code), identity_from_card(CARD))
    draft.values.update({"phone": "13812345678", "basis": "employment"})
    evaluation = counter.evaluate(sessions.operator, draft)
    counter.discard(sessions.operator, draft.app_id)
    return evaluation


def _photo(evaluation: Evaluation) -> tuple[str, str]:
    status = next(s for s in evaluation.materials if s.material.id == "photo")
    return status.status, status.detail


def test_a_station_in_touch_with_its_hub_counts_on_shared_data(
        store: StationStore, sessions: Sessions, hub: Hub) -> None:
    hub.send("offline_policy", {})
    assert not shared_data_state(store.clock).offline
    assert _photo(_evaluate(store, sessions)) == ("satisfied_by_shared_data", "photo")


def test_offline_for_a_day_shared_data_is_not_counted_on_and_the_notice_says_so(
        store: StationStore, sessions: Sessions, hub: Hub, clock: FakeClock) -> None:
    hub.send("offline_policy", {})
    clock.advance(seconds=OFFLINE_AFTER.total_seconds() + 60)
    assert shared_data_state(store.clock).offline
    evaluation = _evaluate(store, sessions)
    assert _photo(evaluation) == ("missing_rongque", "shared_unavailable")
    assert evaluation.outcome.kind == "accept_with_rongque"
    text = pdf_text(documents.notice_pdf_from_evaluation(
        store, sessions.operator, evaluation, ApplicantInfo("测试人", CARD["id_number"])))
    assert "近期免冠照片" in text and UNREACHABLE in text.replace("\n", "")


def test_a_dataset_the_hub_reports_down_is_not_counted_on_and_others_still_are(
        store: StationStore, sessions: Sessions, hub: Hub) -> None:
    assert hub.send("shared_data", {"unavailable": ["photo"], "note": "省平台维护"})["applied"]
    assert shared_data_state(store.clock).reported == {"photo"}
    evaluation = _evaluate(store, sessions)
    assert _photo(evaluation) == ("missing_rongque", "shared_unavailable")
    employment = next(s for s in evaluation.materials if s.material.id == "employment_proof")
    assert employment.status == "satisfied_by_shared_data"
    hub.send("shared_data", {"unavailable": []})
    assert _photo(_evaluate(store, sessions))[0] == "satisfied_by_shared_data"


def test_an_item_without_rongque_asks_for_the_paper_when_its_data_is_down(
        store: StationStore, sessions: Sessions, hub: Hub) -> None:
    counter = Counter(store)
    item = next(i for i in counter.services("person")
                if i.rongque is None and any(m.datasets and m.when is None and m.necessity == "required"
                                             and not m.identity_tokens for m in i.materials))
    datasets = sorted({d for m in item.materials for d in m.datasets})
    hub.send("shared_data", {"unavailable": datasets})
    evaluation = _evaluate(store, sessions, item.code)
    shared = [s for s in evaluation.materials if s.material.datasets and s.required
              and s.status != "provided" and not s.material.identity_tokens]
    assert shared and all((s.status, s.detail) == ("missing", "shared_unavailable") for s in shared)
    assert evaluation.outcome.kind == "one_time_notice"
    assert all(UNREACHABLE in e.why.zh for e in evaluation.outcome.notice if e.id in {s.material.id for s in shared})


def test_a_shared_data_bundle_naming_an_unknown_dataset_is_refused(hub: Hub) -> None:
    with pytest.raises(HubError, match=r"unavailable\[0\]"):
        hub.send("shared_data", {"unavailable": ["not_a_dataset"]})
    report = hub.send("shared_data", {"unavailable": ["not_a_dataset"]}, as_older_hub=True)
    assert [r["reason"] for r in report["refused"]] == ["malformed"]


def test_a_station_never_linked_to_a_hub_keeps_the_catalogs_assumption(
        store: StationStore, sessions: Sessions) -> None:
    assert shared_data_state(store.clock).unavailable == frozenset()
    assert _photo(_evaluate(store, sessions))[0] == "satisfied_by_shared_data"
