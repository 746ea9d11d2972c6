"""Syntax tree of the expression language."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True, slots=True)
class Node:
    """Base of all nodes; `column` is 1-based."""

    column: int


@dataclass(frozen=True, slots=True)
class Literal(Node):
    """A number, string, boolean or null."""

    value: object


@dataclass(frozen=True, slots=True)
class Name(Node):
    """A field id, `card.<key>`, `context.<key>` or `today`."""

    name: str


@dataclass(frozen=True, slots=True)
class ListExpr(Node):
    """A list literal `[a, b]`."""

    items: tuple[Node, ...]


@dataclass(frozen=True, slots=True)
class Unary(Node):
    """`-x` or `not x`."""

    op: str
    operand: Node


@dataclass(frozen=True, slots=True)
class Binary(Node):
    """Arithmetic, comparison, membership or boolean operator."""

    op: str
    left: Node
    right: Node


@dataclass(frozen=True, slots=True)
class Call(Node):
    """A call of a built-in function."""

    function: str
    args: tuple[Node, ...]
