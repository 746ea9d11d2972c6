"""The app's one failure handler shows any package's Jiujin error in the UI's language."""

from __future__ import annotations

import pytest

from forms.errors import CalendarError
from kernel.errors import JiujinError
from station.core.store import StationStore
from station.ui.app import make_app
from sync.errors import HubUnreachable
from tests.station.ui.conftest import login


@pytest.mark.asyncio
@pytest.mark.parametrize(("lang", "error"), [
    ("zh", CalendarError("2031 has no holiday data", zh="工作日历出错：2031 年没有节假日数据")),
    ("en", CalendarError("2031 has no holiday data", zh="工作日历出错：2031 年没有节假日数据")),
    ("zh", HubUnreachable("timed out")),
])
async def test_a_worker_error_shows_its_message_never_its_class(
        store: StationStore, lang: str, error: JiujinError) -> None:
    def failing() -> None:
        raise error

    app = make_app(store, lang=lang)
    async with app.run_test(size=(120, 40)) as pilot:
        await login(pilot, "wang")
        app.screen.run_worker(failing, thread=True, exit_on_error=False)
        for _ in range(50):
            if app._notifications:
                break
            await pilot.pause()
        shown = [str(n.message) for n in app._notifications]
        assert error.message(lang) in shown
        assert not any(type(error).__name__ in text for text in shown)
