"""Names the station shows for its own codes: point types and roles (message ids, translated where shown)."""

from __future__ import annotations

from station.ui.i18n import N_

POINT_TYPE_NAMES = {"village": N_("村便民服务中心"), "community": N_("社区便民服务中心"),
                    "police": N_("派出所户籍窗口"), "bank": N_("银行网点")}
ROLE_NAMES = {"operator": N_("窗口人员"), "supervisor": N_("主管"),
              "sync_operator": N_("同步对账员"), "admin": N_("管理员")}
