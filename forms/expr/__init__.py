"""A small, safe expression language for conditions and calculations.

Hand-written (lexer, recursive-descent parser, closure compiler) rather than a library:
it needs no `eval` or Python `ast`, so attribute access and dunders cannot even be
expressed; every error carries a column; and the work is bounded by the grammar (no
loops), the size limits and the number bounds. See docs/catalog-format.md §8.1.
"""

from __future__ import annotations

from collections.abc import Collection, Mapping
from dataclasses import dataclass, field
from typing import Any

from forms.expr.compiler import Compiled, Compiler
from forms.expr.functions import CALENDAR_KEY, FUNCTIONS, WARNINGS_KEY
from forms.expr.parser import parse

__all__ = ["CALENDAR_KEY", "FUNCTIONS", "WARNINGS_KEY", "Expression", "compile_expression"]


@dataclass(frozen=True, slots=True)
class Expression:
    """A parsed and checked expression, ready to evaluate many times."""

    source: str
    names: frozenset[str]
    function: Compiled = field(repr=False, compare=False)

    def evaluate(self, env: Mapping[str, Any]) -> object:
        """The value of the expression in `env` (raises `ExpressionError` subclasses)."""
        return self.function(env)


def compile_expression(source: str, names: Collection[str] = (),
                       groups: Mapping[str, Collection[str]] | None = None) -> Expression:
    """Parse and check `source`; `names` are the field ids it may use, `groups` map
    repeat-group ids to their sub-field ids."""
    compiler = Compiler(source, names, groups)
    function = compiler.compile(parse(source))
    return Expression(source, frozenset(compiler.used), function)
