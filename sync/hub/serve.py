"""Running the hub: `jiujin hub serve` (uvicorn, one process or several workers), and a hub on
a background thread for the demo.

What a worker keeps to itself: tus PATCHes in flight (their bytes go to the database as
they arrive, so another worker or a restarted one resumes from the stored offset), its
metrics (summed across workers through PROMETHEUS_MULTIPROC_DIR) and its connection pool.
Everything else is in the database. A watch folder is imported by one process only:
whichever holds the lock file in it (`.jiujin-watch.lock`).
"""

from __future__ import annotations

import asyncio
import contextlib
import fcntl
import functools
import logging
import os
import shutil
import socket
import sys
import tempfile
import threading
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import IO, Any

import h11
import uvicorn
from starlette.applications import Starlette
from uvicorn.protocols.http.h11_impl import H11Protocol

from sync.hub.app import create_app
from sync.hub.config import HubConfig, HubFolder
from sync.hub.pool import release_connection
from sync.hub.service import HubService
from sync.hub.store import HubStore

log = logging.getLogger("jiujin.hub")
WATCH_LOCK = ".jiujin-watch.lock"
#: The most a request's line and headers may take together.
MAX_HEADER_BYTES = 32 * 1024
#: What the supervisor of `serve --workers N` hands its workers (they start from an import string).
_WORKER_ENV = {"folder": "JIUJIN_DATA_DIR", "database": "JIUJIN_HUB_DATABASE_URL", "watch": "JIUJIN_HUB_WATCH"}


def build_app(folder: Path, database_url: str | None = None, *, watch: str | None = None,
              ensure_schema: bool = True) -> tuple[Starlette, HubService]:
    """The app over the hub in `folder`, with the schema ensured and an optional watch folder."""
    store = HubStore(folder, database_url)
    if ensure_schema:
        ensure_current_schema(store)
    release_connection()
    service = HubService(store)
    watch_folder = watch if watch is not None else store.config.watch
    watcher: Any = None
    lock: IO[bytes] | None = None

    def start() -> None:
        nonlocal watcher, lock
        if watch_folder:
            lock = watch_lock(Path(watch_folder))
            if lock is None:
                log.info("watch_skipped", extra={"folder": watch_folder, "reason": "another process watches"})
                return
            from sync.hub.watch import FolderWatcher

            watcher = FolderWatcher(service, Path(watch_folder))
            watcher.start()
            log.info("watch_started", extra={"folder": watch_folder})

    def stop() -> None:
        if watcher is not None:
            watcher.stop()
        if lock is not None:
            lock.close()

    return create_app(service, on_startup=start, on_shutdown=stop), service


def watch_lock(folder: Path) -> IO[bytes] | None:
    """The watch folder's lock, held while the file stays open; None if another process holds it."""
    folder.mkdir(parents=True, exist_ok=True)
    handle = open(folder / WATCH_LOCK, "ab")  # noqa: SIM115 - held open for the process's life
    try:
        fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
    except BlockingIOError:
        handle.close()
        return None
    return handle


