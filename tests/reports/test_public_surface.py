"""The public surface of `reports` is pinned; its errors form the documented tree."""

from __future__ import annotations

import reports
import reports.errors

EXPECTED = {
    "AmendmentData", "ApplicantInfo", "CaseReceiptData", "CityFigures", "CityRow", "CjkFont",
    "Count", "DailyFigures", "DaySync", "DocumentInputError", "Fee", "FeeLine",
    "FontFallbackWarning", "FormData", "FormField", "HubDataError", "HubStationLedger",
    "LedgerDay", "MaterialLine", "MissingItem", "NoticeData", "Promise", "QRError",
    "QRFormatError", "QRSignatureError", "ReceiptClaim", "ReceiptData", "ReceiptLayout",
    "ReportsError", "StationInfo", "StationLedger", "Supplement", "amendment_pdf", "case_link", "case_receipt_layout", "case_receipt_pdf", "cjk_font", "city_pdf",
    "daily_pdf", "form_fields", "form_pdf", "items_from_entries",
    "load_cjk_font", "mask_id", "notice_pdf", "parse_payload", "receipt_layout", "receipt_pdf",
    "reconcile_pdf", "sign_payload", "verify_payload",
}


def test_public_surface_is_pinned() -> None:
    assert set(reports.__all__) == EXPECTED
    for name in reports.__all__:
        value = getattr(reports, name)
        assert isinstance(value, str) or value.__module__.startswith("reports")


def test_every_error_is_in_the_tree_and_speaks_both_languages() -> None:
    tree = reports.errors.__doc__ or ""
    errors = [getattr(reports, n) for n in reports.__all__
              if isinstance(getattr(reports, n), type) and issubclass(getattr(reports, n), Exception)]
    assert errors
    for error in errors:
        assert error.__name__ in tree
        if error is not reports.FontFallbackWarning:
            assert issubclass(error, reports.ReportsError)
    assert reports.QRSignatureError().message("en").startswith("The receipt QR signature")
    assert "签名无效" in reports.QRSignatureError().message("zh")
