"""Receipt, one-time notice, application form and amendment notice as PDF: text, font, pages."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest

from forms import load_catalog
from reports import (
    AmendmentData,
    DocumentInputError,
    FormData,
    amendment_pdf,
    form_fields,
    form_pdf,
    notice_pdf,
    receipt_pdf,
)
from reports.fonts import cjk_font
from tests.reports.helpers import (
    A4,
    APPLICANT,
    ID_NUMBER,
    ITEMS,
    NOW,
    SERVICE,
    STATION,
    embedded_fonts,
    no_middle_digits,
    notice,
    page_sizes,
    pdf_text,
    receipt_data,
    render_pages,
)


def _form() -> FormData:
    item = load_catalog().get("HZ-GA-004", on=date(2026, 11, 26))
    values = {"applicant_name": "张三", "id_number": ID_NUMBER, "phone": "13812345678",
              "district": "330106", "address": "杭州市西湖区文三路100号", "registered_on": "2026-01-05",
              "basis": "residence"}
    return FormData(STATION, APPLICANT, item.name, item.code, item.version, form_fields(item, values),
                    NOW, "TS0001-20261126-0001")


def _amendment() -> AmendmentData:
    return AmendmentData(STATION, APPLICANT, SERVICE, "TS0001-20261126-0001", NOW,
                         f"租赁合同（{ID_NUMBER}）签字页缺失，请补交", ITEMS[:1], date(2026, 12, 10), "李主管")


DOCUMENTS = {
    "receipt": (lambda: receipt_pdf(receipt_data()),
                ["受理回执", "TS0001-20261126-0001", "张三", "110105", "002X", "浙江省居住证申领",
                 "2026-12-07", "7个工作日", "20元", "王小红", "身份证核验", "数据共享调取",
                 "现场填写", "容缺受理", "2026-12-03", "房屋租赁合同", "浙里办", "12345",
                 "测试社区便民服务中心"]),
    "notice": (lambda: notice_pdf(notice()),
               ["一次性告知书", "房屋租赁合同", "证明合法稳定住所", "出租人或房屋租赁登记信息",
                "就业证明", "共 2 项", "L-ZJRP 第17条", "申请人签收"]),
    "rongque notice": (lambda: notice_pdf(notice(rongque_deadline=date(2026, 12, 3))),
                       ["容缺受理告知书", "2026-12-03", "房屋租赁合同"]),
    "form": (lambda: form_pdf(_form()),
             ["申请表", "浙江省居住证申领", "姓名", "张三", "联系电话", "13812345678",
              "西湖区（330106）", "合法稳定住所", "申请人签名", "本人承诺"]),
    "amendment": (lambda: amendment_pdf(_amendment()),
                  ["补正通知书", "签字页缺失", "2026-12-10", "房屋租赁合同", "申请人签收"]),
}


@pytest.mark.parametrize("name", sorted(DOCUMENTS))
def test_document_text_font_page_and_rendering(name: str, tmp_path: Path) -> None:
    make, expected = DOCUMENTS[name]
    data = make()
    text = pdf_text(data)
    for phrase in expected:
        assert phrase in text, phrase
    assert no_middle_digits(text)
    assert set(page_sizes(data)) == {A4}
    fonts = embedded_fonts(data)
    ours = {name: size for name, size in fonts.items() if "WenQuanYi" in name}
    assert ours and all(size > 0 for size in ours.values())
    assert all("+" in name for name in ours)  # subset fonts carry a tag such as ABCDEF+
    assert sum(ours.values()) < 2_000_000  # a subset, not the 5 MB collection
    assert set(fonts) == set(ours)  # no other font (no unembedded Helvetica)
    assert render_pages(data, tmp_path)


def test_notice_lists_every_missing_item_once() -> None:
    text = pdf_text(notice_pdf(notice()))
    assert text.count("房屋租赁合同") == 1
    assert text.count("就业证明") == 1


def test_a_notice_needs_something_missing() -> None:
    with pytest.raises(DocumentInputError):
        notice_pdf(notice(items=()))


def test_the_form_masks_every_identity_number() -> None:
    fields = _form().fields
    assert any(f.value == "110105********002X" for f in fields)
    assert all(ID_NUMBER[6:14] not in f.value for f in fields)


def test_the_font_is_wenquanyi_when_installed() -> None:
    font = cjk_font()
    assert font.embedded and font.path is not None and "wqy" in font.path.name
