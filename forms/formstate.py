"""The per-application state of a form: typed values, visibility, computed values, errors."""

from __future__ import annotations

from collections import ChainMap
from collections.abc import Mapping, MutableMapping
from decimal import ROUND_HALF_UP, Decimal
from typing import Any

from forms.errors import ExpressionError
from forms.expr import Expression
from forms.fieldtypes import FieldProblem, coerce, constraint_problems, is_blank
from forms.messages import field_message, message
from forms.models import Field
from forms.results import FieldError
from forms.text import Text

Env = MutableMapping[str, Any]
_ORDER_CACHE: dict[int, tuple[tuple[Field, ...], list[Field]]] = {}


def compute_order(fields: tuple[Field, ...]) -> list[Field]:
    """Computed fields in dependency order (cycles are rejected at load time)."""
    cached = _ORDER_CACHE.get(id(fields))
    if cached is not None and cached[0] is fields:
        return cached[1]
    computed = {f.id: f for f in fields if f.compute is not None}
    order: list[Field] = []
    done: set[str] = set()

    def visit(field: Field) -> None:
        done.add(field.id)
        assert field.compute is not None
        for name in field.compute.names:
            if name in computed and name not in done:
                visit(computed[name])
        order.append(field)

    for field in computed.values():
        if field.id not in done:
            visit(field)
    _ORDER_CACHE[id(fields)] = (fields, order)
    return order


class FormState:
    """Typed values of one application and what has been concluded about them."""

    def __init__(self, fields: tuple[Field, ...], env: Env) -> None:
        self.fields = fields
        self.env = env
        self.errors: list[FieldError] = []
        self.warnings: list[Text] = []
        self.visible: set[str] = set()
        self.required: set[str] = set()  # visible top-level fields that must be filled now
        self.computed: dict[str, Any] = {}
        self.invalid: set[str] = set()

    # -- loading
    def load(self, raw: Mapping[str, Any]) -> None:
        """Coerce raw values (with prefill and defaults) into the environment."""
        known = set()
        for field in self.fields:
            known.add(field.id)
            if field.type == "group":
                self.env[field.id] = self._load_rows(field, raw.get(field.id))
            elif field.compute is None:
                self.env[field.id] = self._initial(field, raw.get(field.id), field.id)
            else:
                self.env[field.id] = None
        for key in raw:
            if key not in known:
                self.warnings.append(message("unknown_field", value=key))

    def _initial(self, field: Field, raw: Any, path: str) -> Any:
        prefilled = self.env.get(field.prefill) if field.prefill else None
        if field.read_only and prefilled is not None:
            if not is_blank(raw) and raw != prefilled:
                self.warnings.append(field_message("read_only", field.label))
            raw = prefilled
        elif is_blank(raw):
            raw = prefilled if prefilled is not None else field.default
        try:
            return coerce(field, raw)
        except FieldProblem as problem:
            self._error(field, path, problem)
            self.invalid.add(path)
            return None

    def _load_rows(self, group: Field, raw: Any) -> list[dict[str, Any]]:
        try:
            rows = coerce(group, raw) or []
        except FieldProblem as problem:
            self._error(group, group.id, problem)
            return []
        return [{sub.id: self._initial(sub, row.get(sub.id), f"{group.id}[{index}].{sub.id}")
                 for sub in group.fields} for index, row in enumerate(rows)]

    # -- visibility, computation, validation
    def finish(self) -> None:
        """Compute values, decide visibility, then validate every visible field."""
        self._compute()
        hidden = [f for f in self.fields if not self._shown(f, self.env, f.id)]
        for field in hidden:
            self.env[field.id] = None
        if hidden:
            self._compute()
        self.visible = {f.id for f in self.fields} - {f.id for f in hidden}
        for field in self.fields:
            if field.id in self.visible:
                if self._required(field, self.env, field.id):
                    self.required.add(field.id)
                self._validate(field, self.env, field.id)

    def _compute(self) -> None:
        for field in compute_order(self.fields):
            assert field.compute is not None
            value = self._run(field.compute, self.env, field, field.id)
            self.env[field.id] = self.computed[field.id] = computed_value(field, value)

    def _shown(self, field: Field, env: Mapping[str, Any], path: str) -> bool:
        if field.show_if is None:
            return True
        return bool(self._run(field.show_if, env, field, path, default=True))

    def _required(self, field: Field, env: Mapping[str, Any], path: str) -> bool:
        if field.required:
            return True
        return field.required_if is not None and bool(self._run(field.required_if, env, field,
                                                                path))

    def _validate(self, field: Field, env: Mapping[str, Any], path: str) -> None:
        value: Any = env.get(field.id)
        if path in self.invalid:
            return
        if is_blank(value):
            if self._required(field, env, path):
                self._error(field, path, FieldProblem("required"))
            return
        for problem in constraint_problems(field, value):
            self._error(field, path, problem)
        if field.check is not None and not self._run(field.check, env, field, path, True):
            self.errors.append(FieldError(path, "check", field.check_message or field.label))
        if field.type == "group":
            self._validate_rows(field, value)

    def _validate_rows(self, group: Field, rows: list[dict[str, Any]]) -> None:
        if len(rows) < group.min_items:
            self._error(group, group.id, FieldProblem("min_items", limit=group.min_items))
        if len(rows) > group.max_items:
            self._error(group, group.id, FieldProblem("max_items", limit=group.max_items))
        for index, row in enumerate(rows):
            row_env: ChainMap[str, Any] = ChainMap(row, self.env)
            for sub in group.fields:
                path = f"{group.id}[{index}].{sub.id}"
                if self._shown(sub, row_env, path):
                    self._validate(sub, row_env, path)
                else:
                    row[sub.id] = None

    def _run(self, expression: Expression, env: Mapping[str, Any], field: Field, path: str,
             default: object = None) -> object:
        try:
            return expression.evaluate(env)
        except ExpressionError as exc:
            self.errors.append(FieldError(path, "expression_failed", field_message(
                "expression_failed", field.label, detail=exc.message_en)))
            return default

    def _error(self, field: Field, path: str, problem: FieldProblem) -> None:
        text = field_message(problem.code, field.label, **problem.params)
        self.errors.append(FieldError(path, problem.code, text))

    # -- results
    def attached_materials(self) -> set[str]:
        """Materials provided through visible attachment fields that hold files."""
        return {f.material for f in self.fields
                if f.type == "attachment" and f.material and f.id in self.visible
                and self.env.get(f.id)}

    def output(self) -> dict[str, Any]:
        """Values of visible fields, computed values included."""
        return {f.id: self.env.get(f.id) for f in self.fields if f.id in self.visible}


def computed_value(field: Field, value: object) -> Any:
    """A computed result shaped to its field's type (money to cents, integers whole)."""
    if value is None or isinstance(value, bool):
        return value
    if field.type == "money" and isinstance(value, int | Decimal):
        return Decimal(value).quantize(Decimal("0.01"), ROUND_HALF_UP)
    if field.type == "integer" and isinstance(value, Decimal):
        return int(value.to_integral_value(ROUND_HALF_UP))
    if field.type == "decimal" and isinstance(value, int | Decimal) and field.decimals is not None:
        return Decimal(value).quantize(Decimal(1).scaleb(-field.decimals), ROUND_HALF_UP)
    return value