class GuardedH11Protocol(H11Protocol):
    """uvicorn's h11 protocol with a deadline for a request's headers: a client that has not sent
    them all within `header_timeout` seconds of connecting, or of starting a request, is
    disconnected (uvicorn itself waits for headers without end)."""

    def __init__(self, *args: Any, header_timeout: float = 15.0, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.header_timeout = header_timeout
        self._header_deadline: asyncio.TimerHandle | None = None

    def connection_made(self, transport: asyncio.BaseTransport) -> None:
        super().connection_made(transport)  # type: ignore[arg-type]
        self._arm_header_deadline()

    def data_received(self, data: bytes) -> None:
        super().data_received(data)
        if self.conn.their_state is h11.IDLE:
            self._arm_header_deadline()
        elif self._header_deadline is not None:
            self._header_deadline.cancel()
            self._header_deadline = None

    def connection_lost(self, exc: Exception | None) -> None:
        if self._header_deadline is not None:
            self._header_deadline.cancel()
        super().connection_lost(exc)

    def _arm_header_deadline(self) -> None:
        if self._header_deadline is None:
            self._header_deadline = self.loop.call_later(self.header_timeout, self._headers_late)

    def _headers_late(self) -> None:
        self._header_deadline = None
        if self.conn.their_state is h11.IDLE and not self.transport.is_closing():
            log.warning("header_timeout", extra={"reason": "header_timeout"})
            self.transport.close()


def server_options(config: HubConfig) -> dict[str, Any]:
    """uvicorn's settings for the hub: h11 with a header deadline and a bound on header size,
    and the keep-alive timeout (a body's pace is guarded in `sync.hub.app`)."""
    return {"http": functools.partial(GuardedH11Protocol, header_timeout=config.header_timeout),
            "h11_max_incomplete_event_size": MAX_HEADER_BYTES, "timeout_keep_alive": config.keep_alive_timeout}


def bound_socket(host: str, port: int) -> socket.socket:
    """A listening TCP socket; port 0 picks a free one."""
    family = socket.AF_INET6 if ":" in host else socket.AF_INET
    sock = socket.socket(family, socket.SOCK_STREAM, socket.IPPROTO_TCP)  # so asyncio sets TCP_NODELAY
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    sock.bind((host, port))
    sock.listen(128)
    sock.set_inheritable(True)
    return sock


def serve(folder: Path, host: str | None = None, port: int | None = None, database_url: str | None = None,
          *, watch: str | None = None, certfile: str | None = None,
          keyfile: str | None = None, workers: int | None = None) -> None:
    """Serve until interrupted; prints the URL once listening (port 0 picks one).

    Unset options come from the hub's settings (environment, then hub.toml).
    """
    config = HubFolder(folder).config()
    from sync.hub.logs import configure_logging

    configure_logging(config.log_format, config.log_level)
    workers = workers or config.workers
    host = host or config.host
    sock = bound_socket(host, config.port if port is None else port)
    scheme = "https" if certfile else "http"
    shown = f"[{host}]" if ":" in host else host
    options: dict[str, Any] = {"ssl_certfile": certfile, "ssl_keyfile": keyfile, "lifespan": "on",
                               "log_config": None, "access_log": False} | server_options(config)
    if workers == 1:
        app, _service = build_app(folder, database_url, watch=watch)
        print(f"jiujin hub: listening on {scheme}://{shown}:{sock.getsockname()[1]}", flush=True)
        uvicorn.Server(uvicorn.Config(app, **options)).run(sockets=[sock])
    else:
        _prepare(folder, database_url)
        print(f"jiujin hub: listening on {scheme}://{shown}:{sock.getsockname()[1]} ({workers} workers)",
              flush=True)
        with _worker_environment(folder, database_url, watch):
            from uvicorn.supervisors import Multiprocess

            config_ = uvicorn.Config("sync.hub.serve:worker_app", factory=True, workers=workers, **options)
            Multiprocess(config_, sockets=[sock]).run()
    sys.stdout.flush()


def _prepare(folder: Path, database_url: str | None) -> None:
    """Create the schema once, before the workers start (they would race to create it)."""
    store = HubStore(folder, database_url)
    try:
        ensure_current_schema(store)
    finally:
        store.close()


def ensure_current_schema(store: HubStore) -> None:
    """Create or migrate the schema; a hub (re)starting beside others that ingest finds it
    current and runs no DDL (`sync.hub.migrations.migrate`)."""
    store.create_schema()


@contextlib.contextmanager
def _worker_environment(folder: Path, database_url: str | None, watch: str | None) -> Iterator[None]:
    """The environment the workers start in: the hub's options and a folder for their metrics."""
    from sync.hub.metrics import MULTIPROC_ENV, clear_multiprocess_dir

    saved = dict(os.environ)
    own_metrics = not os.environ.get(MULTIPROC_ENV)
    metrics_dir = tempfile.mkdtemp(prefix="jiujin-hub-metrics-") if own_metrics else os.environ[MULTIPROC_ENV]
    clear_multiprocess_dir(metrics_dir)
    values = {"folder": str(folder), "database": database_url, "watch": watch}
    os.environ.update({_WORKER_ENV[k]: v for k, v in values.items() if v is not None})
    os.environ[MULTIPROC_ENV] = metrics_dir
    try:
        yield
    finally:
        os.environ.clear()
        os.environ.update(saved)
        if own_metrics:
            shutil.rmtree(metrics_dir, ignore_errors=True)


def worker_app() -> Starlette:
    """One worker of `serve --workers N`: the app over the hub its supervisor named."""
    folder = Path(os.environ[_WORKER_ENV["folder"]])
    config: HubConfig = HubFolder(folder).config()
    from sync.hub.logs import configure_logging

    configure_logging(config.log_format, config.log_level)
    app, _service = build_app(folder, ensure_schema=False)
    return app


@dataclass
class LocalHub:
    """A hub serving on 127.0.0.1 from a background thread (the demo's)."""

    url: str
    folder: Path
    service: HubService
    server: uvicorn.Server
    thread: threading.Thread = field(repr=False)

    def stop(self) -> None:
        """Stop serving and close the database."""
        self.server.should_exit = True
        self.thread.join(timeout=10)
        self.service.store.close()


def start_local_hub(folder: Path, timeout: float = 10.0) -> LocalHub:
    """Start (initialising on first use) a SQLite hub in `folder` on 127.0.0.1, an ephemeral port."""
    from sync.hub.config import HubFolder
    from sync.hub.store import initialise_hub

    made = not HubFolder(folder).exists()
    if made:
        initialise_hub(folder).close()
    app, service = build_app(folder, ensure_schema=not made)  # a hub just made has its schema
    sock = bound_socket("127.0.0.1", 0)
    server = uvicorn.Server(uvicorn.Config(app, log_level="warning", lifespan="on"))
    thread = threading.Thread(target=server.run, kwargs={"sockets": [sock]}, name="jiujin-local-hub",
                              daemon=True)
    thread.start()
    ready = threading.Event()
    for _ in range(int(timeout / 0.02)):
        if server.started:
            ready.set()
            break
        ready.wait(0.02)
    if not server.started:
        server.should_exit = True
        raise RuntimeError("the local hub did not start")
    return LocalHub(f"http://127.0.0.1:{sock.getsockname()[1]}", Path(folder), service, server, thread)
