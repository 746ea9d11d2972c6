"""Reading `[[fields]]` (and group `[[fields.fields]]`) into `Field` models."""

from __future__ import annotations

import dataclasses
import re
from collections.abc import Collection, Mapping
from dataclasses import dataclass
from datetime import date
from typing import Any

from forms.errors import ExpressionError
from forms.expr import Expression, compile_expression
from forms.fieldtypes import FieldProblem, coerce, to_decimal
from forms.loader.citations import read_citation
from forms.loader.tables import MISSING, SLUG, Table
from forms.models import Choice, Field
from forms.text import Text
from forms.vocab import CARD_KEYS, CONTEXT_KEYS, DIVISION_SCOPES, FIELD_TYPES

RESERVED = frozenset({"today", "and", "or", "not", "in", "true", "false", "null", "card",
                      "context"})
NUMERIC = frozenset({"integer", "decimal", "money"})
TEXTUAL = frozenset({"text", "address"})
MAX_GROUP_ROWS = 200


@dataclass(frozen=True)
class Scope:
    """Names an expression may use, repeat groups and their sub-fields, material ids, and the
    source keys a field's `source` may cite."""

    names: frozenset[str]
    groups: Mapping[str, frozenset[str]]
    materials: frozenset[str]
    sources: frozenset[str] = frozenset()


def form_scope(raw_fields: object, materials: Collection[str], sources: Collection[str] = ()) -> Scope:
    """The top-level scope, read from raw field tables before they are parsed."""
    names: set[str] = set()
    groups: dict[str, frozenset[str]] = {}
    for entry in raw_fields if isinstance(raw_fields, list) else []:
        if isinstance(entry, dict) and isinstance(entry.get("id"), str):
            names.add(entry["id"])
            if entry.get("type") == "group" and isinstance(entry.get("fields"), list):
                groups[entry["id"]] = frozenset(
                    sub["id"] for sub in entry["fields"]
                    if isinstance(sub, dict) and isinstance(sub.get("id"), str))
    return Scope(frozenset(names), groups, frozenset(materials), frozenset(sources))


def read_expression(table: Table, key: str, scope: Scope) -> Expression | None:
    """The compiled expression at `key`, recording errors with their column."""
    source = table.string(key)
    if source is None:
        return None
    try:
        return compile_expression(source, scope.names, scope.groups)
    except ExpressionError as exc:
        table.error(key, f"{type(exc).__name__}: {exc}")
        return None


def read_fields(tables: list[Table], scope: Scope, nested: bool = False) -> tuple[Field, ...]:
    """All fields of a form (or of one group), checking ids are unique."""
    fields: list[Field] = []
    seen: set[str] = set()
    for table in tables:
        field = read_field(table, scope, nested)
        if field is None:
            continue
        if field.id in seen:
            table.error("id", f"duplicate field id {field.id!r}")
        seen.add(field.id)
        fields.append(field)
    return tuple(fields)


def read_field(table: Table, scope: Scope, nested: bool) -> Field | None:
    """One field, or None when its id, type or label is unusable."""
    field_id = table.string("id", required=True)
    if field_id is not None and (not SLUG.match(field_id) or field_id in RESERVED):
        table.error("id", "must be a snake_case name that is not a reserved word")
        field_id = None
    kind = table.enum("type", FIELD_TYPES)
    label = table.text("label")
    if kind == "group" and nested:
        table.error("type", "groups cannot be nested")
    options: dict[str, Any] = {
        "id": field_id or "?", "type": kind or "text", "label": label or Text("?", "?"),
        "help": table.text("help", required=False), "required": table.boolean("required"),
        "read_only": table.boolean("read_only"),
        # where a law names what the form asks (optional: a field no law names has none)
        "source": read_citation(table, scope.sources) if "source" in table.data else None,
    }
    options.update(_expressions(table, options["id"], scope))
    options["read_only"] = options["read_only"] or options["compute"] is not None
    options.update(_type_options(table, options["type"], options["id"], scope))
    field = _default(table, Field(**options))
    table.finish()
    return field if field_id and kind and label else None


def _expressions(table: Table, field_id: str, scope: Scope) -> dict[str, Any]:
    compute = read_expression(table, "compute", scope)
    check = read_expression(table, "check", scope)
    message = table.text("check_message", required=check is not None)
    if message is not None and check is None and "check" not in table.data:
        table.error("check_message", "given without 'check'")
    prefill = table.string("prefill")
    if prefill is not None and not _valid_prefill(prefill):
        table.error("prefill", f"unknown prefill source {prefill!r}; use card.<key> or "
                               "context.<key>")
        prefill = None
    if compute is not None and field_id in compute.names:
        table.error("compute", "a field cannot compute from itself")
    return {"required_if": read_expression(table, "required_if", scope),
            "show_if": read_expression(table, "show_if", scope), "compute": compute,
            "check": check, "check_message": message, "prefill": prefill}


