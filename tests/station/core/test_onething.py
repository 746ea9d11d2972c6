"""一件事 bundles: modelled in the catalog (checked by lint), started at the counter for one
person as one draft per item, and one notice of what all of them still need."""

from __future__ import annotations

from pathlib import Path

import pytest

from forms import load_catalog
from forms.collection import lint
from forms.onething import bundle_notice, bundle_ready
from reports import ApplicantInfo
from station.core import documents
from station.core.counter import Counter, identity_from_card
from station.core.errors import NotAcceptedHere
from station.core.store import StationStore
from tests.conftest import Sessions
from tests.reports.helpers import pdf_text

CATALOG = load_catalog()
CARD = {"name": "测试人", "gender": "男", "nation": "汉", "birth_date": "1960-03-07",
        "address": "浙江省杭州市西湖区文三路90号", "id_number": "110101196003070018",
        "issuer": "杭州市公安局西湖分局", "valid_from": "2015-03-10", "valid_to": "2035-03-10",
        "card_type": "resident"}


def test_the_catalog_has_three_bundles_for_birth_retirement_and_after_a_death() -> None:
    names = {b.code: b.name.zh for b in CATALOG.bundles}
    assert names == {"HZ-YJS-001": "新生儿出生一件事", "HZ-YJS-002": "退休一件事",
                     "HZ-YJS-003": "身后一件事"}
    for bundle in CATALOG.bundles:
        assert len(bundle.codes) >= 2 and all(CATALOG.get(c).target == "person" for c in bundle.codes)
        assert bundle.point_types == tuple(sorted(CATALOG.get(bundle.items[0]).access.point_types))


@pytest.mark.parametrize(("text", "problem"), [
    ('items = ["HZ-GA-112", "HZ-XX-999"]', "HZ-XX-999 is not a personal item"),
    ('items = ["HZ-GA-112"]', "at least two distinct items"),
    ('items = ["HZ-GA-112", "HZ-GJJ-113"]', "HZ-GJJ-113 is not a personal item"),
])
def test_lint_refuses_a_bundle_with_unknown_business_or_too_few_items(
        tmp_path: Path, text: str, problem: str) -> None:
    root = tmp_path / "catalog"
    for source in CATALOG.root.rglob("*.toml") if CATALOG.root else []:
        target = root / source.relative_to(CATALOG.root)
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_bytes(source.read_bytes())
    (root / "_bundles.toml").write_text(
        f'[[bundles]]\ncode = "HZ-YJS-009"\nname = "测试一件事"\nname_en = "Test"\n{text}\n'
        'source = "unverified"\n', "utf-8")
    issues = [issue.line() for issue in lint(root).issues]
    assert any(problem in line and "_bundles.toml" in line for line in issues), issues


def test_a_point_files_the_bundles_whose_lead_item_it_accepts() -> None:
    assert [b.code for b in CATALOG.bundles_for("community")] == ["HZ-YJS-002", "HZ-YJS-003"]
    assert [b.code for b in CATALOG.bundles_for("police")] == ["HZ-YJS-001", "HZ-YJS-003"]
    assert [b.code for b in CATALOG.bundles_for("bank")] == ["HZ-YJS-002"]


def test_after_a_death_one_application_gets_one_notice_for_all_its_items(
        store: StationStore, sessions: Sessions) -> None:
    assert store.config.point_type == "community"
    counter = Counter(store)
    bundle = CATALOG.bundle("HZ-YJS-003")
    drafts = counter.start_bundle(sessions.operator, bundle, identity_from_card(CARD),
                                  include=("HZ-CL-104",))
    assert [d.item.code for d in drafts] == ["HZ-GA-112", "HZ-MZ-106", "HZ-CL-104"]
    assert len({d.app_id for d in drafts}) == 3
    evaluations = [counter.evaluate(sessions.operator, d) for d in drafts]
    assert not bundle_ready(evaluations)
    entries = bundle_notice(evaluations)
    missing = [(e.what.zh, s.item.name.zh) for s in evaluations for e in s.outcome.notice]
    assert missing, "a death certificate is never on the card"
    names = [e.what.zh for e in entries]
    assert len(names) == len(set(names))
    for what, item_name in missing:
        assert any(name.startswith(what) and item_name in name for name in names), (what, item_name)
    text = pdf_text(documents.bundle_notice_pdf(store, sessions.operator, bundle, evaluations,
                                                ApplicantInfo(CARD["name"], CARD["id_number"])))
    compact = text.replace("\n", "").replace(" ", "")
    assert "身后一件事" in compact and "HZ-YJS-003" in compact
    assert all(what.replace(" ", "") in compact for what, _ in missing)


def test_a_point_that_does_not_take_the_lead_item_refuses_the_bundle(
        store: StationStore, sessions: Sessions) -> None:
    with pytest.raises(NotAcceptedHere) as caught:
        Counter(store).start_bundle(sessions.operator, CATALOG.bundle("HZ-YJS-001"),
                                    identity_from_card(CARD))  # 出生登记 is at police points only
    assert "出生一件事" in caught.value.message("zh") and "Birth" in caught.value.message("en")
