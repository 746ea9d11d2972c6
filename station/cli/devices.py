"""`jiujin devices list|kinds|read-card|print-test|simulate`: the station's devices on the command line.

Defaults (baud rates, paper) come from the devices package's settings schema, and ``list``
and ``kinds`` cover every registered kind of device.
"""

from __future__ import annotations

import json
import select
import signal
import sys
import threading
from pathlib import Path
from typing import Any

import click

from devices.config import PrinterConfig, ReaderConfig, defaults
from devices.discovery import discover_ports, probe_kinds
from devices.errors import NoCardError
from devices.fixtures import fixture_names, load_fixture
from devices.idcard.card import IdCard
from devices.idcard.reader import CardReader
from devices.printer.driver import Outcome, ReceiptPrinter
from devices.printer.encoder import PrinterProfile
from devices.printer.layout import Columns, Cut, Feed, Line, QRCode, ReceiptLayout, Rule
from devices.registry import KINDS
from devices.simulators.link import PtyLink
from devices.simulators.printer import PrinterSimulator
from devices.simulators.reader import ReaderSimulator


def _lang(ctx: click.Context) -> str:
    return str((ctx.find_root().obj or {}).get("lang") or "zh")


def _dump(data: object) -> None:
    click.echo(json.dumps(data, ensure_ascii=False, indent=2))


@click.group()
def devices() -> None:
    """ID-card reader, receipt printer and their simulators. / 读卡器、打印机与模拟器"""


# --- list --------------------------------------------------------------------------------------


@devices.command("list")
@click.option("--json", "as_json", is_flag=True, help="Stable JSON output.")
@click.option("--probe/--no-probe", default=True, help="Ask each port what answers on it.")
@click.option("--printer-baud", type=int, default=PrinterConfig.baud, show_default=True)
def list_devices(as_json: bool, probe: bool, printer_baud: int) -> None:
    """Serial ports (/dev/serial/by-id, ttyUSB*, ttyACM*) and which kind answers on them."""
    candidates = [(kind, kind.config_type()) for kind in KINDS.serial()]
    candidates = [(kind, PrinterConfig(baud=printer_baud) if isinstance(config, PrinterConfig)
                   else config) for kind, config in candidates]
    rows = []
    for port in discover_ports():
        result = probe_kinds(port.path, candidates) if probe else None
        rows.append(
            {
                "port": port.path,
                "device": port.device,
                "stable": port.stable,
                "kind": result.kind if result else None,
                "detail": result.detail if result else "",
            }
        )
    if as_json:
        _dump(rows)
        return
    if not rows:
        click.echo("未找到串口设备 / no serial devices found")
    for row in rows:
        kind = row["kind"] or ("?" if probe else "-")
        click.echo(f"{row['port']}\t{kind}\t{row['detail']}")


# --- kinds ------------------------------------------------------------------------------------


@devices.command("kinds")
@click.option("--json", "as_json", is_flag=True, help="Stable JSON output.")
@click.pass_context
def list_kinds(ctx: click.Context, as_json: bool) -> None:
    """Registered kinds of device and their [devices.<kind>] settings with defaults."""
    if as_json:
        _dump([
            {"name": kind.name, "label_zh": kind.label_zh, "label_en": kind.label_en,
             "serial": kind.serial, "settings": defaults(kind.config_type)}
            for kind in KINDS
        ])
        return
    english = _lang(ctx) == "en"
    for kind in KINDS:
        click.echo(f"[devices.{kind.name}]\t{kind.label_en if english else kind.label_zh}")
        for key, schema in defaults(kind.config_type).items():
            click.echo(f"  {key} = {schema['default']!r}\t({schema['type']})")


# --- read-card ---------------------------------------------------------------------------------


@devices.command("read-card")
@click.option("--port", required=True, help="Serial port of the reader.")
@click.option("--baud", type=int, default=ReaderConfig.baud, show_default=True)
@click.option("--json", "as_json", is_flag=True, help="Stable JSON output.")
@click.option("--full", is_flag=True, help="Show the ID number and address unmasked.")
@click.option(
    "--wait", type=float, default=15.0, show_default=True, help="Seconds to wait for a card."
)
@click.pass_context
def read_card(
    ctx: click.Context, port: str, baud: int, as_json: bool, full: bool, wait: float
) -> None:
    """Read the card on the reader (ID number and address masked unless --full)."""
    with CardReader.open(port, baud) as reader:
        reader.sam_status()
        card = _wait_and_read(reader, wait)
    shown = card if full else card.masked()
    if as_json:
        _dump(_card_json(shown))
    else:
        _print_card(shown, _lang(ctx))


