"""`jiujin report …`: receipts, notices, forms, amendment notices, daily, reconciliation and
city reports as PDF, and offline checking of a receipt's QR code."""

from __future__ import annotations

import sqlite3
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from datetime import date, datetime
from pathlib import Path
from typing import Any, TypeVar
from urllib.parse import parse_qs, unquote, urlparse

import click

from station.cli.common import emit_json, open_session, operator_options
from station.core.clock import system_clock

F = TypeVar("F", bound=Callable[..., Any])
DATE = click.DateTime(["%Y-%m-%d"])


def _write(path: str, data: bytes, what: str) -> None:
    Path(path).write_bytes(data)
    click.echo(f"{what} → {path}")


@click.group()
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
@click.pass_context
def receipt(ctx: click.Context, data_dir_option: str | None, operator: str,
            password_file: str | None, app: str, pdf_path: str | None, escpos_path: str | None,
            paper: str | None) -> None:
    """The acceptance receipt, as A4 PDF and/or printer bytes. / 受理回执"""
    from station.core import documents

    if not pdf_path and not escpos_path:
        raise click.UsageError("give --pdf and/or --escpos / 请指定 --pdf 或 --escpos")
    store, session = open_session(ctx, data_dir_option, operator, password_file)
    if pdf_path:
        _write(pdf_path, documents.receipt_pdf(store, session, app), "受理回执")
    if escpos_path:
        from devices.printer.encoder import PrinterProfile, encode_receipt

        width = int(paper) if paper else store.config.devices.paper_width_mm
        layout = documents.receipt_layout(store, session, app, paper_mm=width)
        profile = PrinterProfile(paper_mm=58 if width == 58 else 80)
        _write(escpos_path, encode_receipt(layout, profile), "ESC/POS")


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
    import reports

    if hub_db:
        with _hub_connection(hub_db) as connection:
            ledgers = reports.hub_ledgers(connection, station_code)
        _write(pdf_path, reports.reconcile_pdf(hub=ledgers, generated_at=system_clock()), "对账报告")
        return
    from station.core import documents

    store, session = open_session(ctx, data_dir_option, _need_operator(operator), password_file)
    _write(pdf_path, documents.reconcile_pdf(store, session), "对账报告")


@report.command("city")
@click.option("--pdf", "pdf_path", required=True, type=click.Path(dir_okay=False))
@click.option("--hub-db", envvar="JIUJIN_HUB_DB", required=True, help="The hub's database URL.")
@click.option("--from", "start", type=DATE, default=None, help="First day (YYYY-MM-DD).")
@click.option("--to", "end", type=DATE, default=None, help="Last day (YYYY-MM-DD).")
@click.option("--json", "as_json", is_flag=True, help="Print the figures as JSON too.")
def city(pdf_path: str, hub_db: str, start: datetime | None, end: datetime | None,
         as_json: bool) -> None:
    """The city report by district and point type, aggregated by the hub's database. / 城市报告"""
    import reports

    with _hub_connection(hub_db) as connection:
        figures = reports.city_figures(connection, start=start.date() if start else None,
                                       end=end.date() if end else None, generated_at=system_clock())
    _write(pdf_path, reports.city_pdf(figures), "城市报告")
    if as_json:
        emit_json(_city_json(figures))


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


@contextmanager
def _hub_connection(url: str) -> Iterator[Any]:
    """A DB-API connection to the hub database: sqlite:///path or postgresql://…?schema=S."""
    parsed = urlparse(url)
    if parsed.scheme == "sqlite":
        path = unquote(url[len("sqlite://"):])
        if not Path(path).is_file():
            raise click.BadParameter(f"no hub database at {path} / 找不到中心数据库")
        connection: Any = sqlite3.connect(f"file:{path}?mode=ro", uri=True)
    elif parsed.scheme in ("postgresql", "postgres"):
        import psycopg

        schema = parse_qs(parsed.query).get("schema", [""])[0]
        base = url.split("?", 1)[0]
        connection = (psycopg.connect(base, options=f"-csearch_path={schema}") if schema
                      else psycopg.connect(base))
    else:
        raise click.BadParameter(f"unsupported database URL {parsed.scheme!r}")
    try:
        yield connection
    finally:
        connection.close()


def _city_json(figures: Any) -> dict[str, Any]:
    def row(r: Any) -> dict[str, Any]:
        return {"key": r.key, "label": r.label, "applications": r.applications,
                "card_only": r.card_only, "near_home": r.near_home, "completed": r.completed,
                "on_time": r.on_time, "amended": r.amended}

    return {"total": row(figures.total), "by_district": [row(r) for r in figures.by_district],
            "by_point_type": [row(r) for r in figures.by_point_type],
            "start": figures.start.isoformat() if isinstance(figures.start, date) else None,
            "end": figures.end.isoformat() if isinstance(figures.end, date) else None}

