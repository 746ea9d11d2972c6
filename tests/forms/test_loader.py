"""Loading and linting: precise file:key.path errors, versions in force, provenance counts."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date
from pathlib import Path
from typing import Any

import pytest

from forms import Catalog, CatalogInvalid, ItemNotFound, lint, load_catalog
from tests.forms.helpers import engine_item_data, new_catalog, write_item

Edit = Callable[[dict[str, Any]], None]


def lint_lines(tmp_path: Path, edit: Edit) -> list[str]:
    root = new_catalog(tmp_path / "catalog")
    data = engine_item_data()
    edit(data)
    write_item(root, data, "item")
    return [issue.line() for issue in lint(root).issues]


def set_key(path: str, value: object) -> Edit:
    def edit(data: dict[str, Any]) -> None:
        *parents, last = path.split(".")
        target: Any = data
        for part in parents:
            target = target[int(part)] if part.isdigit() else target[part]
        target[last] = value

    return edit


def drop_key(path: str) -> Edit:
    def edit(data: dict[str, Any]) -> None:
        *parents, last = path.split(".")
        target: Any = data
        for part in parents:
            target = target[int(part)] if part.isdigit() else target[part]
        del target[last]

    return edit


@pytest.mark.parametrize(("edit", "expected"), [
    (set_key("colour", "red"), "item.toml:colour: unknown key"),
    (drop_key("name_en"), "item.toml:name_en: required key is missing"),
    (set_key("item_type", "licence"), "item.toml:item_type: unknown value 'licence'"),
    (set_key("code", "HZ-GA-900"), "item.toml:code: prefix must be HZ-MZ-"),
    (set_key("access.visits", 2), "item.toml:access.visits: must be 0 or 1 unless exception"),
    (set_key("access.point_types", ["school"]), "item.toml:access.point_types[0]: unknown point"),
    (set_key("legal_limit", {"value": 3, "unit": "days", "source": "unverified"}),
     "item.toml:promised_limit: promised 5 working_days exceeds the legal 3 days"),
    (set_key("materials.0.replaced_by", ["idcard"]),
     "item.toml:materials[0].replaced_by[0]: unknown token 'idcard'"),
    (set_key("materials.1.replaced_by", ["shared:weather"]),
     "item.toml:materials[1].replaced_by[0]: unknown dataset 'weather'"),
    (set_key("materials.0.source", "L-NOPE 第1条"),
     "item.toml:materials[0].source: unknown source key 'L-NOPE'"),
    (drop_key("materials.3.where_en"), "item.toml:materials[3].where_en: required key"),
    (set_key("fields.5.show_if", "by_proxi"),
     "item.toml:fields[5].show_if: ExpressionNameError: col 1: unknown name 'by_proxi'"),
    (set_key("fields.5.show_if", "by_proxy.__class__"),
     "item.toml:fields[5].show_if: ExpressionUnsafeError: col 9"),
    (set_key("fields.1.id", "phone"), "item.toml:fields[3].id: duplicate field id 'phone'"),
    (set_key("fields.10.material", "passport"), "item.toml:fields[10].material: no material"),
    (set_key("fields.3.max_length", 5), "item.toml:fields[3].max_length: does not apply"),
    (set_key("fields.4.default", "yes"), "item.toml:fields[4].default: not a valid boolean"),
    (set_key("fields.8.fields.1.type", "colour"), "item.toml:fields[8].fields[1].type"),
    (set_key("effective_from", "2024-01-01"), "item.toml:effective_from: expected a TOML date"),
    (set_key("fields.2.compute", "age + 1"), "item.toml:fields[2].compute: a field cannot"),
    (drop_key("rongque"), "item.toml:rongque: required key is missing"),
    (set_key("fields.1.source", "L-NOPE 第1条"), "item.toml:fields[1].source: unknown source key 'L-NOPE'"),
])
def test_lint_reports_file_key_path_and_reason(tmp_path: Path, edit: Edit, expected: str) -> None:
    lines = lint_lines(tmp_path, edit)
    assert any(expected in line for line in lines), lines


def test_compute_cycles_are_rejected(tmp_path: Path) -> None:
    def edit(data: dict[str, Any]) -> None:
        data["fields"][2]["compute"] = "total_income + 1"
        data["fields"][9]["compute"] = "age + 1"

    assert any("depends on itself" in line for line in lint_lines(tmp_path, edit))


def test_file_in_the_wrong_folder(tmp_path: Path) -> None:
    root = new_catalog(tmp_path / "catalog")
    path = write_item(root, engine_item_data(), "item")
    moved = root / "police" / "item.toml"
    moved.parent.mkdir()
    path.rename(moved)
    assert any("folder 'police'" in issue.line() for issue in lint(root).issues)


def test_invalid_toml_is_reported_not_raised(tmp_path: Path) -> None:
    root = new_catalog(tmp_path / "catalog")
    (root / "police").mkdir()
    (root / "police" / "broken.toml").write_text("code = \n", "utf-8")
    issues = lint(root).issues
    assert len(issues) == 1 and "cannot read TOML" in issues[0].reason
    with pytest.raises(CatalogInvalid) as caught:
        load_catalog(root)
    assert "broken.toml" in caught.value.message_en and "事项目录" in caught.value.message_zh


def two_versions(root: Path, second: dict[str, Any]) -> None:
    first = engine_item_data() | {"effective_to": date(2024, 12, 31)}
    write_item(root, first, "v1")
    write_item(root, engine_item_data() | second, "v2")


def test_date_effective_version_selection(tmp_path: Path) -> None:
    root = new_catalog(tmp_path / "catalog")
    two_versions(root, {"version": "2", "effective_from": date(2025, 1, 1), "supersedes": "1",
                        "name": "测试救助申请（2025版）"})
    catalog = load_catalog(root)
    assert catalog.get("HZ-MZ-900", on=date(2024, 12, 31)).version == "1"
    assert catalog.get("HZ-MZ-900", on=date(2025, 1, 1)).version == "2"
    assert [v.version for v in catalog.versions("HZ-MZ-900")] == ["1", "2"]
    with pytest.raises(ItemNotFound):
        catalog.get("HZ-MZ-900", on=date(2023, 6, 1))
    assert catalog.current(date(2023, 6, 1)) == []


@pytest.mark.parametrize(("second", "expected"), [
    ({"version": "2", "effective_from": date(2024, 6, 1)}, "overlaps version '2'"),
    ({"version": "1", "effective_from": date(2025, 1, 1)}, "duplicate version '1'"),
    ({"version": "2", "effective_from": date(2025, 1, 1), "supersedes": "0"}, "no version '0'"),
])
def test_version_conflicts(tmp_path: Path, second: dict[str, Any], expected: str) -> None:
    root = new_catalog(tmp_path / "catalog")
    two_versions(root, second)
    assert any(expected in issue.line() for issue in lint(root).issues)


def test_items_for_point_type_and_search(tmp_path: Path) -> None:
    root = new_catalog(tmp_path / "catalog")
    write_item(root, engine_item_data())
    catalog = load_catalog(root)
    on = date(2024, 3, 1)
    assert [i.code for i in catalog.items_for("community", on)] == ["HZ-MZ-900"]
    assert catalog.items_for("police", on) == []
    assert [i.code for i in catalog.search("csjz", on)] == ["HZ-MZ-900"]  # 测试救助
    assert catalog.search("jzz", on) == []


def test_pinyin_search_finds_residence_permits() -> None:
    found = {item.name.zh for item in load_catalog().search("jzz")}
    assert "浙江省居住证申领" in found


def test_provenance_is_counted() -> None:
    stats = Catalog(lint().items).stats()
    facts = stats["facts"]
    assert isinstance(facts, dict) and facts.get("cited", 0) > 0 and facts.get("unverified", 0) > 0
    assert 0 < float(stats["card_only_share"]) <= 1  # type: ignore[arg-type]


def test_a_field_a_law_names_carries_its_source_and_is_counted_apart_from_the_facts(tmp_path: Path) -> None:
    root = new_catalog(tmp_path / "catalog")
    data = engine_item_data()
    write_item(root, data, "item")
    before = Catalog(lint(root).items).stats()
    data["fields"][1]["source"] = "L-RP 第2条"
    data["fields"][2]["source"] = "L-RP 第2条; unverified: whether Hangzhou asks it this way"
    write_item(root, data, "item")
    result = lint(root)
    assert not result.issues
    field = result.items[0].fields[1]
    assert field.source is not None and field.source.keys == ("L-RP",) and field.source.status == "cited"
    after = Catalog(result.items).stats()
    assert after["fields"] == {"total": before["fields"]["total"], "cited": 1, "partly": 1}  # type: ignore[index]
    assert after["facts"] == before["facts"]  # a sourced field is not one more cited fact