def _wait_and_read(reader: CardReader, wait: float) -> IdCard:
    """Poll for a card until one is found or ``wait`` seconds pass."""
    click.echo("请放置身份证… / place the ID card on the reader…", err=True)
    pause = threading.Event()
    polls = max(1, int(wait / 0.3))
    for _ in range(polls):
        if reader.find_card():
            click.echo("正在读卡，请勿移开身份证… / reading the card: keep it on the reader…", err=True)
            return reader.read_found_card(new_address=True)
        pause.wait(0.3)
    raise NoCardError(0x80, f"no card within {wait:g} s")


def _card_json(card: IdCard) -> dict[str, Any]:
    data = card.as_card_data()
    data |= {
        "expired": card.expired,
        "english_name": card.english_name,
        "pass_number": card.pass_number,
        "new_address": card.new_address,
        "fingerprint_bytes": len(card.fingerprint or b""),
        "photo_bytes": len(card.photo),
    }
    return data


_LABELS = [
    ("name", "姓名", "Name"),
    ("gender", "性别", "Gender"),
    ("nation", "民族/国籍", "Nation"),
    ("birth_date", "出生", "Born"),
    ("address", "住址", "Address"),
    ("id_number", "证件号码", "ID number"),
    ("issuer", "签发机关", "Issued by"),
    ("valid_from", "有效期起", "Valid from"),
    ("valid_to", "有效期至", "Valid to"),
    ("card_type", "证件类型", "Card type"),
]


def _print_card(card: IdCard, lang: str) -> None:
    data = card.as_card_data()
    for key, zh, en in _LABELS:
        value = data[key] if data[key] is not None else "长期"
        click.echo(f"{en if lang == 'en' else zh}: {value}")
    if card.expired:
        click.echo("证件已过期 / the card has expired")


# --- print-test -----------------------------------------------------------------------------------


def sample_receipt() -> ReceiptLayout:
    """A test receipt: Chinese text, sizes, columns, a QR code and a cut."""
    return ReceiptLayout(
        (
            Line("就近 · 打印测试", "center", bold=True, size=2),
            Line("Jiujin printer test", "center"),
            Rule(),
            Columns("站点 / Station", "330106-TEST"),
            Columns("纸宽 / Paper", "58/80 mm"),
            Line("中文：杭州市西湖区便民服务中心，￥12.50，€3。"),
            Line("生僻字：䶮 𠀀", underline=True),
            Rule("="),
            QRCode("https://jiujin.example/print-test"),
            Line("扫码核验 / scan to verify", "center"),
            Feed(2),
            Cut(),
        ),
        "打印测试",
    )


@devices.command("print-test")
@click.option("--port", required=True, help="Serial port of the printer.")
@click.option("--baud", type=int, default=PrinterConfig.baud, show_default=True)
@click.option(
    "--paper", type=click.Choice(["58", "80"]), default=str(PrinterConfig.paper_mm), show_default=True
)
@click.pass_context
def print_test(ctx: click.Context, port: str, baud: int, paper: str) -> None:
    """Print a sample receipt with Chinese text, a QR code and a cut; check that it printed."""
    profile = PrinterProfile(paper_mm=int(paper))  # type: ignore[arg-type]
    lang = _lang(ctx)
    with ReceiptPrinter.open(port, baud, profile=profile) as printer:
        result = printer.print_job(printer.encode(sample_receipt()))
    if result.outcome is Outcome.PRINTED:
        click.echo("已打印 / printed")
        return
    explanation = {
        Outcome.NOT_SENT: ("打印机未就绪，未发送", "printer not ready, nothing sent"),
        Outcome.INTERRUPTED: ("打印中断", "printing was interrupted"),
        Outcome.UNCERTAIN: ("无法确认是否打印完成", "could not confirm the receipt printed"),
    }[result.outcome]
    text = explanation[1] if lang == "en" else explanation[0]
    raise click.ClickException(f"{text}: {result.status.message(lang)}")


