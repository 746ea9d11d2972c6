"""Receipts, one-time notices, application forms and reports, as PDF and ESC/POS layouts.

Citizen documents are made from plain inputs (`ReceiptData`, `NoticeData`, `FormData`,
`AmendmentData`) that the station fills from its store and the catalog:
`receipt_layout()` for the thermal printer, `receipt_pdf()`, `notice_pdf()`,
`form_pdf()`, `amendment_pdf()`; a 一件事's one receipt for all its items from `CaseReceiptData`
(`case_receipt_pdf()`, `case_receipt_layout()`). Reports: `daily_pdf(DailyFigures)`,
`reconcile_pdf(StationLedger, [HubStationLedger])`, and `city_pdf(CityFigures)`, whose
figures the hub's database aggregates (`sync.hub.queries`). Receipt QR codes: `sign_payload()` and
`verify_payload()` (format in `reports.qr`). Every PDF is set in `cjk_font()`.

The names below are imported from their modules on first use: a command that only words a
status (`reports.wording`) does not load reportlab.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from kernel.lazy import lazy_names

if TYPE_CHECKING:
    from reports.amendment import amendment_pdf
    from reports.case_receipt import case_receipt_layout, case_receipt_pdf
    from reports.city import CityFigures, CityRow, city_pdf
    from reports.daily import Count, DailyFigures, DaySync, daily_pdf
    from reports.errors import (
        DocumentInputError,
        FontFallbackWarning,
        HubDataError,
        QRError,
        QRFormatError,
        QRSignatureError,
        ReportsError,
    )
    from reports.fonts import CjkFont, cjk_font, load_cjk_font
    from reports.form import form_fields, form_pdf
    from reports.inputs import (
        AmendmentData,
        ApplicantInfo,
        CaseReceiptData,
        Fee,
        FeeLine,
        FormData,
        FormField,
        MaterialLine,
        MissingItem,
        NoticeData,
        Promise,
        ReceiptData,
        StationInfo,
        Supplement,
    )
    from reports.layout import ReceiptLayout
    from reports.masking import mask_id
    from reports.notice import items_from_entries, notice_pdf
    from reports.qr import ReceiptClaim, case_link, parse_payload, sign_payload, verify_payload
    from reports.receipt import receipt_layout, receipt_pdf
    from reports.reconcile import HubStationLedger, LedgerDay, StationLedger, reconcile_pdf

#: Each public name and the module that defines it.
_HOMES = {
    "AmendmentData": "reports.inputs",
    "ApplicantInfo": "reports.inputs",
    "CaseReceiptData": "reports.inputs",
    "CityFigures": "reports.city",
    "CityRow": "reports.city",
    "CjkFont": "reports.fonts",
    "Count": "reports.daily",
    "DailyFigures": "reports.daily",
    "DaySync": "reports.daily",
    "DocumentInputError": "reports.errors",
    "Fee": "reports.inputs",
    "FeeLine": "reports.inputs",
    "FontFallbackWarning": "reports.errors",
    "FormData": "reports.inputs",
    "FormField": "reports.inputs",
    "HubDataError": "reports.errors",
    "HubStationLedger": "reports.reconcile",
    "LedgerDay": "reports.reconcile",
    "MaterialLine": "reports.inputs",
    "MissingItem": "reports.inputs",
    "NoticeData": "reports.inputs",
    "Promise": "reports.inputs",
    "QRError": "reports.errors",
    "QRFormatError": "reports.errors",
    "QRSignatureError": "reports.errors",
    "ReceiptClaim": "reports.qr",
    "ReceiptData": "reports.inputs",
    "ReceiptLayout": "reports.layout",
    "ReportsError": "reports.errors",
    "StationInfo": "reports.inputs",
    "StationLedger": "reports.reconcile",
    "Supplement": "reports.inputs",
    "amendment_pdf": "reports.amendment",
    "case_link": "reports.qr",
    "case_receipt_layout": "reports.case_receipt",
    "case_receipt_pdf": "reports.case_receipt",
    "city_pdf": "reports.city",
    "cjk_font": "reports.fonts",
    "daily_pdf": "reports.daily",
    "form_fields": "reports.form",
    "form_pdf": "reports.form",
    "items_from_entries": "reports.notice",
    "load_cjk_font": "reports.fonts",
    "mask_id": "reports.masking",
    "notice_pdf": "reports.notice",
    "parse_payload": "reports.qr",
    "receipt_layout": "reports.receipt",
    "receipt_pdf": "reports.receipt",
    "reconcile_pdf": "reports.reconcile",
    "sign_payload": "reports.qr",
    "verify_payload": "reports.qr",
}

__all__ = [
    "AmendmentData",
    "ApplicantInfo",
    "CaseReceiptData",
    "CityFigures",
    "CityRow",
    "CjkFont",
    "Count",
    "DailyFigures",
    "DaySync",
    "DocumentInputError",
    "Fee",
    "FeeLine",
    "FontFallbackWarning",
    "FormData",
    "FormField",
    "HubDataError",
    "HubStationLedger",
    "LedgerDay",
    "MaterialLine",
    "MissingItem",
    "NoticeData",
    "Promise",
    "QRError",
    "QRFormatError",
    "QRSignatureError",
    "ReceiptClaim",
    "ReceiptData",
    "ReceiptLayout",
    "ReportsError",
    "StationInfo",
    "StationLedger",
    "Supplement",
    "amendment_pdf",
    "case_link",
    "case_receipt_layout",
    "case_receipt_pdf",
    "city_pdf",
    "cjk_font",
    "daily_pdf",
    "form_fields",
    "form_pdf",
    "items_from_entries",
    "load_cjk_font",
    "mask_id",
    "notice_pdf",
    "parse_payload",
    "receipt_layout",
    "receipt_pdf",
    "reconcile_pdf",
    "sign_payload",
    "verify_payload",
]


__getattr__ = lazy_names("reports", globals(), _HOMES)
