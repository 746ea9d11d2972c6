"""Builders and PDF checks shared by the reports tests."""

from __future__ import annotations

import io
import re
import shutil
import subprocess
from datetime import date, datetime
from decimal import Decimal
from pathlib import Path
from typing import Any

from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
from PIL import Image
from pypdf import PdfReader

from forms import Text
from reports import (
    ApplicantInfo,
    Fee,
    FeeLine,
    MaterialLine,
    MissingItem,
    NoticeData,
    Promise,
    ReceiptData,
    StationInfo,
    sign_payload,
)
from station.core.applications import Applicant, DraftInput
from station.core.clock import CST

ID_NUMBER = "11010519491231002X"
MIDDLE = ID_NUMBER[6:14]
APP_ID = "0193f2a4-b5c6-7d8e-9f0a-1b2c3d4e5f60"
RECEIPT_NUMBER = "TS0001-20261126-0001"
STATION = StationInfo("TS0001", "测试社区便民服务中心", "community", "330106", "西湖区")
KEY = Ed25519PrivateKey.from_private_bytes(bytes(range(32)))
A4 = (595.28, 841.89)  # 210 × 297 mm in points


def receipt_data(**changes: Any) -> ReceiptData:
    """A 容缺 receipt for the residence permit, with a fee."""
    values: dict[str, Any] = dict(
        station=STATION, receipt_number=RECEIPT_NUMBER, application_id=APP_ID,
        applicant=ApplicantInfo("张三", ID_NUMBER),
        service=Text("浙江省居住证申领", "Zhejiang residence permit application"),
        service_code="HZ-GA-004", accepted_at=datetime(2026, 11, 26, 9, 30, tzinfo=CST),
        operator="王小红", promise=Promise(Text("7个工作日", "7 working days"), date(2026, 12, 7)),
        fee=Fee(True, (FeeLine(Text("居住证工本费", "Permit fee"), "20元", Decimal("20.00")),)),
        qr_payload=sign_payload(RECEIPT_NUMBER, APP_ID, KEY),
        materials=(MaterialLine(Text("本人有效身份证件", "Valid ID"), "satisfied_by_card"),
                   MaterialLine(Text("近期免冠照片", "Recent photo"), "satisfied_by_shared_data"),
                   MaterialLine(Text("申领登记表", "Registration form"), "provided", onsite=True)),
        rongque=(MissingItem("rental_contract", Text("房屋租赁合同", "Tenancy contract"),
                             Text("证明合法稳定住所", "Proves a stable residence"),
                             Text("出租人或房屋租赁登记信息", "From the landlord")),),
        rongque_deadline=date(2026, 12, 3))
    values.update(changes)
    return ReceiptData(**values)


def pdf_text(data: bytes) -> str:
    """All extracted text, pages joined."""
    return "\n".join(page.extract_text() or "" for page in PdfReader(io.BytesIO(data)).pages)


def page_sizes(data: bytes) -> list[tuple[float, float]]:
    reader = PdfReader(io.BytesIO(data))
    return [(round(float(p.mediabox.width), 2), round(float(p.mediabox.height), 2)) for p in reader.pages]


def embedded_fonts(data: bytes) -> dict[str, int]:
    """Base font name -> size of the embedded font program, for every font with one."""
    found: dict[str, int] = {}
    for page in PdfReader(io.BytesIO(data)).pages:
        fonts = page["/Resources"].get_object().get("/Font", {})
        for ref in fonts.values():
            font = ref.get_object()
            for descendant in font.get("/DescendantFonts", [font]):
                descriptor = descendant.get_object().get("/FontDescriptor")
                if descriptor is None:
                    found.setdefault(str(font["/BaseFont"]), 0)
                    continue
                descriptor = descriptor.get_object()
                program = descriptor.get("/FontFile2") or descriptor.get("/FontFile3")
                size = len(program.get_object().get_data()) if program is not None else 0
                found[str(font["/BaseFont"])] = max(size, found.get(str(font["/BaseFont"]), 0))
    return found


def render_pages(data: bytes, folder: Path, dpi: int = 100) -> list[Image.Image]:
    """Render every page with poppler's pdftoppm; fails the test on any error output."""
    assert shutil.which("pdftoppm"), "pdftoppm (poppler-utils) is required"
    source = folder / "document.pdf"
    source.write_bytes(data)
    result = subprocess.run(["pdftoppm", "-r", str(dpi), "-png", str(source), str(folder / "page")],
                            capture_output=True, text=True, timeout=60, check=False)
    assert result.returncode == 0 and not result.stderr.strip(), result.stderr
    pages = sorted(folder.glob("page-*.png"))
    assert pages
    return [Image.open(p) for p in pages]


def no_middle_digits(text: str, number: str = ID_NUMBER) -> bool:
    """True when the number's middle eight characters appear nowhere, masked or not."""
    compact = re.sub(r"\s+", "", text)
    return number[6:14] not in compact and number not in compact


RONGQUE = {"identity": "satisfied_by_card", "photo": "satisfied_by_shared_data",
           "rental_contract": "missing_rongque"}
CARD_ONLY = {"identity": "satisfied_by_card", "photo": "satisfied_by_shared_data"}


def draft_input(materials: dict[str, str], id_number: str = ID_NUMBER, name: str = "张三") -> DraftInput:
    values = {"applicant_name": name, "id_number": id_number, "phone": "13812345678",
              "district": "330106", "address": "杭州市西湖区文三路100号", "registered_on": "2026-01-05",
              "basis": "residence"}
    return DraftInput("HZ-GA-004", "浙江省居住证申领", "2024.1", Applicant("person", id_number, name),
                      values, {"applicant_name": "card", "id_number": "card"}, materials)


NOW = datetime(2026, 11, 26, 10, 0, tzinfo=CST)
APPLICANT = ApplicantInfo("张三", ID_NUMBER)
SERVICE = Text("浙江省居住证申领", "Zhejiang residence permit application")
ITEMS = (
    MissingItem("rental_contract", Text("房屋租赁合同", "Tenancy contract"),
                Text("证明合法稳定住所", "Proves a stable residence"),
                Text("出租人或房屋租赁登记信息", "From the landlord"), "L-ZJRP 第17条"),
    MissingItem("employment_proof", Text("就业证明", "Proof of employment"),
                Text("证明合法稳定就业", "Proves stable employment"),
                Text("用人单位出具", "From the employer")),
)


def notice(**changes: object) -> NoticeData:
    values: dict[str, object] = dict(station=STATION, applicant=APPLICANT, service=SERVICE,
                                     service_code="HZ-GA-004", issued_at=NOW, operator="王小红",
                                     items=ITEMS + ITEMS[:1], reference="TS0001-20261126-0007")
    values.update(changes)
    return NoticeData(**values)  # type: ignore[arg-type]
