"""Reading one item file into an `Item`, recording every problem with its key path."""

from __future__ import annotations

import re
from collections.abc import Collection
from decimal import Decimal
from pathlib import Path
from typing import Any

from forms.fieldtypes import FieldProblem, to_decimal
from forms.issues import IssueSink
from forms.loader.citations import read_citation, registry_keys
from forms.loader.fields import Scope, form_scope, read_expression, read_fields
from forms.loader.materials import read_materials
from forms.loader.tables import Table
from forms.models import (
    Access,
    Basis,
    Bodies,
    Codes,
    Condition,
    Contact,
    Faq,
    Fee,
    FeeItem,
    Item,
    Limit,
    Step,
)
from forms.text import Text
from forms.vocab import DEPARTMENTS, FORMAT_VERSION, ITEM_TYPES, LIMIT_UNITS, POINT_TYPES, TARGETS

CODE = re.compile(r"HZ-([A-Z]{2,3})-\d{3,4}\Z")
VERSION = re.compile(r"[0-9A-Za-z][0-9A-Za-z._-]{0,31}\Z")


def read_item(data: dict[str, Any], sink: IssueSink, known_sources: Collection[str],
              path: Path | None = None) -> Item | None:
    """The item in `data`, or None when it has errors (all recorded in `sink`)."""
    top = Table(data, "", sink)
    if top.integer("format", required=True) not in (FORMAT_VERSION, None):
        top.error("format", f"unsupported format; this loader reads format {FORMAT_VERSION}")
    local = top.table("sources")
    sources = set(known_sources) | (registry_keys_of(local) if local else set())
    before = len(sink.issues)
    item = _item(top, sources, path)
    top.finish()
    return item if len(sink.issues) == before else None


def registry_keys_of(table: Table) -> set[str]:
    """Keys of an item's own `[sources]` table."""
    wrapper = Table({"sources": table.data}, "", table.sink)
    return registry_keys(wrapper)


def _item(top: Table, sources: set[str], path: Path | None) -> Item | None:
    code = top.string("code", required=True)
    department = top.enum("department", DEPARTMENTS)
    if code is not None and not CODE.match(code):
        top.error("code", "expected HZ-<DEPT>-<NNN>, e.g. HZ-GA-004")
    elif code and department and CODE.match(code)[1] != DEPARTMENTS[department][0]:  # type: ignore[index]
        top.error("code", f"prefix must be HZ-{DEPARTMENTS[department][0]}- for {department}")
    version = top.string("version", required=True)
    if version is not None and not VERSION.match(version):
        top.error("version", "use letters, digits, '.', '-' or '_' (at most 32)")
    materials_raw = top.data.get("materials")
    material_ids = [m.get("id") for m in materials_raw if isinstance(m, dict)] \
        if isinstance(materials_raw, list) else []
    scope = form_scope(top.data.get("fields"), [m for m in material_ids if isinstance(m, str)], sources)
    effective_from, effective_to = top.day("effective_from", True), top.day("effective_to")
    if effective_from and effective_to and effective_to < effective_from:
        top.error("effective_to", "before effective_from")
    legal, promised = _limit(top, "legal_limit", sources), _limit(top, "promised_limit", sources,
                                                                  required=True)
    if legal and promised and promised.calendar_days() > legal.calendar_days():
        top.error("promised_limit", f"promised {promised.value} {promised.unit} exceeds the "
                                    f"legal {legal.value} {legal.unit} (ZJ-ZDP 第12条)")
    materials = read_materials(top.tables("materials", required=True), scope, sources)
    rongque = _limit(top, "rongque", sources, required=any(
        m.necessity == "rongque" for m in materials))
    return Item(
        code=code or "?", name=top.text("name") or Text("?", "?"),
        item_type=top.enum("item_type", ITEM_TYPES), department=department or "?",
        target=top.enum("target", TARGETS), keywords=tuple(top.str_list("keywords")),
        version=version or "?", effective_from=effective_from,  # type: ignore[arg-type]
        effective_to=effective_to, supersedes=top.string("supersedes"),
        source=read_citation(top, sources), codes=_codes(top, sources),
        bodies=_bodies(top, sources), access=_access(top, sources),
        conditions=_conditions(top, sources, scope), steps=_steps(top, sources),
        legal_limit=legal, promised_limit=promised, rongque=rongque,  # type: ignore[arg-type]
        fee=_fee(top, sources), basis=_basis(top, sources), contact=_contact(top, sources),
        faq=_faq(top, sources), materials=materials,
        fields=read_fields(top.tables("fields", required=True), scope), path=path, raw=top.data,
    )


def _codes(top: Table, sources: set[str]) -> Codes | None:
    table = top.table("codes")
    if table is None:
        return None
    basic, implementation, local = (table.string(k) for k in ("basic", "implementation", "local"))
    if not (basic or implementation or local):
        table.error("", "give at least one code, or omit [codes]")
    codes = Codes(basic, implementation, local, read_citation(table, sources))
    table.finish()
    return codes