# --- simulate ---------------------------------------------------------------------------------------


@devices.group()
def simulate() -> None:
    """Serve a simulated device on a pseudo-terminal until stopped. / 模拟设备"""


def _serve_until_stopped(link: PtyLink, on_tick: Any = None) -> None:
    """Print the port path, then serve until Ctrl-C or SIGTERM."""
    stop = threading.Event()
    previous = signal.signal(signal.SIGTERM, lambda *_: stop.set())
    click.echo(link.port)
    try:
        with link:
            while not stop.is_set():
                if on_tick is None:
                    stop.wait(0.5)
                else:
                    on_tick(stop)
            if on_tick is not None:
                on_tick(stop)  # whatever arrived just before the stop
    except KeyboardInterrupt:
        pass
    finally:
        signal.signal(signal.SIGTERM, previous)


@simulate.command("reader")
@click.option(
    "--card", help=f"Card on the reader: a fixture file or one of {', '.join(fixture_names())}."
)
@click.option(
    "--baud", type=int, default=ReaderConfig.baud, show_default=True, help="Pacing (0 = unpaced)."
)
def simulate_reader(card: str | None, baud: int) -> None:
    """A GA 467 SAM reader; prints its port path and serves until stopped.

    Lines typed on stdin change the card: ``present NAME|FILE`` or ``remove``.
    """
    simulator = ReaderSimulator()
    if card:
        _present(simulator, card)
    console = _ReaderConsole(simulator)
    _serve_until_stopped(PtyLink(simulator, baud or None, name="reader"), console.tick)


def _present(simulator: ReaderSimulator, card: str) -> None:
    fixture = load_fixture(Path(card) if Path(card).suffix else card)
    simulator.present(fixture)
    click.echo(f"card: {fixture.name} ({fixture.card_type})", err=True)


class _ReaderConsole:
    """Reads ``present``/``remove`` commands from stdin without holding up the stop."""

    def __init__(self, simulator: ReaderSimulator) -> None:
        self._simulator = simulator
        self._open = True

    def tick(self, stop: threading.Event) -> None:
        if not self._open:
            stop.wait(0.5)
            return
        ready, _, _ = select.select([sys.stdin], [], [], 0.5)
        if ready:
            self._command(sys.stdin.readline())

    def _command(self, line: str) -> None:
        if not line:
            self._open = False  # end of input: keep serving, stop reading
            return
        verb, _, argument = line.strip().partition(" ")
        try:
            if verb == "present" and argument:
                _present(self._simulator, argument.strip())
            elif verb == "remove":
                self._simulator.remove()
                click.echo("card removed", err=True)
            elif verb:
                names = ", ".join(fixture_names())
                click.echo(f"commands: present NAME|FILE, remove; cards: {names}", err=True)
        except (OSError, ValueError, KeyError) as error:
            click.echo(f"cannot present {argument!r}: {error}", err=True)


@simulate.command("printer")
@click.option(
    "--paper", type=click.Choice(["58", "80"]), default=str(PrinterConfig.paper_mm), show_default=True
)
@click.option(
    "--png-dir", type=click.Path(file_okay=False), help="Save each receipt as a PNG here."
)
def simulate_printer(paper: str, png_dir: str | None) -> None:
    """An ESC/POS printer; prints its port path, then each receipt as text, until stopped."""
    simulator = PrinterSimulator(int(paper))
    printed = 0

    def show_receipts(stop: threading.Event) -> None:
        nonlocal printed
        try:
            wait = 0.0 if stop.is_set() else 0.5
            receipts = simulator.model.wait_for_receipts(printed + 1, timeout=wait)
        except TimeoutError:
            return
        for receipt in receipts[printed:]:
            printed += 1
            click.echo(receipt.render_text(simulator.model.columns))
            if png_dir:
                _save_png(receipt, Path(png_dir) / f"receipt-{printed:04}.png", int(paper))

    _serve_until_stopped(PtyLink(simulator, None, name="printer"), show_receipts)


def _save_png(receipt: Any, path: Path, paper_mm: int) -> None:
    from devices.simulators.render import receipt_png

    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(receipt_png(receipt, paper_mm))
