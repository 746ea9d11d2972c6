"""How applications read in lists: status names and the columns of a row."""

from __future__ import annotations

from reports import wording
from station.core.overview import ApplicationRow
from station.ui.i18n import _, language

#: Statuses a list filters by, in the order a worker thinks of them.
STATUS_NAMES = {status: text for status, text in wording.STATUS_NAMES.items()}


def status_name(status: str) -> str:
    """The status as the counter says it, in the current language."""
    return wording.status_text(status).get(language())


def row_cells(row: ApplicationRow, service: str | None = None) -> tuple[str, ...]:
    """Receipt number, status, service, applicant, masked ID number, time, operator."""
    status = status_name(row.status)
    if row.rongque and row.status != "accepted_pending_materials":
        status += _("（容缺）")
    return (row.receipt_number or _("（草稿）"), status, service or row.item_name,
            row.applicant_name, row.masked_id, row.updated_at, row.operator)


def narrow_cells(row: ApplicationRow, service: str | None = None) -> tuple[str, ...]:
    """The same row for a narrow screen, in four columns whose cells wrap: receipt number,
    the applicant's name above the masked ID number, status, service (time and operator are
    on the application's detail)."""
    receipt, status, service_name, name, masked_id, _time, _operator = row_cells(row, service)
    return receipt, f"{name}\n{masked_id}", status, service_name
