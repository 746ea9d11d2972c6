"""Exceptions raised by `forms`; every one carries a Chinese and an English message.

    JiujinError (kernel.errors)         message_zh / message_en, message(lang)
    └── FormsError                      str() is the English message
        ├── CatalogError                    the catalog cannot be used
        │   ├── CatalogInvalid              files failed validation (`.issues`: file, key path, reason)
        │   └── ItemNotFound                no item (or no version in force) for a code and date
        ├── ExpressionError                 an expression (`.source`, `.column`)
        │   ├── ExpressionSyntaxError       not well formed
        │   ├── ExpressionNameError         unknown name or function, wrong number of arguments
        │   ├── ExpressionUnsafeError       forbidden construct: attribute access, indexing, dunder
        │   ├── ExpressionLimitError        too long, too deep, too many nodes, number too large
        │   └── ExpressionEvalError         failed while running (types, division by zero)
        ├── IdentifierError (ValueError)    an ID number, credit code or phone is malformed (`.code`)
        ├── CalendarError                   the overrides file is malformed
        └── BundleError                     a signed catalog bundle is refused
            ├── BundleFormatError           not a well-formed bundle
            ├── BundleSignatureError        signature or file hashes do not verify
            ├── BundleRollbackError         older than the installed version
            └── BundleExpiredError          past its expiry
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING

from kernel import errors as kernel_errors

if TYPE_CHECKING:
    from forms.issues import Issue


class FormsError(kernel_errors.JiujinError):
    """Base of every error raised by `forms`: raised with the English message, and the
    Chinese one given or made from `zh_default`."""

    zh_default = "事项目录出错"

    def __init__(self, message: str, *, zh: str | None = None) -> None:
        super().__init__(zh or f"{self.zh_default}：{message}", message)

    def __str__(self) -> str:
        return self.message_en


class CatalogError(FormsError):
    """The catalog cannot be used."""

    zh_default = "事项目录不可用"


class CatalogInvalid(CatalogError):
    """One or more catalog files failed validation."""

    zh_default = "事项目录校验失败"

    def __init__(self, issues: Sequence[Issue]) -> None:
        self.issues = list(issues)
        first = self.issues[0].line() if self.issues else "no details"
        more = f" (+{len(self.issues) - 1} more)" if len(self.issues) > 1 else ""
        super().__init__(f"{first}{more}", zh=f"事项目录校验失败：{first}{more}")


class ItemNotFound(CatalogError, KeyError):
    """No item, or no version in force, for a code and date."""

    zh_default = "未找到事项"

    def __str__(self) -> str:
        return self.message_en


class ExpressionError(FormsError):
    """An expression could not be parsed, checked or evaluated."""

    zh_default = "表达式错误"

    def __init__(self, message: str, *, source: str = "", column: int = 0) -> None:
        self.source = source
        self.column = column
        where = f"col {column}: " if column else ""
        super().__init__(f"{where}{message}", zh=f"表达式错误（第{column}列）：{message}")


class ExpressionSyntaxError(ExpressionError):
    """The expression is not well formed."""


class ExpressionNameError(ExpressionError):
    """An unknown name or function, or a wrong number of arguments."""


class ExpressionUnsafeError(ExpressionError):
    """A forbidden construct such as attribute access or indexing."""


class ExpressionLimitError(ExpressionError):
    """The expression or its result exceeds a work bound."""


class ExpressionEvalError(ExpressionError):
    """The expression failed while running."""


class IdentifierError(FormsError, ValueError):
    """An identifier is malformed; `code` names its message in forms.messages."""

    zh_default = "号码无效"

    def __init__(self, code: str, detail: str = "") -> None:
        self.code = code
        super().__init__(f"{code}: {detail}" if detail else code)


class CalendarError(FormsError):
    """The working-day overrides are malformed."""

    zh_default = "工作日历出错"


class BundleError(FormsError):
    """A signed catalog bundle is refused."""

    zh_default = "目录包被拒绝"


class BundleFormatError(BundleError):
    """The bytes are not a well-formed bundle."""


class BundleSignatureError(BundleError):
    """The signature or a file hash does not verify."""


class BundleRollbackError(BundleError):
    """The bundle is older than the installed one."""


class BundleExpiredError(BundleError):
    """The bundle is past its expiry."""
