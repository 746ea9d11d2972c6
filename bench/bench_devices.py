"""Device benchmarks (issue 4: ID-card reader and receipt printer).

- card on the reader → decoded fields, over a pseudo-terminal paced at 115200 baud,
  beside the simulated wire plus card time of the same exchange (target ≤ 1.15×);
- encoding a full receipt to ESC/POS bytes, p50, beside a plain ``str.encode("gb18030")``
  of the same text (target ≤ 2 ms).
"""

from __future__ import annotations

import statistics
import time

from bench._harness import Figure, percentile, time_calls, write_results
from devices.fixtures import load_fixture
from devices.idcard.reader import CardReader
from devices.printer.encoder import encode_receipt
from devices.printer.layout import Barcode, Columns, Cut, Feed, Line, QRCode, ReceiptLayout, Rule
from devices.simulators.link import PtyLink
from devices.simulators.reader import CardTiming, ReaderSimulator

READS = 12
ENCODES = 2000


def card_read_figure(fingerprint: bool) -> Figure:
    """Median wall time of read_card() beside the link's modelled wire + card time."""
    simulator = ReaderSimulator(CardTiming())
    fixture = load_fixture("resident_qianqi_fingerprint")
    walls, models = [], []
    with PtyLink(simulator, baud=115200) as link, CardReader.open(link.port) as reader:
        for _ in range(READS):
            simulator.remove()
            simulator.present(fixture)
            link.reset_model_clock()
            start = time.perf_counter()
            reader.read_card(fingerprint=fingerprint)
            walls.append(time.perf_counter() - start)
            models.append(link.modelled_seconds)
    wall, model = statistics.median(walls), statistics.median(models)
    what = "read + fingerprint (2321 B)" if fingerprint else "read base (1295 B)"
    return Figure(
        name=f"card on reader → decoded fields, {what}, pty at 115200",
        value=wall,
        unit="s",
        baseline=model,
        baseline_name="simulated wire + card time",
        target="≤ 1.15×",
        passed=wall / model <= 1.15,
        notes={
            "reads": READS,
            "worst_ratio": max(w / m for w, m in zip(walls, models, strict=True)),
        },
    )


def full_receipt() -> ReceiptLayout:
    """A realistic 受理回执: header, applicant, materials, promise, QR, barcode, cut."""
    materials = [f"{i + 1}. 申请材料第{i + 1}项（原件核验、复印件留存）" for i in range(12)]
    return ReceiptLayout(
        (
            Line("杭州市西湖区文新街道便民服务中心", "center", bold=True, size=2),
            Line("受理回执（一次性告知）", "center", bold=True),
            Rule("="),
            Columns("受理编号", "330106-20250601-0042"),
            Columns("事项名称", "城乡居民基本医疗保险参保登记"),
            Columns("申请人", "张三"),
            Columns("证件号码", "1101**********0011"),
            Columns("受理时间", "2025-06-01 09:41"),
            Columns("承诺时限", "3个工作日（2025-06-04前）"),
            Rule(),
            Line("已收材料：", bold=True),
            *(Line(text) for text in materials),
            Rule(),
            Line("请凭本回执及身份证领取办理结果。如需补正材料，工作人员将电话联系您。"),
            Line("咨询电话：0571-12345　办理进度可扫码查询。", underline=True),
            QRCode("https://hub.jiujin.example/r/330106-20250601-0042?k=Z3h5a2Fk", 6, "M"),
            Barcode("330106202506010042"),
            Line("最多跑一次 · 就近办", "center"),
            Feed(3),
            Cut(),
        ),
        "受理回执",
    )


def plain_text(layout: ReceiptLayout) -> str:
    """Every string in the layout, joined by newlines (the baseline's input)."""
    parts: list[str] = []
    for element in layout.elements:
        for value in vars(element).values():
            if isinstance(value, str):
                parts.append(value)
    return "\n".join(parts)


def encode_figure() -> Figure:
    layout = full_receipt()
    text = plain_text(layout)
    encode_receipt(layout)
    samples = time_calls(lambda: encode_receipt(layout), ENCODES)
    baseline = time_calls(lambda: text.encode("gb18030"), ENCODES)
    p50 = statistics.median(samples) * 1000
    return Figure(
        name="encode a full receipt to ESC/POS, p50",
        value=p50,
        unit="ms",
        baseline=statistics.median(baseline) * 1000,
        baseline_name='str.encode("gb18030") of the same text',
        target="≤ 2 ms",
        passed=p50 <= 2.0,
        notes={
            "p95_ms": percentile(samples, 95) * 1000,
            "bytes": len(encode_receipt(layout)),
            "elements": len(layout.elements),
        },
    )


def main() -> list[Figure]:
    figures = [card_read_figure(False), card_read_figure(True), encode_figure()]
    write_results("devices", figures)
    return figures


if __name__ == "__main__":
    main()
