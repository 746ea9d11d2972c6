"""Receipts, one-time notices, application forms and reports, as PDF and ESC/POS layouts."""
