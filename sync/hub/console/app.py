"""`jiujin hub console`: the sync operator's console over the hub's reconciliation ledger."""

from __future__ import annotations

from pathlib import Path

from textual import on
from textual.app import App
from textual.worker import Worker, WorkerState

from sync.hub.console.desk import HubDesk
from sync.hub.console.screens import LedgerScreen
from sync.hub.store import HubStore


class HubConsoleApp(App[None]):
    """市级中心对账台 — stations, their gaps, quarantine and days, and the operator's actions."""

    CSS_PATH = "hub_console.tcss"
    TITLE = "就近 · 市级中心对账台 hub console"

    def __init__(self, desk: HubDesk, *, owns_store: bool = False) -> None:
        super().__init__()
        self.desk = desk
        self.owns_store = owns_store
        self.sub_title = f"操作员 operator {desk.operator}"

    def on_mount(self) -> None:
        self.push_screen(LedgerScreen())

    def on_unmount(self) -> None:
        if self.owns_store:
            self.desk.store.close()

    @on(Worker.StateChanged)
    def report_worker_failure(self, event: Worker.StateChanged) -> None:
        """The one place worker failures surface: a notification in both languages."""
        if event.state != WorkerState.ERROR or event.worker.error is None:
            return
        error = event.worker.error
        zh, en = getattr(error, "message_zh", None), getattr(error, "message_en", None)
        text = f"{zh} / {en}" if zh and en else f"操作未完成 / not done: {type(error).__name__}: {error}"
        self.notify(text, title="出错了 error", severity="error", timeout=10)


def make_hub_console(hub_folder_or_db: HubStore | Path, *, operator: str, database: str | None = None,
                     silent_days: int = 3) -> HubConsoleApp:
    """Build the console over an open hub store, or over the hub folder (opened with `database`).

    Args:
        hub_folder_or_db: the hub's store, or its folder.
        operator: the name every action is audited under in hub_action.
        database: the database URL when a folder is given (default: the folder's hub.toml).
        silent_days: a station not heard from for longer is flagged silent.
    """
    if isinstance(hub_folder_or_db, HubStore):
        return HubConsoleApp(HubDesk(hub_folder_or_db, operator, silent_days))
    store = HubStore(Path(hub_folder_or_db), database)
    store.create_schema()
    return HubConsoleApp(HubDesk(store, operator, silent_days), owns_store=True)
