"""A fault-injecting TCP proxy: cuts connections at random byte offsets, resets them, delays them.

Each accepted connection draws a plan from a seeded generator:
- pass: forward both ways untouched;
- cut: close both sides after a random number of request bytes;
- reset: the same, but with an RST (SO_LINGER 0) rather than a FIN;
- cut_reply: forward the whole request, then drop the connection part-way through the reply
  (the hub acted, the station never heard);
- delay: hold every piece for a while before forwarding it.

`hold()` stops every request byte where it is until `release()` (a network stall), so that a
test can restart the hub without the upload running on past it meanwhile.
"""

from __future__ import annotations

import contextlib
import random
import socket
import struct
import threading
import time
from collections import Counter
from dataclasses import dataclass, field


@dataclass
class Plan:
    kind: str
    limit: int = 0
    delay: float = 0.0


@dataclass
class FaultProxy:
    """Listens on 127.0.0.1 (ephemeral port) and forwards to `upstream_port`."""

    upstream_port: int
    seed: int = 2026
    weights: dict[str, float] = field(default_factory=lambda: {
        "pass": 0.2, "cut": 0.3, "reset": 0.15, "cut_reply": 0.2, "delay": 0.15})
    max_cut: int = 60_000
    faults: bool = True
    plans: Counter[str] = field(default_factory=Counter)
    bytes_up: int = 0
    bytes_down: int = 0

    def __post_init__(self) -> None:
        self.rng = random.Random(self.seed)
        self.lock = threading.Lock()
        self.listener = socket.socket()
        self.listener.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        self.listener.bind(("127.0.0.1", 0))
        self.listener.listen(64)
        self.port = self.listener.getsockname()[1]
        self.url = f"http://127.0.0.1:{self.port}"
        self.closed = threading.Event()
        self.flowing = threading.Event()
        self.flowing.set()
        threading.Thread(target=self._accept, daemon=True).start()

    def hold(self) -> None:
        """Forward no request byte until `release`."""
        self.flowing.clear()

    def release(self) -> None:
        self.flowing.set()

    def close(self) -> None:
        self.closed.set()
        self.flowing.set()
        self.listener.close()

    def _plan(self) -> Plan:
        with self.lock:
            if not self.faults:
                kind = "pass"
            else:
                kind = self.rng.choices(list(self.weights), list(self.weights.values()))[0]
            plan = Plan(kind, self.rng.randint(0, self.max_cut), self.rng.uniform(0.01, 0.15))
            self.plans[kind] += 1
            return plan

    def _accept(self) -> None:
        while not self.closed.is_set():
            try:
                client, _ = self.listener.accept()
            except OSError:
                return
            threading.Thread(target=self._serve, args=(client,), daemon=True).start()

    def _serve(self, client: socket.socket) -> None:
        plan = self._plan()
        try:
            upstream = socket.create_connection(("127.0.0.1", self.upstream_port), timeout=5)
        except OSError:
            _reset(client)
            return
        upstream.settimeout(None)
        for sock in (client, upstream):  # forward at once: Nagle plus delayed ACKs would stall every request
            sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
        done = threading.Event()
        up = threading.Thread(target=self._pump, args=(client, upstream, plan, True, done), daemon=True)
        down = threading.Thread(target=self._pump, args=(upstream, client, plan, False, done), daemon=True)
        up.start()
        down.start()
        done.wait()
        for sock in (client, upstream):
            if plan.kind == "reset":
                _reset(sock)
            else:
                _close(sock)

    def _pump(self, source: socket.socket, sink: socket.socket, plan: Plan, upward: bool,
              done: threading.Event) -> None:
        moved = 0
        try:
            while not done.is_set():
                data = source.recv(65536)
                if not data:
                    break
                if upward:
                    self.flowing.wait()
                if plan.kind == "delay":
                    time.sleep(plan.delay)
                limit = plan.limit if (upward and plan.kind in ("cut", "reset")) else None
                if not upward and plan.kind == "cut_reply":
                    limit = plan.limit % 64
                if limit is not None and moved + len(data) > limit:
                    sink.sendall(data[:max(0, limit - moved)])
                    break
                sink.sendall(data)
                moved += len(data)
                with self.lock:
                    if upward:
                        self.bytes_up += len(data)
                    else:
                        self.bytes_down += len(data)
        except OSError:
            pass
        finally:
            done.set()


def _close(sock: socket.socket) -> None:
    with contextlib.suppress(OSError):
        sock.shutdown(socket.SHUT_RDWR)
    sock.close()


def _reset(sock: socket.socket) -> None:
    with contextlib.suppress(OSError):
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
    sock.close()
