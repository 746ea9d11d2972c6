"""`jiujin report …`: receipts, notices, forms, amendment notices, daily, reconciliation and
city reports as PDF, and offline checking of a receipt's QR code."""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime
from pathlib import Path
from typing import Any, TypeVar

import click

from station.cli.common import emit_json, open_session, operator_options
from station.cli.lazy import Lazy, LazyGroup

F = TypeVar("F", bound=Callable[..., Any])
DATE = click.DateTime(["%Y-%m-%d"])


def _write(path: str, data: bytes, what: str) -> None:
    Path(path).write_bytes(data)
    click.echo(f"{what} → {path}")


@click.group(cls=LazyGroup, lazy_commands={
    "city": Lazy("sync.hub.cli.report:city", "The city report: the catalog's measures, then cases by district, "
                 "point type, department and month, aggregated by the hub's database (docs/metrics.md)."),
    "street": Lazy("sync.hub.cli.report:street", "A street office's month: cases by department, on the spot, "
                   "容缺 and 代办.")}, extras={"city": "hub", "street": "hub"})
def report() -> None:
    """Documents and reports (PDF), and receipt QR checks. / 文书与报表"""


def _document_command(name: str, what: str, help_text: str) -> None:
    """One `report <name> APP --pdf F` command over `documents.<name>_pdf`."""

    @report.command(name, help=help_text)
    @operator_options
    @click.argument("app")
    @click.option("--pdf", "pdf_path", required=True, type=click.Path(dir_okay=False),
                  help="Where to write the PDF. / PDF 文件")
    @click.pass_context
    def command(ctx: click.Context, data_dir_option: str | None, operator: str,
                password_file: str | None, app: str, pdf_path: str) -> None:
        from station.core import documents

        store, session = open_session(ctx, data_dir_option, operator, password_file)
        make = getattr(documents, f"{name}_pdf")
        _write(pdf_path, make(store, session, app), what)


_document_command("notice", "一次性告知书", "One-time notice of missing materials. / 一次性告知书")
_document_command("form", "申请表", "The prefilled application form for signature. / 申请表")
_document_command("amendment", "补正通知书", "Amendment notice (补正). / 补正通知书")


@report.command("receipt")
@operator_options
@click.argument("app")
@click.option("--pdf", "pdf_path", type=click.Path(dir_okay=False), help="A4 PDF file.")
@click.option("--escpos", "escpos_path", type=click.Path(dir_okay=False),
              help="ESC/POS bytes for the receipt printer.")
@click.option("--paper", type=click.Choice(["58", "80"]), default=None,
              help="Paper width in mm (default: the station's printer).")
@click.option("--case", "whole_case", is_flag=True,
              help="APP is an item of a 一件事: the case's one receipt, every item on it. / 一件事回执")
@click.pass_context
def receipt(ctx: click.Context, data_dir_option: str | None, operator: str,
            password_file: str | None, app: str, pdf_path: str | None, escpos_path: str | None,
            paper: str | None, whole_case: bool) -> None:
    """The acceptance receipt, as A4 PDF and/or printer bytes. / 受理回执"""
    from station.core import documents

    if not pdf_path and not escpos_path:
        raise click.UsageError("give --pdf and/or --escpos / 请指定 --pdf 或 --escpos")
    store, session = open_session(ctx, data_dir_option, operator, password_file)
    case_id = _case_of(store, session, app) if whole_case else None
    if pdf_path:
        data = (documents.case_receipt_pdf(store, session, case_id) if case_id
                else documents.receipt_pdf(store, session, app))
        _write(pdf_path, data, "一件事受理回执" if case_id else "受理回执")
    if escpos_path:
        from devices.printer.encoder import PrinterProfile, encode_receipt

        width = int(paper) if paper else store.config.devices.paper_width_mm
        layout = (documents.case_receipt_layout(store, session, case_id, paper_mm=width) if case_id
                  else documents.receipt_layout(store, session, app, paper_mm=width))
        profile = PrinterProfile(paper_mm=58 if width == 58 else 80)
        _write(escpos_path, encode_receipt(layout, profile), "ESC/POS")


def _case_of(store: Any, session: Any, app: str) -> str:
    """The 一件事 case the application `app` is an item of (a usage error when it is none)."""
    found = store.applications.get(session, app)
    if not found.case_id:
        raise click.UsageError(f"{app} 不属于一件事 / is not an item of a 一件事")
    return str(found.case_id)


@report.command("daily")
@operator_options
@click.option("--date", "day", type=DATE, default=None, help="YYYY-MM-DD (default today).")
@click.option("--pdf", "pdf_path", required=True, type=click.Path(dir_okay=False))
@click.pass_context
def daily(ctx: click.Context, data_dir_option: str | None, operator: str,
          password_file: str | None, day: datetime | None, pdf_path: str) -> None:
    """The daily station report for the supervisor to sign. / 受理点日报"""
    from station.core import documents

    store, session = open_session(ctx, data_dir_option, operator, password_file)
    chosen = day.date() if day else store.clock().date()
    _write(pdf_path, documents.daily_pdf(store, session, chosen), "日报")


