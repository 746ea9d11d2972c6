"""Helpers for forms tests: temporary catalogs built from a complete test item."""

from __future__ import annotations

import copy
import shutil
import tomllib
from pathlib import Path
from typing import Any

import tomli_w

from forms import load_catalog
from forms.loader.files import PACKAGED_CATALOG
from forms.models import Item

ENGINE_ITEM = """
format = 1
code = "HZ-MZ-900"
name = "测试救助申请"
name_en = "Test assistance application"
item_type = "payment"
department = "civil-affairs"
target = "person"
version = "1"
effective_from = 2024-01-01
source = "unverified"

[bodies]
implementing = "街道"
deciding = "区民政局"
source = "unverified"

[access]
point_types = ["community", "village"]
kiosk = false
online = true
visits = 1
source = "unverified"

[[conditions]]
text = "年满18周岁"
text_en = "Aged 18 or over"
check = "age(card.birth_date) >= 18"
source = "unverified"

[[steps]]
name = "受理"
name_en = "Acceptance"
source = "unverified"

[promised_limit]
value = 5
unit = "working_days"
source = "unverified"

[rongque]
value = 3
unit = "working_days"
source = "unverified"

[fee]
charged = false
source = "unverified"

[[basis]]
law = "测试法"
article = "第1条"
source = "unverified"

[contact]
consult = "12345"
complaint = "12345"
source = "unverified"

[[materials]]
id = "identity"
name = "身份证件"
name_en = "Identity document"
kind = "identity"
form = "paper"
copies = 0
channel = "applicant"
necessity = "required"
replaced_by = ["id_card", "citizen_card"]
where = "本人携带"
where_en = "Bring your own"
source = "unverified"

[[materials]]
id = "household"
name = "户口簿"
name_en = "Household register"
kind = "certificate"
form = "paper"
copies = 1
channel = "shared_data"
necessity = "required"
replaced_by = ["shared:population"]
where = "人口库"
where_en = "Population register"
source = "unverified"

[[materials]]
id = "application"
name = "申请书"
name_en = "Application form"
kind = "application_form"
form = "paper"
copies = 1
channel = "onsite"
necessity = "required"
source = "unverified"

[[materials]]
id = "hardship_proof"
name = "困难情况证明"
name_en = "Proof of hardship"
kind = "proof"
form = "paper"
copies = 1
channel = "applicant"
necessity = "required"
where = "村（社区）出具"
where_en = "From the village or community"
why = "证明家庭困难"
why_en = "Proves the hardship"
source = "unverified"

[[materials]]
id = "bank_card"
name = "银行卡复印件"
name_en = "Bank card copy"
kind = "other"
form = "paper"
copies = 1
channel = "applicant"
necessity = "rongque"
where = "开户银行"
where_en = "Your bank"
source = "unverified"

[[materials]]
id = "proxy_letter"
name = "委托书"
name_en = "Power of attorney"
kind = "authorization"
form = "paper"
copies = 1
channel = "applicant"
necessity = "required"
when = "by_proxy"
where = "申请人签署"
where_en = "Signed by the applicant"
source = "unverified"

[[materials]]
id = "photo_optional"
name = "家庭照片"
name_en = "Family photo"
kind = "photo"
form = "paper"
copies = 1
channel = "applicant"
necessity = "optional"
where = "自备"
where_en = "Your own"
source = "unverified"

[[fields]]
id = "applicant_name"
type = "text"
label = "姓名"
label_en = "Name"
required = true
prefill = "card.name"
read_only = true

[[fields]]
id = "birth_date"
type = "date"
label = "出生日期"
label_en = "Date of birth"
prefill = "card.birth_date"
read_only = true

[[fields]]
id = "age"
type = "integer"
label = "年龄"
label_en = "Age"
compute = "age(birth_date)"

[[fields]]
id = "phone"
type = "phone"
label = "联系电话"
label_en = "Phone"
required = true

[[fields]]
id = "by_proxy"
type = "boolean"
label = "代办"
label_en = "By proxy"
default = false

[[fields]]
id = "proxy_id_number"
type = "id_number"
label = "代办人身份证号"
label_en = "Proxy's ID number"
show_if = "by_proxy"
required_if = "by_proxy"

[[fields]]
id = "reason"
type = "choice"
label = "原因"
label_en = "Reason"
required = true
choices = [
  { value = "illness", label = "因病", label_en = "Illness" },
  { value = "other", label = "其他", label_en = "Other" },
]

[[fields]]
id = "reason_other"
type = "text"
label = "其他原因"
label_en = "Other reason"
show_if = "reason == 'other'"
required_if = "reason == 'other'"
max_length = 10

[[fields]]
id = "members"
type = "group"
label = "家庭成员"
label_en = "Members"
max_items = 3

[[fields.fields]]
id = "member_name"
type = "text"
label = "成员姓名"
label_en = "Member name"
required = true

[[fields.fields]]
id = "income"
type = "money"
label = "月收入"
label_en = "Monthly income"
min = 0

[[fields]]
id = "total_income"
type = "money"
label = "收入合计"
label_en = "Total income"
compute = "sum_of(members, 'income')"

[[fields]]
id = "proof_scan"
type = "attachment"
label = "证明扫描件"
label_en = "Proof scan"
material = "hardship_proof"
"""

ADULT_CARD = {
    "name": "王五", "gender": "男", "nation": "汉", "birth_date": "1980-05-01",
    "address": "浙江省杭州市西湖区", "id_number": "330106198005010010",
    "issuer": "杭州市公安局西湖分局", "valid_from": "2020-01-01", "valid_to": None,
    "card_type": "id_card",
}


def engine_item_data() -> dict[str, Any]:
    """The engine test item as a dict."""
    return tomllib.loads(ENGINE_ITEM)


def packaged_item_data(relative: str) -> dict[str, Any]:
    """A shipped item file as a dict."""
    return tomllib.loads((PACKAGED_CATALOG / relative).read_text("utf-8"))


def new_catalog(root: Path) -> Path:
    """An empty catalog folder holding the packaged source registry."""
    root.mkdir(parents=True, exist_ok=True)
    shutil.copy(PACKAGED_CATALOG / "_sources.toml", root / "_sources.toml")
    return root


def write_item(root: Path, data: dict[str, Any], name: str | None = None) -> Path:
    """Write an item dict into `root/<department>/<name>.toml`."""
    folder = root / data["department"]
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / f"{name or data['code'].lower()}.toml"
    path.write_text(tomli_w.dumps(copy.deepcopy(data)), "utf-8")
    return path


def engine_item(tmp_path: Path) -> Item:
    """The engine test item, loaded through the real loader."""
    root = new_catalog(tmp_path / "engine-catalog")
    write_item(root, engine_item_data())
    return load_catalog(root).get("HZ-MZ-900", on=engine_item_data()["effective_from"])