def _valid_prefill(source: str) -> bool:
    namespace, _, key = source.partition(".")
    return (namespace == "card" and key in CARD_KEYS) or (
        namespace == "context" and key in CONTEXT_KEYS)


def _only(table: Table, key: str, kind: str, allowed: Collection[str]) -> bool:
    """True when `key` is present; an error when it does not apply to `kind`."""
    if key not in table.data:
        return False
    if kind not in allowed:
        table.raw(key)
        table.error(key, f"does not apply to a {kind} field")
        return False
    return True


def _type_options(table: Table, kind: str, field_id: str, scope: Scope) -> dict[str, Any]:
    changes: dict[str, Any] = {}
    if _only(table, "min_length", kind, TEXTUAL):
        changes["min_length"] = table.integer("min_length", minimum=0)
    if _only(table, "max_length", kind, TEXTUAL):
        changes["max_length"] = table.integer("max_length", minimum=1)
    if _only(table, "pattern", kind, {"text"}):
        changes["pattern"] = _pattern(table)
    if _only(table, "decimals", kind, {"decimal"}):
        changes["decimals"] = table.integer("decimals", minimum=0)
    if _only(table, "scope", kind, {"division"}):
        changes["scope"] = table.enum("scope", DIVISION_SCOPES, default="hangzhou")
    for key in ("min", "max"):
        if _only(table, key, kind, NUMERIC | {"date"}):
            changes[key] = _bound(table, key, kind)
    changes.update(_structure(table, kind, field_id, scope))
    return changes


def _pattern(table: Table) -> re.Pattern[str] | None:
    source = table.string("pattern")
    try:
        return re.compile(source) if source is not None else None
    except re.error as exc:
        table.error("pattern", f"invalid regular expression: {exc}")
        return None


def _bound(table: Table, key: str, kind: str) -> Any:
    value = table.raw(key)
    if kind == "date":
        if isinstance(value, date) and not hasattr(value, "hour"):
            return value
        table.error(key, "expected a TOML date")
        return None
    try:
        number = to_decimal(value)
    except FieldProblem:
        table.error(key, "expected a number")
        return None
    return int(number) if kind == "integer" and number == int(number) else number


def _structure(table: Table, kind: str, field_id: str, scope: Scope) -> dict[str, Any]:
    changes: dict[str, Any] = {}
    if kind in ("choice", "multi_choice"):
        changes["choices"] = _choices(table)
    elif "choices" in table.data:
        _only(table, "choices", kind, ())
    if kind == "attachment":
        material = table.string("material", required=True)
        if material is not None and material not in scope.materials:
            table.error("material", f"no material with id {material!r}")
        changes["material"] = material
    elif "material" in table.data:
        _only(table, "material", kind, ())
    if kind == "group":
        changes.update(_group(table, field_id, scope))
    else:
        for key in ("fields", "min_items", "max_items"):
            _only(table, key, kind, ())
    return changes


def _choices(table: Table) -> tuple[Choice, ...]:
    choices: list[Choice] = []
    for entry in table.tables("choices", required=True):
        value = entry.string("value", required=True)
        label = entry.text("label")
        entry.finish()
        if value is not None and label is not None:
            if any(c.value == value for c in choices):
                entry.error("value", f"duplicate choice {value!r}")
            choices.append(Choice(value, label))
    if not choices and "choices" in table.data:
        table.error("choices", "needs at least one choice")
    return tuple(choices)


def _group(table: Table, field_id: str, scope: Scope) -> dict[str, Any]:
    sub_names = scope.groups.get(field_id, frozenset())
    inner = Scope(scope.names | sub_names, scope.groups, scope.materials, scope.sources)
    subfields = read_fields(table.tables("fields", required=True), inner, nested=True)
    if not subfields:
        table.error("fields", "a group needs at least one sub-field")
    least = table.integer("min_items", default=0, minimum=0)
    most = table.integer("max_items", default=50, minimum=1)
    if most is not None and most > MAX_GROUP_ROWS:
        table.error("max_items", f"at most {MAX_GROUP_ROWS}")
    if least is not None and most is not None and least > most:
        table.error("min_items", "greater than max_items")
    return {"fields": subfields, "min_items": least or 0, "max_items": most or 50}


def _default(table: Table, field: Field) -> Field:
    raw = table.raw("default")
    if raw is MISSING:
        return field
    if field.type in ("group", "attachment"):
        table.error("default", f"a {field.type} field has no default")
        return field
    if field.compute is not None:
        table.error("default", "a computed field has no default")
        return field
    try:
        value = coerce(field, raw)
    except FieldProblem as exc:
        table.error("default", f"not a valid {field.type} value ({exc.code})")
        return field
    return dataclasses.replace(field, default=value)

