"""A hand-written recursive-descent parser with depth and size bounds."""

from __future__ import annotations

from decimal import Decimal

from forms.errors import ExpressionLimitError, ExpressionSyntaxError, ExpressionUnsafeError
from forms.expr.lexer import Token, tokenize
from forms.expr.nodes import Binary, Call, ListExpr, Literal, Name, Node, Unary

MAX_DEPTH = 32
MAX_NODES = 400
COMPARISONS = frozenset({"==", "!=", "<", "<=", ">", ">="})
CONSTANTS = {"true": True, "false": False, "null": None}


def parse(source: str) -> Node:
    """Parse `source` into a tree, or raise a typed `ExpressionError`."""
    return _Parser(source).parse()


class _Parser:
    def __init__(self, source: str) -> None:
        self.source = source
        self.tokens = tokenize(source)
        self.pos = 0
        self.depth = 0
        self.nodes = 0

    def parse(self) -> Node:
        if self.peek().kind == "end":
            raise self.error("empty expression", self.peek())
        node = self.or_expr()
        if self.peek().kind != "end":
            token = self.peek()
            if token.text == "[":
                raise ExpressionUnsafeError("indexing is not allowed", source=self.source,
                                            column=token.column)
            raise self.error(f"unexpected {token.text!r}", token)
        return node

    # -- token helpers
    def peek(self) -> Token:
        return self.tokens[self.pos]

    def advance(self) -> Token:
        token = self.tokens[self.pos]
        self.pos += 1
        return token

    def accept(self, text: str) -> bool:
        token = self.peek()
        if token.kind in ("op", "kw") and token.text == text:
            self.pos += 1
            return True
        return False

    def expect(self, text: str) -> Token:
        token = self.advance()
        if token.text != text or token.kind not in ("op", "kw"):
            raise self.error(f"expected {text!r}, found {token.text or 'end'!r}", token)
        return token

    def error(self, message: str, token: Token) -> ExpressionSyntaxError:
        return ExpressionSyntaxError(message, source=self.source, column=token.column)

    def node(self, node: Node) -> Node:
        self.nodes += 1
        if self.nodes > MAX_NODES:
            raise ExpressionLimitError(f"more than {MAX_NODES} nodes", source=self.source,
                                       column=node.column)
        return node

    def enter(self, token: Token) -> None:
        self.depth += 1
        if self.depth > MAX_DEPTH:
            raise ExpressionLimitError(f"nested deeper than {MAX_DEPTH}", source=self.source,
                                       column=token.column)

    # -- grammar, loosest first
    def or_expr(self) -> Node:
        node = self.and_expr()
        while self.peek().text == "or" and self.peek().kind == "kw":
            token = self.advance()
            node = self.node(Binary(token.column, "or", node, self.and_expr()))
        return node

    def and_expr(self) -> Node:
        node = self.not_expr()
        while self.peek().text == "and" and self.peek().kind == "kw":
            token = self.advance()
            node = self.node(Binary(token.column, "and", node, self.not_expr()))
        return node

    def not_expr(self) -> Node:
        token = self.peek()
        if token.kind == "kw" and token.text == "not":
            self.advance()
            self.enter(token)
            operand = self.not_expr()
            self.depth -= 1
            return self.node(Unary(token.column, "not", operand))
        return self.comparison()

    def comparison(self) -> Node:
        node = self.additive()
        token = self.peek()
        op = self._comparison_op()
        if op is None:
            return node
        node = self.node(Binary(token.column, op, node, self.additive()))
        if self._comparison_op() is not None:
            raise self.error("chained comparisons are not allowed; use 'and'", token)
        return node

    def _comparison_op(self) -> str | None:
        token = self.peek()
        if token.kind == "op" and token.text in COMPARISONS:
            self.advance()
            return token.text
        if token.kind == "kw" and token.text == "in":
            self.advance()
            return "in"
        if token.kind == "kw" and token.text == "not":
            following = self.tokens[self.pos + 1]
            if following.kind == "kw" and following.text == "in":
                self.pos += 2
                return "not in"
        return None

    def additive(self) -> Node:
        node = self.multiplicative()
        while self.peek().kind == "op" and self.peek().text in ("+", "-"):
            token = self.advance()
            node = self.node(Binary(token.column, token.text, node, self.multiplicative()))
        return node

    def multiplicative(self) -> Node:
        node = self.unary()
        while self.peek().kind == "op" and self.peek().text in ("*", "/", "%"):
            token = self.advance()
            node = self.node(Binary(token.column, token.text, node, self.unary()))
        return node

    def unary(self) -> Node:
        token = self.peek()
        if token.kind == "op" and token.text == "-":
            self.advance()
            self.enter(token)
            operand = self.unary()
            self.depth -= 1
            return self.node(Unary(token.column, "-", operand))
        return self.power()

    def power(self) -> Node:
        base = self.primary()
        token = self.peek()
        if token.kind == "op" and token.text == "**":
            self.advance()
            self.enter(token)
            exponent = self.unary()
            self.depth -= 1
            return self.node(Binary(token.column, "**", base, exponent))
        return base

    def primary(self) -> Node:
        token = self.advance()
        if token.kind == "num":
            value: object = Decimal(token.text) if "." in token.text else int(token.text)
            return self.node(Literal(token.column, value))
        if token.kind == "str":
            return self.node(Literal(token.column, token.text))
        if token.kind == "kw" and token.text in CONSTANTS:
            return self.node(Literal(token.column, CONSTANTS[token.text]))
        if token.kind == "name":
            return self.name_or_call(token)
        if token.kind == "op" and token.text == "(":
            self.enter(token)
            node = self.or_expr()
            self.expect(")")
            self.depth -= 1
            return node
        if token.kind == "op" and token.text == "[":
            return self.list_literal(token)
        raise self.error(f"unexpected {token.text or 'end'!r}", token)

    def name_or_call(self, token: Token) -> Node:
        if not (self.peek().kind == "op" and self.peek().text == "("):
            return self.node(Name(token.column, token.text))
        if "." in token.text:
            raise ExpressionUnsafeError("attribute access is not allowed", source=self.source,
                                        column=token.column)
        self.advance()
        self.enter(token)
        args = self.arguments(")")
        self.depth -= 1
        return self.node(Call(token.column, token.text, args))

    def list_literal(self, token: Token) -> Node:
        self.enter(token)
        items = self.arguments("]")
        self.depth -= 1
        return self.node(ListExpr(token.column, items))

    def arguments(self, closer: str) -> tuple[Node, ...]:
        args: list[Node] = []
        if self.accept(closer):
            return ()
        while True:
            args.append(self.or_expr())
            if self.accept(closer):
                return tuple(args)
            self.expect(",")
