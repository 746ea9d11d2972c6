"""Running the hub: `jiujin hub serve` (uvicorn), and a hub on a background thread for the demo."""

from __future__ import annotations

import logging
import socket
import sys
import threading
from dataclasses import dataclass, field
from pathlib import Path

import uvicorn
from starlette.applications import Starlette

from sync.hub.app import create_app
from sync.hub.service import HubService
from sync.hub.store import HubStore

log = logging.getLogger("jiujin.hub")


def build_app(folder: Path, database_url: str | None = None, *, watch: str | None = None,
              bench: bool = False) -> tuple[Starlette, HubService]:
    """The app over the hub in `folder`, with the schema ensured and an optional watch folder."""
    store = HubStore(folder, database_url)
    store.create_schema()
    service = HubService(store)
    watch_folder = watch if watch is not None else store.folder.config().watch
    watcher = None

    def start() -> None:
        nonlocal watcher
        if watch_folder:
            from sync.hub.watch import FolderWatcher

            watcher = FolderWatcher(service, Path(watch_folder))
            watcher.start()

    def stop() -> None:
        if watcher is not None:
            watcher.stop()

    return create_app(service, bench=bench, on_startup=start, on_shutdown=stop), service


def bound_socket(host: str, port: int) -> socket.socket:
    """A listening TCP socket; port 0 picks a free one."""
    family = socket.AF_INET6 if ":" in host else socket.AF_INET
    sock = socket.socket(family, socket.SOCK_STREAM, socket.IPPROTO_TCP)  # so asyncio sets TCP_NODELAY
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    sock.bind((host, port))
    sock.listen(128)
    sock.set_inheritable(True)
    return sock


def serve(folder: Path, host: str = "127.0.0.1", port: int = 8750, database_url: str | None = None,
          *, watch: str | None = None, bench: bool = False, certfile: str | None = None,
          keyfile: str | None = None) -> None:
    """Serve until interrupted; prints the URL once listening (port 0 picks one)."""
    app, _service = build_app(folder, database_url, watch=watch, bench=bench)
    sock = bound_socket(host, port)
    scheme = "https" if certfile else "http"
    shown = f"[{host}]" if ":" in host else host
    print(f"jiujin hub: listening on {scheme}://{shown}:{sock.getsockname()[1]}", flush=True)
    config = uvicorn.Config(app, log_level="warning", ssl_certfile=certfile, ssl_keyfile=keyfile,
                            timeout_keep_alive=30, lifespan="on")
    server = uvicorn.Server(config)
    server.run(sockets=[sock])
    sys.stdout.flush()


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

    if not HubFolder(folder).exists():
        initialise_hub(folder).close()
    app, service = build_app(folder)
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
