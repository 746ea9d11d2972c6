"""Names the station shows for its own codes: point types and roles (message ids, translated where shown)."""

from __future__ import annotations

from typing import TYPE_CHECKING

from station.ui.i18n import N_

if TYPE_CHECKING:
    from forms.models import Citation

POINT_TYPE_NAMES = {"village": N_("村便民服务中心"), "community": N_("社区便民服务中心"),
                    "police": N_("派出所户籍窗口"), "bank": N_("银行网点")}
ROLE_NAMES = {"operator": N_("窗口人员"), "supervisor": N_("主管"),
              "sync_operator": N_("同步对账员"), "admin": N_("管理员")}

#: Between a card's placing and its data: the read takes about half a second.
CARD_READING = N_("正在读卡，请勿移开身份证…")

#: After every fact the catalog has no full source for (docs/catalog-format.md §9).
MARK = "※"
TO_CONFIRM = N_("※ 以窗口核实为准：标※的内容尚未与公开的办事指南核对，请勿当作规定告知群众。")
#: The same note as the citizen reads it on the kiosk (the line above speaks to the clerk).
TO_CONFIRM_CITIZEN = N_("※ 标※的内容以窗口核实为准，有疑问请到窗口咨询。")


def mark(source: Citation) -> str:
    """The mark for an unverified (or partly verified) fact, else nothing."""
    return "" if source.verified else MARK
