"""Child process for the UI crash test: the counter app, headless, with its own simulated
card reader; it starts a draft, types the phone number, waits for the autosave, prints the
draft's id and kills itself with SIGKILL (no shutdown of any kind)."""

from __future__ import annotations

import asyncio
import os
import signal
import sys
from pathlib import Path

from devices import DemoDevices
from station.core.store import StationStore
from station.ui.app import make_app
from station.ui.messages import DraftSaved
from tests.station.ui.conftest import MessageLog, login
from tests.station.ui.helpers import tap_card_and_choose


async def main(folder: str) -> None:
    log = MessageLog()
    with DemoDevices() as demo:
        app = make_app(StationStore(Path(folder)), demo_devices=demo)
        async with app.run_test(size=(120, 40), message_hook=log) as pilot:
            await login(pilot, "wang")
            form = await tap_card_and_choose(pilot, demo, log, "HZ-YB-106")
            await pilot.press(*"13800000000")
            await log.wait_for(DraftSaved)
            print(form.draft.app_id, flush=True)
            os.kill(os.getpid(), signal.SIGKILL)


if __name__ == "__main__":
    asyncio.run(main(sys.argv[1]))
