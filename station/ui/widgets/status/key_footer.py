"""The footer of keys, without a leak and within 80 columns.

Textual's Footer rebuilds its keys whenever the bindings change, and each old key stays bound to
the footer's `compact` (a watcher that is only pruned when `compact` changes). On a long-lived
screen such as home that keeps every old key alive. When its keys do not fit the terminal the
footer packs them closer and, if that is not enough, leaves out ^q and ^l, then the screen's
rightmost keys — they still work, and F1 lists them — so that no key is cut and Esc, F1 and F9
stay in sight at 80×24.

A screen that opens changes its bindings several times in its first frames (its focus settles,
its keys are checked); each change asks the footer to rebuild. Keys the same as those shown are
not built again: a card tapped on the home screen rebuilt the new screen's footer seven times."""

from __future__ import annotations

from typing import Any

from textual import events
from textual.app import ComposeResult
from textual.widgets import Footer
from textual.widgets._footer import FooterKey

from kernel.width import text_width

#: Keys left out first of a footer too narrow for all (still bound; the help lists them).
KNOWN_KEYS = frozenset({"ctrl+q", "ctrl+l"})
#: Keys that stay in sight however narrow the footer: the way back, help, the demo card.
KEPT_KEYS = frozenset({"escape", "f1", "f9"})


class KeyFooter(Footer):
    """Textual's Footer that drops the watchers of keys it has removed before rebuilding, and
    keeps the keys that matter in sight on a narrow terminal."""

    #: The width the keys were last laid out for.
    shown_for = 0
    #: What the keys shown were built from (`keys_source`), or None before any were.
    built_from: tuple[Any, ...] | None = None

    def keys_source(self) -> tuple[Any, ...]:
        """The width and every binding of the screen with its state: the keys follow from these."""
        return (self.app.size.width, self.show_command_palette,
                tuple((binding.key, binding.action, binding.description, binding.show,
                       self.app.get_key_display(binding), enabled, tooltip)
                      for _node, binding, enabled, tooltip in self.screen.active_bindings.values()))

    def compose(self) -> ComposeResult:
        widgets = list(super().compose())
        self.built_from = self.keys_source() if widgets else None  # none: bindings not ready yet
        keys = [w for w in widgets if isinstance(w, FooterKey)]
        width = self.app.size.width
        self.compact = _width(keys, compact=False) > width
        if _width(keys, compact=True) > width:
            widgets = [w for w in widgets if not (isinstance(w, FooterKey) and w.key in KNOWN_KEYS)]
        yield from _fitting(widgets, width)

    def on_resize(self, event: events.Resize) -> None:
        if event.size.width != self.shown_for:
            self.shown_for = event.size.width
            self.call_after_refresh(self.recompose)

    async def recompose(self) -> None:
        if not self.is_attached or self.keys_source() == self.built_from:
            return
        watchers: dict[str, list[tuple[Any, Any]]] = getattr(self, "__watchers", {})
        for entries in watchers.values():
            entries[:] = [(node, callback) for node, callback in entries
                          if getattr(node, "is_attached", True)]
        await super().recompose()


def _fitting(widgets: list[Any], width: int) -> list[Any]:
    """`widgets` without the screen's rightmost keys (never those in KEPT_KEYS) while the keys
    are wider than the footer: a key is left out whole rather than cut."""
    widgets = list(widgets)
    while _width([w for w in widgets if isinstance(w, FooterKey)], compact=True) > width:
        droppable = [i for i, w in enumerate(widgets) if isinstance(w, FooterKey) and w.key not in KEPT_KEYS]
        if not droppable:
            break
        del widgets[droppable[-1]]
    return widgets


def _width(keys: list[FooterKey], *, compact: bool) -> int:
    """Columns the keys take in a row: key, description and their padding or margin."""
    spacing = 2 if compact else 3
    return sum(text_width(k.key_display) + text_width(k.description) + spacing for k in keys)
