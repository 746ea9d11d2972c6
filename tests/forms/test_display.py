"""The one formatting layer: an option, a yes/no and a division read as words in the chosen
language, never as the code stored (the review, the detail, the PDFs and the command line all
show values through it)."""

from __future__ import annotations

from datetime import date

import pytest

from forms import load_catalog
from forms.display import value_text

ON = date(2026, 12, 4)


@pytest.mark.parametrize(("code", "field_id", "value", "zh", "en"), [
    ("HZ-GA-004", "basis", "employment", "合法稳定就业", "Stable employment"),  # 居住证 申领依据
    ("HZ-CL-101", "category", "4", "肢体", "Physical"),  # 残疾人证 残疾类别
    ("HZ-MZ-102", "urgent", True, "是", "Yes"),
    ("HZ-MZ-102", "town", "330106002", "北山街道", "北山街道"),
])
def test_a_stored_code_reads_as_its_label(code: str, field_id: str, value: object, zh: str, en: str) -> None:
    item = load_catalog().get(code, on=ON)
    field = next(f for f in item.fields if f.id == field_id)
    text = value_text(field, value)
    assert (text.get("zh"), text.get("en")) == (zh, en)
