"""A real hub process (`jiujin hub serve`) on 127.0.0.1 with an ephemeral port, for tests."""

from __future__ import annotations

import os
import re
import signal
import subprocess
import sys
import time
from dataclasses import dataclass, field
from pathlib import Path

import httpx

from tests.conftest import REPO

JIUJIN = [sys.executable, "-m", "station.cli"]


def jiujin(*args: str, env: dict[str, str] | None = None, check: bool = True,
           timeout: float = 120) -> subprocess.CompletedProcess[str]:
    """Run the real command line."""
    full_env = {**os.environ, "JIUJIN_LANG": "zh", **(env or {})}
    result = subprocess.run([*JIUJIN, *args], cwd=REPO, capture_output=True, text=True, env=full_env,
                            timeout=timeout)
    if check and result.returncode != 0:
        raise AssertionError(f"jiujin {' '.join(args)} failed:\n{result.stdout}\n{result.stderr}")
    return result


def wait_healthy(url: str, timeout: float = 30.0) -> None:
    """Poll /health until the hub answers 200."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        try:
            if httpx.get(f"{url}/health", timeout=2, verify=False).status_code == 200:
                return
        except httpx.TransportError:
            pass
        time.sleep(0.05)
    raise AssertionError(f"hub at {url} not healthy within {timeout}s")


@dataclass
class HubProcess:
    """`jiujin hub serve` running in its own process group."""

    folder: Path
    database: str
    port: int = 0
    extra: tuple[str, ...] = ()
    env: dict[str, str] = field(default_factory=dict)
    process: subprocess.Popen[str] | None = field(default=None, repr=False)
    url: str = ""
    log_path: Path = field(default=Path(), repr=False)
    #: The program to run instead of `jiujin hub serve` (same options, same "listening on" line).
    command: tuple[str, ...] = ()

    def __post_init__(self) -> None:
        if self.log_path == Path():
            self.log_path = self.folder.parent / f"{self.folder.name}-{id(self):x}.log"

    def log(self) -> str:
        """Everything the hub wrote to standard error so far (its JSON log lines)."""
        return self.log_path.read_text("utf-8", errors="replace") if self.log_path.exists() else ""

    def start(self) -> HubProcess:
        program = list(self.command) or [*JIUJIN, "hub", "serve"]
        args = [*program, "--data-dir", str(self.folder), "--db", self.database, "--port", str(self.port), *self.extra]
        # The log goes to a file: a pipe nobody reads would stop the hub once it filled.
        with self.log_path.open("ab") as log:
            self.process = subprocess.Popen(args, cwd=REPO, stdout=subprocess.PIPE, stderr=log, text=True,
                                            start_new_session=True, env={**os.environ, **self.env})
        assert self.process.stdout is not None
        line = self.process.stdout.readline()
        match = re.search(r"listening on (http\S+)", line)
        if not match:
            self.kill()
            raise AssertionError(f"hub did not start: {line}{self.log()}")
        self.url = match.group(1)
        self.port = int(self.url.rsplit(":", 1)[1])
        wait_healthy(self.url)
        return self

    def kill(self) -> None:
        """SIGKILL: the hub dies mid-whatever, as a power cut would do."""
        if self.process is not None and self.process.poll() is None:
            os.killpg(self.process.pid, signal.SIGKILL)
            self.process.wait(timeout=10)

    def stop(self) -> None:
        if self.process is not None and self.process.poll() is None:
            os.killpg(self.process.pid, signal.SIGTERM)
            try:
                self.process.wait(timeout=10)
            except subprocess.TimeoutExpired:
                self.kill()
        if self.process is not None and self.process.stdout is not None:
            self.process.stdout.close()

    def restart(self) -> None:
        """Start again on the same port."""
        self.stop()
        self.start()
