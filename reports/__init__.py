"""Receipts, one-time notices, application forms and reports, as PDF and ESC/POS layouts.

Citizen documents are made from plain inputs (`ReceiptData`, `NoticeData`, `FormData`,
`AmendmentData`) that the station fills from its store and the catalog:
`receipt_layout()` for the thermal printer, `receipt_pdf()`, `notice_pdf()`,
`form_pdf()`, `amendment_pdf()`; a 一件事's one receipt for all its items from `CaseReceiptData`
(`case_receipt_pdf()`, `case_receipt_layout()`). Reports: `daily_pdf(DailyFigures)`,
`reconcile_pdf(StationLedger, [HubStationLedger])`, and `city_pdf(CityFigures)`, whose
figures the hub's database aggregates (`sync.hub.queries`). Receipt QR codes: `sign_payload()` and
`verify_payload()` (format in `reports.qr`). Every PDF is set in `cjk_font()`.
"""

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
