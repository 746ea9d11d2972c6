"""The footer of keys, without a leak: Textual's Footer rebuilds its keys whenever the bindings
change, and each old key stays bound to the footer's `compact` (a watcher that is only pruned
when `compact` changes). On a long-lived screen such as home that keeps every old key alive."""

from __future__ import annotations

from typing import Any

from textual.widgets import Footer


class KeyFooter(Footer):
    """Textual's Footer that drops the watchers of keys it has removed before rebuilding."""

    async def recompose(self) -> None:
        watchers: dict[str, list[tuple[Any, Any]]] = getattr(self, "__watchers", {})
        for entries in watchers.values():
            entries[:] = [(node, callback) for node, callback in entries
                          if getattr(node, "is_attached", True)]
        await super().recompose()
