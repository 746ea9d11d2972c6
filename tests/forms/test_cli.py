"""`jiujin catalog list|show|lint` and `jiujin forms check`: output shapes and exit codes."""

from __future__ import annotations

import json
from pathlib import Path

from click.testing import CliRunner

from forms import load_catalog
from station.cli import main
from tests.forms.helpers import ADULT_CARD, engine_item_data, new_catalog, write_item


def invoke(*args: str) -> tuple[int, str]:
    result = CliRunner().invoke(main, list(args))
    return result.exit_code, result.output


def test_list_json_has_the_promised_keys() -> None:
    code, output = invoke("catalog", "list", "--point-type", "bank", "--json")
    assert code == 0
    items = json.loads(output)["items"]
    assert items and all("bank" in i["point_types"] for i in items)
    assert {"code", "name", "point_types", "target", "card_only", "versions"} <= set(items[0])
    assert items[0]["versions"][0]["effective_from"]


def test_list_text_in_english() -> None:
    code, output = invoke("--lang", "en", "catalog", "list", "--point-type", "police")
    assert code == 0 and "Zhejiang residence permit application" in output


def test_show_json_has_the_whole_definition() -> None:
    code, output = invoke("catalog", "show", "HZ-GA-004", "--json")
    assert code == 0
    definition = json.loads(output)
    assert definition["code"] == "HZ-GA-004"
    assert [f["id"] for f in definition["fields"]][:2] == ["applicant_name", "id_number"]
    assert definition["derived"]["card_only"] is True


def test_show_unknown_code_fails() -> None:
    code, output = invoke("catalog", "show", "HZ-GA-999")
    assert code == 1 and "HZ-GA-999" in output


def test_lint_exit_codes(tmp_path: Path) -> None:
    root = new_catalog(tmp_path / "catalog")
    path = write_item(root, engine_item_data(), "item")
    assert invoke("catalog", "lint", str(root))[0] == 0
    path.write_text(path.read_text("utf-8").replace('kiosk = false', 'kiosk = "no"'), "utf-8")
    code, output = invoke("catalog", "lint", str(root))
    assert code == 1
    assert "item.toml:access.kiosk: expected true or false" in output
    code, output = invoke("catalog", "lint", str(root), "--json")
    assert code == 1 and json.loads(output)["issues"][0]["path"] == "access.kiosk"


def write_data(tmp_path: Path, values: dict[str, object], name: str) -> str:
    path = tmp_path / f"{name}.json"
    path.write_text(json.dumps({"values": values, "card": ADULT_CARD,
                                "context": {"today": "2024-02-08"}}), "utf-8")
    return str(path)


def test_forms_check_valid_and_invalid(tmp_path: Path) -> None:
    root = new_catalog(tmp_path / "catalog")
    write_item(root, engine_item_data(), "item")
    good = write_data(tmp_path, {"phone": "13812345678", "reason": "illness"}, "good")
    code, output = invoke("forms", "check", "HZ-MZ-900", good, "--catalog", str(root),
                          "--on", "2024-02-08")
    assert code == 0 and output.startswith("OK: HZ-MZ-900")
    bad = write_data(tmp_path, {"phone": "12", "reason": "illness"}, "bad")
    code, output = invoke("forms", "check", "HZ-MZ-900", bad, "--catalog", str(root),
                          "--on", "2024-02-08")
    assert code == 1
    assert json.loads(output)["errors"][0]["field"] == "phone"
    code, output = invoke("forms", "check", "HZ-MZ-900", good, "--catalog", str(root),
                          "--on", "2024-02-08", "--json")
    report = json.loads(output)
    assert code == 0 and report["outcome"]["kind"] == "one_time_notice"
    assert report["due"] == {"date": "2024-02-21", "confirmed": True}


def test_lint_json_reports_coverage_by_kind_and_the_counts_the_issue_names() -> None:
    """`catalog lint --json` shows cited facts by kind; the kinds add up to the totals."""
    code, output = invoke("catalog", "lint", "--json")
    assert code == 0, output
    stats = json.loads(output)["stats"]
    by_kind = stats["facts_by_kind"]
    assert {"materials", "promised_limit", "fee", "steps", "contact", "bodies"} <= set(by_kind)
    for status in ("cited", "partly", "unverified"):
        in_bundles = sum(b.source.status == status for b in load_catalog().bundles)
        assert sum(k.get(status, 0) for k in by_kind.values()) + in_bundles == stats["facts"][status]
    cited = stats["facts"]["cited"]
    assert stats["facts_cited_share"] == round(cited / sum(stats["facts"].values()), 4)
    assert stats["bundles"] == 3
    assert stats["kiosk_items"] > 0
    assert stats["kiosk_items_at_community"] <= stats["kiosk_items"]
    assert 0 < stats["near_personal_share"] <= 1
