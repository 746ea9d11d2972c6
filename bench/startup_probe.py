"""Start an app headless and exit as soon as its first screen is ready.

`python -m bench.startup_probe station DATA_DIR` starts the station at its login screen;
`python -m bench.startup_probe bare` starts a bare Textual app with one input. The
benchmark times the whole process, so both pay the same interpreter and import costs.
`python -m bench.startup_probe terminal` runs that bare app on the real terminal, drawing
`READY` as its input's placeholder, until it is killed (the baseline of `bench_command`).
"""

from __future__ import annotations

import sys
from pathlib import Path


def bare(headless: bool = True) -> None:
    from textual.app import App, ComposeResult
    from textual.widgets import Input

    class Bare(App[None]):
        def compose(self) -> ComposeResult:
            yield Input(placeholder="READY")

        def on_mount(self) -> None:
            if headless:
                self.call_after_refresh(self.exit)

    Bare().run(headless=headless)


def station(data_dir: str) -> None:
    from station.core.store import StationStore
    from station.ui.app import make_app
    from station.ui.screens.login import LoginScreen

    app = make_app(StationStore(Path(data_dir)))

    def exit_when_login_ready() -> None:
        if isinstance(app.screen, LoginScreen):
            app.exit()
        else:
            app.call_after_refresh(exit_when_login_ready)

    app.call_later(exit_when_login_ready)
    app.run(headless=True)


if __name__ == "__main__":
    if sys.argv[1] == "bare":
        bare()
    elif sys.argv[1] == "terminal":
        bare(headless=False)
    else:
        station(sys.argv[2])
