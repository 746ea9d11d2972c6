"""The station's jiujin.log rotates, so that months of warnings cannot fill a station's disk."""

from __future__ import annotations

import logging
from pathlib import Path

from station.cli.app import LOG_BACKUPS, LOG_BYTES, LOG_NAME, _log_to_file


def test_jiujin_log_rotates_at_its_size_bound_and_keeps_three_old_files(tmp_path: Path) -> None:
    handler = _log_to_file(tmp_path)
    log = logging.getLogger("jiujin.test.rotation")
    try:
        line = "读卡器无响应 card reader silent " + "x" * 200
        for n in range(LOG_BYTES * (LOG_BACKUPS + 2) // len(line)):
            log.warning("%s %d", line, n)
        log.info("below the file's level")
    finally:
        logging.getLogger().removeHandler(handler)
        handler.close()
    files = sorted(p.name for p in tmp_path.iterdir())
    assert files == [LOG_NAME] + [f"{LOG_NAME}.{i}" for i in range(1, LOG_BACKUPS + 1)]
    assert all((tmp_path / name).stat().st_size <= LOG_BYTES for name in files)
    newest = (tmp_path / LOG_NAME).read_text("utf-8")
    assert "读卡器无响应" in newest and "below the file's level" not in newest
