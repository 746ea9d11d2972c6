"""Typed models of catalog items: 业务办理项 and everything the guide says about them."""

from __future__ import annotations

import math
import re
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal
from pathlib import Path
from typing import Any

from forms.expr import Expression
from forms.text import Text


@dataclass(frozen=True, slots=True)
class Citation:
    """Provenance of a fact: cited source keys and/or an `unverified` note."""

    raw: str
    keys: tuple[str, ...]
    unverified: bool

    @property
    def status(self) -> str:
        """`cited`, `partly` (cited and partly unverified) or `unverified`."""
        if not self.unverified:
            return "cited"
        return "partly" if self.keys else "unverified"

    @property
    def verified(self) -> bool:
        """True when every part of the fact is cited; anything else is shown as to be confirmed."""
        return not self.unverified


@dataclass(frozen=True, slots=True)
class Limit:
    """A time limit (办结时限): value and unit (`working_days`, `days`, `on_the_spot`)."""

    value: int
    unit: str
    note: Text | None
    source: Citation

    def calendar_days(self) -> int:
        """A conservative calendar-day equivalent used to compare limits."""
        if self.unit == "on_the_spot":
            return 0
        if self.unit == "working_days":
            return math.ceil(self.value * 7 / 5)
        return self.value

    def text(self) -> Text:
        """The limit as people read it, e.g. `7个工作日` / `7 working days`."""
        if self.unit == "on_the_spot":
            return Text("当场办结", "on the spot")
        zh_unit = "个工作日" if self.unit == "working_days" else "日"
        en_unit = "working days" if self.unit == "working_days" else "days"
        return Text(f"{self.value}{zh_unit}", f"{self.value} {en_unit}")


@dataclass(frozen=True, slots=True)
class Codes:
    """National and local codes (基本编码, 实施编码, 地方编码), where known."""

    basic: str | None
    implementation: str | None
    local: str | None
    source: Citation | None


@dataclass(frozen=True, slots=True)
class Bodies:
    """Implementing (实施机关) and deciding (决定机关) bodies."""

    implementing: Text
    deciding: Text
    source: Citation


@dataclass(frozen=True, slots=True)
class Access:
    """Where the item may be accepted and how many visits it takes (跑动次数)."""

    point_types: tuple[str, ...]
    kiosk: bool
    online: bool
    visits: int
    exception: bool
    source: Citation


@dataclass(frozen=True, slots=True)
class Condition:
    """受理条件 — an acceptance condition, optionally checked by an expression."""

    text: Text
    check: Expression | None
    source: Citation


@dataclass(frozen=True, slots=True)
class Step:
    """办理流程 — one step of the process."""

    name: Text
    text: Text | None
    source: Citation


@dataclass(frozen=True, slots=True)
class FeeItem:
    """收费项目 — one charge."""

    name: Text
    standard: str
    amount: Decimal | None
    basis: str
    waiver: str | None
    source: Citation


@dataclass(frozen=True, slots=True)
class Fee:
    """Whether the item is charged, and the charges."""

    charged: bool
    items: tuple[FeeItem, ...]
    source: Citation


@dataclass(frozen=True, slots=True)
class Basis:
    """设定/实施依据 — a law and article."""

    law: str
    article: str
    source: Citation


@dataclass(frozen=True, slots=True)
class Contact:
    """Consultation (咨询) and complaint (投诉) phones."""

    consult: str
    complaint: str
    source: Citation


@dataclass(frozen=True, slots=True)
class Faq:
    """常见问题 — one question and answer."""

    question: Text
    answer: Text
    source: Citation


@dataclass(frozen=True, slots=True)
class Material:
    """申请材料 — one required, optional or 容缺-eligible document."""

    id: str
    name: Text
    kind: str
    form: str
    copies: int
    channel: str
    necessity: str
    replaced_by: tuple[str, ...]
    when: Expression | None
    where: Text | None
    why: Text | None
    basis: str | None
    source: Citation

    @property
    def identity_tokens(self) -> frozenset[str]:
        """Identity credentials (ZJ-ZDP 第9条) that satisfy this material."""
        return frozenset(t for t in self.replaced_by if ":" not in t and t != "pledge")

    @property
    def datasets(self) -> tuple[str, ...]:
        """Shared datasets that replace this material."""
        return tuple(t.split(":", 1)[1] for t in self.replaced_by if t.startswith("shared:"))


@dataclass(frozen=True, slots=True)
class Choice:
    """One option of a choice field."""

    value: str
    label: Text


@dataclass(frozen=True, slots=True)
class Field:
    """One form field, possibly a repeat group with sub-fields."""

    id: str
    type: str
    label: Text
    help: Text | None = None
    required: bool = False
    required_if: Expression | None = None
    show_if: Expression | None = None
    default: Any = None
    compute: Expression | None = None
    read_only: bool = False
    prefill: str | None = None
    min_length: int | None = None
    max_length: int | None = None
    min: Any = None
    max: Any = None
    pattern: re.Pattern[str] | None = None
    decimals: int | None = None
    choices: tuple[Choice, ...] = ()
    scope: str = "hangzhou"
    material: str | None = None
    fields: tuple[Field, ...] = ()
    min_items: int = 0
    max_items: int = 50
    check: Expression | None = None
    check_message: Text | None = None
    source: Citation | None = None  # the law that names what this field asks, where one does


@dataclass(frozen=True, slots=True)
class Item:
    """One version of a business item (业务办理项) with its guide and its form."""

    code: str
    name: Text
    item_type: str
    department: str
    target: str
    keywords: tuple[str, ...]
    version: str
    effective_from: date
    effective_to: date | None
    supersedes: str | None
    source: Citation
    codes: Codes | None
    bodies: Bodies
    access: Access
    conditions: tuple[Condition, ...]
    steps: tuple[Step, ...]
    legal_limit: Limit | None
    promised_limit: Limit
    rongque: Limit | None
    fee: Fee
    basis: tuple[Basis, ...]
    contact: Contact
    faq: tuple[Faq, ...]
    materials: tuple[Material, ...]
    fields: tuple[Field, ...]
    path: Path | None = None
    raw: dict[str, Any] = field(default_factory=dict, repr=False, compare=False)

    def in_force(self, on: date) -> bool:
        """True when this version applies on `on`."""
        return self.effective_from <= on and (self.effective_to is None or on <= self.effective_to)

    @property
    def card_only(self) -> bool:
        """一证通办: every unconditional required or 容缺 material needs only the ID card."""
        return all(_card_only(m) for m in self.materials
                   if m.when is None and m.necessity != "optional")

    def get_material(self, material_id: str) -> Material:
        """The material with this id."""
        return next(m for m in self.materials if m.id == material_id)

    def get_field(self, field_id: str) -> Field:
        """The top-level field with this id."""
        return next(f for f in self.fields if f.id == field_id)


def _card_only(material: Material) -> bool:
    return (material.channel == "onsite" or "id_card" in material.replaced_by
            or bool(material.datasets))


@dataclass(frozen=True, slots=True)
class OneThing:
    """一件事 — several items a person needs for one thing, filed as one application."""

    code: str
    name: Text
    items: tuple[str, ...]
    optional: tuple[str, ...]
    point_types: tuple[str, ...]
    source: Citation

    @property
    def codes(self) -> tuple[str, ...]:
        """Every item code, the required ones first."""
        return self.items + self.optional
