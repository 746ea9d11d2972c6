"""Fixtures for the end-to-end tests: a real hub process, initialised on the command line."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.sync.hubproc import HubProcess, jiujin


@pytest.fixture
def hub(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[HubProcess]:
    # The hub's keys are encrypted; its processes read the passphrase from this file.
    passphrase = tmp_path / "hub-key-passphrase"
    passphrase.write_text("e2e passphrase\n")
    monkeypatch.setenv("JIUJIN_HUB_KEY_PASSPHRASE_FILE", str(passphrase))
    folder = tmp_path / "hub"
    out = jiujin("hub", "init", "--data-dir", str(folder)).stdout
    assert "hub-public-keys.json" in out and "中心公钥指纹" in out
    process = HubProcess(folder, f"sqlite://{folder / 'hub.db'}").start()
    yield process
    process.stop()