def _bodies(top: Table, sources: set[str]) -> Bodies:
    table = top.table("bodies", required=True) or Table({}, "bodies", top.sink)
    implementing = table.text("implementing", english=False)
    deciding = table.text("deciding", english=False)
    bodies = Bodies(implementing or Text("?", "?"), deciding or Text("?", "?"),
                    read_citation(table, sources))
    table.finish()
    return bodies


def _access(top: Table, sources: set[str]) -> Access:
    table = top.table("access", required=True) or Table({}, "access", top.sink)
    points = table.str_list("point_types", required=True)
    for index, point in enumerate(points):
        if point not in POINT_TYPES:
            table.sink.add(f"access.point_types[{index}]", f"unknown point type {point!r}; "
                           f"expected one of {', '.join(POINT_TYPES)}")
    if "point_types" in table.data and not points:
        table.error("point_types", "needs at least one point type")
    exception = table.boolean("exception")
    visits = table.integer("visits", required=True, default=1, minimum=0)
    if visits is not None and visits > 1 and not exception:
        table.error("visits", "must be 0 or 1 unless exception = true (例外事项)")
    access = Access(tuple(points), table.boolean("kiosk", required=True),
                    table.boolean("online", required=True), visits or 0, exception,
                    read_citation(table, sources))
    table.finish()
    return access


def _conditions(top: Table, sources: set[str], scope: Scope) -> tuple[Condition, ...]:
    result = []
    for table in top.tables("conditions"):
        result.append(Condition(table.text("text") or Text("?", "?"),
                                read_expression(table, "check", scope),
                                read_citation(table, sources)))
        table.finish()
    return tuple(result)


def _steps(top: Table, sources: set[str]) -> tuple[Step, ...]:
    result = []
    for table in top.tables("steps", required=True):
        result.append(Step(table.text("name") or Text("?", "?"), table.text("text", False),
                           read_citation(table, sources)))
        table.finish()
    if "steps" in top.data and not result:
        top.error("steps", "needs at least one step")
    return tuple(result)


def _limit(top: Table, key: str, sources: set[str], required: bool = False) -> Limit | None:
    table = top.table(key, required)
    if table is None:
        return None
    unit = table.enum("unit", LIMIT_UNITS)
    value = table.integer("value", required=unit != "on_the_spot", default=0, minimum=0)
    if unit == "on_the_spot" and value:
        table.error("value", "must be 0 or omitted for on_the_spot")
    if unit in ("working_days", "days") and value == 0:
        table.error("value", "must be at least 1; use unit = \"on_the_spot\" for same-day")
    limit = Limit(value or 0, unit or "days", table.text("note", False),
                  read_citation(table, sources))
    table.finish()
    return limit


def _fee(top: Table, sources: set[str]) -> Fee:
    table = top.table("fee", required=True) or Table({}, "fee", top.sink)
    charged = table.boolean("charged", required=True)
    items = []
    for entry in table.tables("items"):
        items.append(FeeItem(entry.text("name") or Text("?", "?"),
                             entry.string("standard", required=True) or "",
                             _amount(entry), entry.string("basis", required=True) or "",
                             entry.string("waiver"), read_citation(entry, sources)))
        entry.finish()
    if charged and not items:
        table.error("items", "a charged item needs at least one [[fee.items]]")
    if items and not charged:
        table.error("items", "fee items given but charged = false")
    fee = Fee(charged, tuple(items), read_citation(table, sources))
    table.finish()
    return fee


def _amount(table: Table) -> Decimal | None:
    raw = table.string("amount")
    if raw is None:
        return None
    try:
        return to_decimal(raw)
    except FieldProblem:
        table.error("amount", "expected a decimal string such as \"20.00\"")
        return None


def _basis(top: Table, sources: set[str]) -> tuple[Basis, ...]:
    result = []
    for table in top.tables("basis", required=True):
        result.append(Basis(table.string("law", required=True) or "",
                            table.string("article", required=True) or "",
                            read_citation(table, sources)))
        table.finish()
    if "basis" in top.data and not result:
        top.error("basis", "needs at least one legal basis")
    return tuple(result)


def _contact(top: Table, sources: set[str]) -> Contact:
    table = top.table("contact", required=True) or Table({}, "contact", top.sink)
    contact = Contact(table.string("consult", required=True) or "",
                      table.string("complaint", required=True) or "",
                      read_citation(table, sources))
    table.finish()
    return contact


def _faq(top: Table, sources: set[str]) -> tuple[Faq, ...]:
    result = []
    for table in top.tables("faq"):
        result.append(Faq(table.text("q") or Text("?", "?"), table.text("a") or Text("?", "?"),
                          read_citation(table, sources)))
        table.finish()
    return tuple(result)