@report.command("reconcile")
@click.option("--pdf", "pdf_path", required=True, type=click.Path(dir_okay=False))
@click.option("--hub-db", envvar="JIUJIN_HUB_DB", default=None,
              help="The hub's database URL: report the hub's ledger instead of this station's.")
@click.option("--station", "station_code", default=None, help="With --hub-db: one station.")
@click.option("--operator", envvar="JIUJIN_OPERATOR", default=None)
@click.option("--password-file", type=click.Path(exists=True, dir_okay=False), default=None)
@click.option("--data-dir", "data_dir_option", type=click.Path(file_okay=False), default=None)
@click.pass_context
def reconcile(ctx: click.Context, pdf_path: str, hub_db: str | None, station_code: str | None,
              operator: str | None, password_file: str | None, data_dir_option: str | None) -> None:
    """Reconciliation: this station's outbox, or the hub's ledger with --hub-db. / 对账报告"""
    if hub_db:
        from station.cli.extras import missing_message, missing_modules

        if missing_modules("hub"):
            raise click.UsageError(missing_message("hub").removeprefix("jiujin: "))
        from sync.hub.cli.report import hub_reconcile_pdf

        hub_reconcile_pdf(pdf_path, hub_db, station_code)
        return
    from station.core import documents

    store, session = open_session(ctx, data_dir_option, _need_operator(operator), password_file)
    _write(pdf_path, documents.reconcile_pdf(store, session), "对账报告")


@report.command("verify-qr")
@click.argument("payload")
@click.option("--station-key", type=click.Path(exists=True, dir_okay=False), default=None,
              help="The station's public key (PEM, raw 32 bytes or hex); else the local station's.")
@click.option("--operator", envvar="JIUJIN_OPERATOR", default=None)
@click.option("--password-file", type=click.Path(exists=True, dir_okay=False), default=None)
@click.option("--data-dir", "data_dir_option", type=click.Path(file_okay=False), default=None)
@click.option("--json", "as_json", is_flag=True)
@click.pass_context
def verify_qr(ctx: click.Context, payload: str, station_key: str | None, operator: str | None,
              password_file: str | None, data_dir_option: str | None, as_json: bool) -> None:
    """Check a receipt's QR payload offline; exit 1 when it does not verify. / 核验回执二维码"""
    import reports

    if station_key:
        claim = reports.verify_payload(payload, _read_public_key(Path(station_key)))
    else:
        from station.core import documents

        store, session = open_session(ctx, data_dir_option, _need_operator(operator), password_file)
        claim = documents.verify_qr(store, session, payload)
    if as_json:
        emit_json({"ok": True, "receipt_number": claim.receipt_number,
                   "application_id": claim.application_id, "station": claim.station_code})
    else:
        click.echo(f"签名有效 / signature valid: {claim.receipt_number} ({claim.application_id})")


@report.command("public-key")
@operator_options
@click.option("--out", "out_path", type=click.Path(dir_okay=False), default=None,
              help="Write the PEM here (default: print it).")
@click.pass_context
def public_key(ctx: click.Context, data_dir_option: str | None, operator: str,
               password_file: str | None, out_path: str | None) -> None:
    """The station's public key, for checking its receipts elsewhere. / 站点公钥"""
    from station.core import documents

    store, session = open_session(ctx, data_dir_option, operator, password_file)
    pem = documents.public_key_pem(documents.station_public_key(store, session))
    if out_path:
        _write(out_path, pem, "站点公钥")
    else:
        click.echo(pem.decode("ascii"), nl=False)


def _need_operator(operator: str | None) -> str:
    if not operator:
        raise click.UsageError("set --operator or JIUJIN_OPERATOR / 请指定 --operator")
    return operator


def _read_public_key(path: Path) -> Any:
    from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PublicKey
    from cryptography.hazmat.primitives.serialization import load_pem_public_key

    data = path.read_bytes()
    if data.lstrip().startswith(b"-----BEGIN"):
        key = load_pem_public_key(data)
        if not isinstance(key, Ed25519PublicKey):
            raise click.BadParameter("not an Ed25519 key / 不是 Ed25519 公钥")
        return key
    if len(data) == 32:
        return Ed25519PublicKey.from_public_bytes(data)
    try:
        return Ed25519PublicKey.from_public_bytes(bytes.fromhex(data.decode("ascii").strip()))
    except ValueError:
        raise click.BadParameter("expected PEM, 32 raw bytes or 64 hex digits / 公钥格式不符") from None
