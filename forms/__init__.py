"""Service catalog, field validators, expressions, materials logic and working-day calendar.

The station uses a small surface: `load_catalog()` → `Catalog.items_for(point_type, on=)`
and `Catalog.get(code, on=)`; `evaluate(item, values, card=, context=, attachments=)` →
`Evaluation`; the validators; `WorkingCalendar` and `due_date()`; `CatalogWatcher` for hot
reload; `build_bundle()`/`verify_bundle()`/`install_bundle()` for signed catalog bundles.
"""

from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from forms.bundle import (
        CatalogBundle,
        build_bundle,
        install_bundle,
        installed_version,
        verify_bundle,
    )
    from forms.collection import Catalog, lint, load_catalog
    from forms.divisions import hangzhou_divisions
    from forms.engine import evaluate
    from forms.errors import (
        BundleError,
        BundleExpiredError,
        BundleFormatError,
        BundleRollbackError,
        BundleSignatureError,
        CalendarError,
        CatalogError,
        CatalogInvalid,
        ExpressionError,
        FormsError,
        IdentifierError,
        ItemNotFound,
    )
    from forms.expr import Expression, compile_expression
    from forms.identifiers import IdNumber, parse_id_number, validate_credit_code
    from forms.issues import Issue
    from forms.models import Field, Item, Material
    from forms.phones import validate_phone
    from forms.reload import CatalogWatcher
    from forms.results import Evaluation, FieldError, MaterialStatus, NoticeEntry, Outcome
    from forms.search import pinyin_initials
    from forms.text import Text
    from forms.workdays import DueDate, WorkingCalendar, due_date

#: Where each public name lives. Names load on first use, so that a caller who needs one
#: validator (the station checking an ID number at start-up) does not load the catalog
#: reader, the expression compiler, cryptography or watchdog.
_HOMES = {
    "forms.bundle": ("CatalogBundle", "build_bundle", "install_bundle", "installed_version",
                     "verify_bundle"),
    "forms.collection": ("Catalog", "lint", "load_catalog"),
    "forms.divisions": ("hangzhou_divisions",),
    "forms.engine": ("evaluate",),
    "forms.errors": ("BundleError", "BundleExpiredError", "BundleFormatError",
                     "BundleRollbackError", "BundleSignatureError", "CalendarError",
                     "CatalogError", "CatalogInvalid", "ExpressionError", "FormsError",
                     "IdentifierError", "ItemNotFound"),
    "forms.expr": ("Expression", "compile_expression"),
    "forms.identifiers": ("IdNumber", "parse_id_number", "validate_credit_code"),
    "forms.issues": ("Issue",),
    "forms.models": ("Field", "Item", "Material"),
    "forms.phones": ("validate_phone",),
    "forms.reload": ("CatalogWatcher",),
    "forms.results": ("Evaluation", "FieldError", "MaterialStatus", "NoticeEntry", "Outcome"),
    "forms.search": ("pinyin_initials",),
    "forms.text": ("Text",),
    "forms.workdays": ("DueDate", "WorkingCalendar", "due_date"),
}
_LAZY = {name: module for module, names in _HOMES.items() for name in names}


def __getattr__(name: str) -> Any:
    """Import a public name from its module the first time it is asked for."""
    if name in _LAZY:
        import importlib

        value = getattr(importlib.import_module(_LAZY[name]), name)
        globals()[name] = value
        return value
    raise AttributeError(f"module 'forms' has no attribute {name!r}")


__all__ = [
    "BundleError",
    "BundleExpiredError",
    "BundleFormatError",
    "BundleRollbackError",
    "BundleSignatureError",
    "CalendarError",
    "Catalog",
    "CatalogBundle",
    "CatalogError",
    "CatalogInvalid",
    "CatalogWatcher",
    "DueDate",
    "Evaluation",
    "Expression",
    "ExpressionError",
    "Field",
    "FieldError",
    "FormsError",
    "IdNumber",
    "IdentifierError",
    "Issue",
    "Item",
    "ItemNotFound",
    "Material",
    "MaterialStatus",
    "NoticeEntry",
    "Outcome",
    "Text",
    "WorkingCalendar",
    "build_bundle",
    "compile_expression",
    "due_date",
    "evaluate",
    "hangzhou_divisions",
    "install_bundle",
    "installed_version",
    "lint",
    "load_catalog",
    "parse_id_number",
    "pinyin_initials",
    "validate_credit_code",
    "validate_phone",
    "verify_bundle",
]
