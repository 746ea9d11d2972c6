"""Tokens of the expression language, with 1-based columns for error messages."""

from __future__ import annotations

from dataclasses import dataclass

from forms.errors import ExpressionLimitError, ExpressionSyntaxError, ExpressionUnsafeError

MAX_LENGTH = 1000
KEYWORDS = frozenset({"and", "or", "not", "in", "true", "false", "null"})
NAMESPACES = frozenset({"card", "context"})
OPERATORS = ("**", "==", "!=", "<=", ">=", "<", ">", "+", "-", "*", "/", "%", "(", ")", "[",
             "]", ",")


@dataclass(frozen=True, slots=True)
class Token:
    """One token: its kind (`num`, `str`, `name`, `kw`, `op`, `end`), text and column."""

    kind: str
    text: str
    column: int


def tokenize(source: str) -> list[Token]:
    """Split `source` into tokens, rejecting unsafe or unknown characters."""
    if len(source) > MAX_LENGTH:
        raise ExpressionLimitError(f"longer than {MAX_LENGTH} characters", source=source, column=1)
    tokens: list[Token] = []
    pos = 0
    while pos < len(source):
        char = source[pos]
        if char.isspace():
            pos += 1
        elif char.isdigit():
            pos = _number(source, pos, tokens)
        elif char in "\"'":
            pos = _string(source, pos, tokens)
        elif char.isalpha() or char == "_":
            pos = _name(source, pos, tokens)
        elif char == ".":
            raise ExpressionUnsafeError("attribute access is not allowed", source=source,
                                        column=pos + 1)
        else:
            pos = _operator(source, pos, tokens)
    tokens.append(Token("end", "", len(source) + 1))
    return tokens


def _number(source: str, pos: int, tokens: list[Token]) -> int:
    start = pos
    while pos < len(source) and source[pos].isdigit():
        pos += 1
    if pos + 1 < len(source) and source[pos] == "." and source[pos + 1].isdigit():
        pos += 1
        while pos < len(source) and source[pos].isdigit():
            pos += 1
    if pos - start > 30:
        raise ExpressionLimitError("number literal too long", source=source, column=start + 1)
    tokens.append(Token("num", source[start:pos], start + 1))
    return pos


def _string(source: str, pos: int, tokens: list[Token]) -> int:
    quote, start = source[pos], pos
    pos += 1
    while pos < len(source) and source[pos] != quote:
        if source[pos] == "\\":
            raise ExpressionSyntaxError("backslashes are not allowed in strings", source=source,
                                        column=pos + 1)
        pos += 1
    if pos >= len(source):
        raise ExpressionSyntaxError("unterminated string", source=source, column=start + 1)
    tokens.append(Token("str", source[start + 1 : pos], start + 1))
    return pos + 1


def _identifier_end(source: str, pos: int) -> int:
    while pos < len(source) and (source[pos].isalnum() or source[pos] == "_"):
        pos += 1
    return pos


def _name(source: str, pos: int, tokens: list[Token]) -> int:
    start = pos
    pos = _identifier_end(source, pos)
    word = source[start:pos]
    if "__" in word:
        raise ExpressionUnsafeError(f"name '{word}' is not allowed", source=source,
                                    column=start + 1)
    if pos < len(source) and source[pos] == ".":
        after = _identifier_end(source, pos + 1)
        member = source[pos + 1 : after]
        if word not in NAMESPACES or not member or "__" in member:
            raise ExpressionUnsafeError("attribute access is not allowed", source=source,
                                        column=pos + 1)
        word, pos = f"{word}.{member}", after
    tokens.append(Token("kw" if word in KEYWORDS else "name", word, start + 1))
    return pos


def _operator(source: str, pos: int, tokens: list[Token]) -> int:
    for op in OPERATORS:
        if source.startswith(op, pos):
            tokens.append(Token("op", op, pos + 1))
            return pos + len(op)
    raise ExpressionSyntaxError(f"unexpected character {source[pos]!r}", source=source,
                                column=pos + 1)
