"""`jiujin report …` against a real SQLCipher station and SQLite hub databases."""

from __future__ import annotations

import json
import sqlite3
from pathlib import Path

import pytest
from click.testing import CliRunner, Result

from devices.simulators.printer import PrinterSimulator
from station.cli import main
from station.core.store import StationStore
from sync.hub.models import HubApplication
from sync.hub.queries import CITY_COLUMNS, CITY_TABLE_DDL
from sync.hub.store import Place, initialise_hub
from tests.conftest import PASSWORDS, FakeClock
from tests.reports.helpers import CARD_ONLY, RONGQUE, draft_input, no_middle_digits, pdf_text
from tests.sync.helpers import CITY_ROWS


def _run(station_dir: Path, *args: str, operator: str = "wang") -> Result:
    env = {"JIUJIN_OPERATOR": operator, "JIUJIN_PASSWORD": PASSWORDS[operator], "JIUJIN_LANG": "zh",
           "JIUJIN_DATA_DIR": str(station_dir)}
    return CliRunner().invoke(main, list(args), env=env)


@pytest.fixture
def filed(station_dir: Path, clock: FakeClock) -> tuple[str, str]:
    """Two applications: one accepted with 容缺 (its receipt number), one draft (its id)."""
    store = StationStore(station_dir, clock)
    session = store.login("wang", PASSWORDS["wang"])
    app = store.applications.create_draft(session, draft_input(RONGQUE))
    clock.advance(minutes=5)
    number = store.applications.submit(session, app.id, rongque_deadline=clock().date()).receipt_number
    draft = store.applications.create_draft(session, draft_input({**CARD_ONLY, "photo": "missing"}))
    store.close()
    return str(number), draft.id


def test_receipt_pdf_escpos_and_offline_verification(station_dir: Path, filed: tuple[str, str],
                                                     tmp_path: Path) -> None:
    number, _ = filed
    pdf, raw, key = tmp_path / "r.pdf", tmp_path / "r.bin", tmp_path / "station.pem"
    result = _run(station_dir, "report", "receipt", number, "--pdf", str(pdf), "--escpos", str(raw),
                  "--paper", "58")
    assert result.exit_code == 0, result.output
    assert number in pdf_text(pdf.read_bytes()) and no_middle_digits(pdf_text(pdf.read_bytes()))
    assert "受理回执".encode("gb18030") in raw.read_bytes()
    assert _run(station_dir, "report", "public-key", "--out", str(key)).exit_code == 0
    printer = PrinterSimulator(58)
    printer.receive(raw.read_bytes())
    (qr,) = printer.model.receipts[0].qr_payloads
    ok = CliRunner().invoke(main, ["report", "verify-qr", qr, "--station-key", str(key), "--json"])
    assert ok.exit_code == 0 and '"ok": true' in ok.output and number in ok.output
    local = _run(station_dir, "report", "verify-qr", qr)
    assert local.exit_code == 0 and "签名有效" in local.output
    tampered = qr.replace(number, number[:-1] + ("2" if number[-1] != "2" else "3"))
    bad = CliRunner().invoke(main, ["report", "verify-qr", tampered, "--station-key", str(key)])
    assert bad.exit_code == 1 and "签名无效" in bad.output
    link = f"https://jiujin.hangzhou.example/c/{qr}"  # what a station that knows its hub prints
    linked = CliRunner().invoke(main, ["report", "verify-qr", link, "--station-key", str(key), "--json"])
    assert linked.exit_code == 0 and number in linked.output
    junk = CliRunner().invoke(main, ["report", "verify-qr", "hello", "--station-key", str(key)])
    assert junk.exit_code == 1 and "不是就近受理回执二维码" in junk.output


def test_notice_form_daily_and_reconcile(station_dir: Path, filed: tuple[str, str], tmp_path: Path) -> None:
    number, draft_id = filed
    out = tmp_path / "out.pdf"
    assert _run(station_dir, "report", "notice", draft_id, "--pdf", str(out)).exit_code == 0
    assert "近期免冠照片" in pdf_text(out.read_bytes())
    assert _run(station_dir, "report", "form", number, "--pdf", str(out)).exit_code == 0
    assert "申请表" in pdf_text(out.read_bytes())
    denied = _run(station_dir, "report", "daily", "--date", "2026-11-26", "--pdf", str(out))
    assert denied.exit_code == 1 and "无权" in denied.output
    daily = _run(station_dir, "report", "daily", "--date", "2026-11-26", "--pdf", str(out), operator="li")
    assert daily.exit_code == 0, daily.output
    assert "受理点日报" in pdf_text(out.read_bytes())
    result = _run(station_dir, "report", "reconcile", "--pdf", str(out), operator="zhao")
    assert result.exit_code == 0 and "站点发件箱" in pdf_text(out.read_bytes())
    amendment = _run(station_dir, "report", "amendment", number, "--pdf", str(out))
    assert amendment.exit_code == 1 and "没有补正要求" in amendment.output


def test_city_and_hub_reconcile_from_a_hub_database(tmp_path: Path) -> None:
    path = tmp_path / "hub.db"
    hub = initialise_hub(tmp_path / "hub", f"sqlite://{path}")
    HubApplication.insert_many([dict(zip(CITY_COLUMNS, row, strict=False)) for row in CITY_ROWS]).execute()
    hub.add_station("XH0001", "德加社区", place=Place("330106", "community", "330106004"))
    hub.close()
    out = tmp_path / "city.pdf"
    result = CliRunner().invoke(main, ["report", "city", "--hub-db", f"sqlite://{path}", "--pdf", str(out),
                                       "--from", "2026-11-01", "--to", "2026-11-30", "--json"])
    assert result.exit_code == 0, result.output
    figures = json.loads(result.output[result.output.index("{"):])
    assert figures["total"]["applications"] == 7 and figures["catalog"]["personal"] >= 100
    assert figures["ratings"]["rated"] == 0 and "暂无评价数据" in pdf_text(out.read_bytes())
    assert "西湖区" in pdf_text(out.read_bytes())
    assert figures["rating_detail"]["by_station"] == [] and "left out" not in result.output
    four_slashes = CliRunner().invoke(main, ["report", "city", "--hub-db", f"sqlite:///{path}", "--pdf", str(out)])
    assert four_slashes.exit_code == 0, four_slashes.output
    street = CliRunner().invoke(main, ["report", "street", "--hub-db", f"sqlite://{path}", "--pdf", str(out),
                                       "--town", "330106004", "--month", "2026-11", "--json"])
    assert street.exit_code == 0, street.output
    assert '"stations": [\n    "XH0001"\n  ]' in street.output and "街道便民服务月报" in pdf_text(out.read_bytes())
    wrong_month = CliRunner().invoke(main, ["report", "street", "--hub-db", f"sqlite://{path}", "--pdf", str(out),
                                            "--town", "330106004", "--month", "2026-13"])
    assert wrong_month.exit_code == 1 and "YYYY-MM" in wrong_month.output and "Traceback" not in wrong_month.output
    bare = tmp_path / "bare.db"
    with sqlite3.connect(bare) as connection:
        connection.execute(CITY_TABLE_DDL)
    missing = CliRunner().invoke(main, ["report", "reconcile", "--hub-db", f"sqlite://{bare}",
                                        "--pdf", str(out)])
    assert missing.exit_code == 1 and "中心数据库" in missing.output
    nowhere = CliRunner().invoke(main, ["report", "city", "--hub-db", f"sqlite://{tmp_path}/none.db",
                                        "--pdf", str(out)])
    assert nowhere.exit_code != 0
