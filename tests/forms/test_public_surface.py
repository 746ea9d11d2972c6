"""The public surface of `forms` is pinned, and `forms` imports nothing of ours or Textual."""

from __future__ import annotations

import subprocess
import sys

import forms

EXPECTED = {
    "BundleError", "BundleExpiredError", "BundleFormatError", "BundleRollbackError",
    "BundleSignatureError", "CalendarError", "Catalog", "CatalogBundle", "CatalogError",
    "CatalogInvalid", "CatalogWatcher", "DueDate", "Evaluation", "Expression",
    "ExpressionError", "Field", "FieldError", "FormsError", "IdNumber", "IdentifierError",
    "Issue", "Item", "ItemNotFound", "Material", "MaterialStatus", "NoticeEntry", "Outcome",
    "Text", "WorkingCalendar", "build_bundle", "compile_expression", "due_date", "evaluate",
    "hangzhou_divisions", "install_bundle", "installed_version", "lint", "load_catalog",
    "parse_id_number", "pinyin_initials", "validate_credit_code", "validate_phone",
    "verify_bundle",
}


def test_public_surface_is_pinned() -> None:
    assert set(forms.__all__) == EXPECTED
    for name in forms.__all__:
        assert getattr(forms, name).__module__.startswith("forms")


def test_every_error_derives_from_forms_error() -> None:
    errors = [getattr(forms, n) for n in forms.__all__
              if n.endswith(("Error", "Invalid", "Found")) and n != "FieldError"]
    assert len(errors) >= 10
    for error in errors:
        assert issubclass(error, forms.FormsError), error


def test_forms_imports_nothing_of_ours_and_no_textual() -> None:
    code = (
        "import sys, forms, forms.engine, forms.reload, forms.bundle\n"
        "from forms import load_catalog, evaluate\n"
        "load_catalog()\n"
        "bad = [m for m in sys.modules if m.split('.')[0] in "
        "('station', 'devices', 'sync', 'reports', 'textual')]\n"
        "print(','.join(bad))\n"
    )
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                            check=True)
    assert result.stdout.strip() == ""
