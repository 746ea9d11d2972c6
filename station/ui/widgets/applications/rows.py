"""How applications read in lists: status names and the columns of a row."""

from __future__ import annotations

from station.core.overview import ApplicationRow
from station.ui.i18n import N_, _

STATUS_NAMES = {
    "draft": N_("草稿"), "submitted": N_("已受理"), "accepted_pending_materials": N_("容缺受理"),
    "delivered": N_("已上报"), "accepted": N_("中心已受理"), "needs_amendment": N_("待补正"),
    "amended": N_("已补正"), "rejected": N_("不予受理"), "completed": N_("已办结"),
    "voided": N_("已作废"), "returned": N_("部门退回"),
}


def status_name(status: str) -> str:
    """The status as the counter says it, in the current language."""
    return _(STATUS_NAMES[status]) if status in STATUS_NAMES else status


def row_cells(row: ApplicationRow) -> tuple[str, ...]:
    """Receipt number, status, service, applicant, masked ID number, time, operator."""
    return (row.receipt_number or _("（草稿）"), status_name(row.status), row.item_name,
            row.applicant_name, row.masked_id, row.updated_at, row.operator)
