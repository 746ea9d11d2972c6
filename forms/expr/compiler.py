"""Turns a checked syntax tree into nested closures, so that evaluation is fast and safe."""

from __future__ import annotations

from collections.abc import Callable, Collection, Mapping
from typing import Any

from forms.errors import (
    ExpressionError,
    ExpressionEvalError,
    ExpressionLimitError,
    ExpressionNameError,
)
from forms.expr import values as ops
from forms.expr.functions import FUNCTIONS, GROUP_FUNCTIONS
from forms.expr.nodes import Binary, Call, ListExpr, Literal, Name, Node, Unary
from forms.vocab import CARD_KEYS, CONTEXT_KEYS

Env = Mapping[str, Any]
Compiled = Callable[[Env], object]

BINARY: dict[str, Callable[[object, object], object]] = {
    "+": ops.add, "-": ops.subtract, "*": ops.multiply, "/": ops.divide, "%": ops.modulo,
    "**": ops.power,
}


class Compiler:
    """Compiles one tree, checking names against the form's fields."""

    def __init__(self, source: str, names: Collection[str],
                 groups: Mapping[str, Collection[str]] | None = None) -> None:
        self.source = source
        self.names = names
        self.groups = groups or {}
        self.used: set[str] = set()

    def compile(self, node: Node) -> Compiled:
        """The closure computing `node`."""
        if isinstance(node, Literal):
            value = node.value
            return lambda env: value
        if isinstance(node, Name):
            return self.name(node)
        if isinstance(node, ListExpr):
            items = [self.compile(item) for item in node.items]
            return lambda env: [item(env) for item in items]
        if isinstance(node, Unary):
            return self.unary(node)
        if isinstance(node, Binary):
            return self.binary(node)
        assert isinstance(node, Call)
        return self.call(node)

    def name(self, node: Name) -> Compiled:
        key = node.name
        self.check_name(node)
        self.used.add(key)
        return lambda env: env.get(key)

    def check_name(self, node: Name) -> None:
        namespace, _, member = node.name.partition(".")
        if member:
            keys = CARD_KEYS if namespace == "card" else CONTEXT_KEYS
            if member not in keys:
                raise self.name_error(f"unknown key '{node.name}'", node)
        elif node.name != "today" and node.name not in self.names:
            raise self.name_error(f"unknown name '{node.name}'", node)

    def name_error(self, message: str, node: Node) -> ExpressionNameError:
        return ExpressionNameError(message, source=self.source, column=node.column)

    def unary(self, node: Unary) -> Compiled:
        operand = self.compile(node.operand)
        if node.op == "not":
            return lambda env: not operand(env)
        return self.guard(lambda env: ops.negate(operand(env)), node)

    def binary(self, node: Binary) -> Compiled:
        left, right = self.compile(node.left), self.compile(node.right)
        op = node.op
        if op == "and":
            return lambda env: bool(left(env)) and bool(right(env))
        if op == "or":
            return lambda env: bool(left(env)) or bool(right(env))
        if op == "in":
            return self.guard(lambda env: ops.contains(right(env), left(env)), node)
        if op == "not in":
            return self.guard(lambda env: not ops.contains(right(env), left(env)), node)
        if op in BINARY:
            function = BINARY[op]
            return self.guard(lambda env: function(left(env), right(env)), node)
        return self.guard(lambda env: ops.compare(op, left(env), right(env)), node)

    def call(self, node: Call) -> Compiled:
        entry = FUNCTIONS.get(node.function)
        if entry is None:
            raise self.name_error(f"unknown function '{node.function}'", node)
        function, least, most = entry
        count = len(node.args)
        if count < least or (most is not None and count > most):
            raise self.name_error(f"{node.function}() takes {least}–{most} arguments, got {count}",
                                  node)
        if node.function in GROUP_FUNCTIONS:
            self.check_group(node)
        args = [self.compile(arg) for arg in node.args]
        if node.function == "if":
            condition, then, otherwise = args
            return lambda env: then(env) if condition(env) else otherwise(env)
        return self.guard(lambda env: function(env, *[arg(env) for arg in args]), node)

    def check_group(self, node: Call) -> None:
        group, field = node.args[0], node.args[1]
        if not isinstance(group, Name) or group.name not in self.groups:
            raise self.name_error(f"{node.function}() needs a repeat group first", node)
        if not isinstance(field, Literal) or field.value not in self.groups[group.name]:
            raise self.name_error(f"{node.function}(): no such field in '{group.name}'", field)

    def guard(self, function: Compiled, node: Node) -> Compiled:
        """Wrap `function` so that runtime failures carry this node's column."""
        source, column = self.source, node.column

        def guarded(env: Env) -> object:
            try:
                return function(env)
            except ExpressionError:
                raise
            except ops.OperationLimit as exc:
                raise ExpressionLimitError(str(exc), source=source, column=column) from exc
            except (ops.OperationError, ArithmeticError, TypeError, ValueError) as exc:
                raise ExpressionEvalError(str(exc), source=source, column=column) from exc

        return guarded
