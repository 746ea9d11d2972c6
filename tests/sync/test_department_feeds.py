"""The same cases for department systems outside the API: the signed daily export (CSV and JSON
in a folder) and webhooks signed with a shared secret and retried until they are taken; and the
department commands on the real command line."""

from __future__ import annotations

import csv
import hashlib
import hmac
import io
import json
import threading
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import ClassVar

import pytest
from click.testing import CliRunner
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

from station.cli import main
from sync.errors import CaseRefused
from sync.hub import cases, department_feeds, department_keys
from sync.hub.models import HubCase, HubWebhookDelivery
from sync.hub.store import HubStore, initialise_hub
from sync.signed import BadEnvelope, open_document
from tests.conftest import FakeClock
from tests.sync.helpers import enrol_key, sealed_batch

CASES = 12


@pytest.fixture
def hub(tmp_path: Path) -> Iterator[HubStore]:
    """A hub holding twelve 市民卡 applications, and the 市民卡 centre registered."""
    store = initialise_hub(tmp_path / "hub")
    key = Ed25519PrivateKey.generate()
    enrol_key(store, "TS0001", store.add_station("TS0001"), key)
    from sync.hub.ingest import Ingestor

    assert Ingestor(store).ingest(sealed_batch(key, store.public, 1, CASES, item="HZ-SMK-101"), "http").ok
    department_keys.add_department(store, "citizen-card")
    yield store
    store.close()


def test_the_daily_export_holds_the_days_new_cases_signed(hub: HubStore, tmp_path: Path) -> None:
    department_feeds.intake(hub)
    yesterday = (datetime.now(UTC) - timedelta(days=1)).isoformat(timespec="seconds")
    HubCase.update(received_at=yesterday).where(HubCase.id == 1).execute()
    folder = department_feeds.export_day(hub, "citizen-card", cases.today(hub), tmp_path / "exports")

    signed = (folder / "manifest.json").read_bytes()
    document = open_document(signed, department_feeds.EXPORT_CONTEXT, hub.public.signing_public_key)
    assert (document["department"], document["count"]) == ("citizen-card", CASES - 1)
    for name, digest in document["files"].items():
        assert hashlib.sha256((folder / name).read_bytes()).hexdigest() == digest
    listed = json.loads((folder / "cases.json").read_text("utf-8"))["cases"]
    assert len(listed) == CASES - 1 and {c["status"] for c in listed} == {"new"}
    rows = list(csv.DictReader(io.StringIO((folder / "cases.csv").read_text("utf-8-sig"))))
    assert [r["receipt_number"] for r in rows] == [c["receipt_number"] for c in listed]
    assert rows[0]["promised_due"] == listed[0]["time_limit"]["promised_due"]
    tampered = json.loads(signed)
    tampered["document"]["count"] = CASES
    with pytest.raises(BadEnvelope):
        open_document(json.dumps(tampered).encode(), department_feeds.EXPORT_CONTEXT, hub.public.signing_public_key)


class _Receiver(BaseHTTPRequestHandler):
    """A department system's webhook endpoint: refuses the first `failures` posts, then takes them."""

    failures = 0
    received: ClassVar[list[tuple[bytes, str]]] = []

    def do_POST(self) -> None:
        body = self.rfile.read(int(self.headers["Content-Length"]))
        if _Receiver.failures > 0:
            _Receiver.failures -= 1
            self.send_response(503)
        else:
            _Receiver.received.append((body, self.headers["Jiujin-Signature"]))
            self.send_response(204)
        self.end_headers()

    def log_message(self, *args: object) -> None:
        """Quiet: the test reads what arrived."""


@pytest.fixture
def receiver() -> Iterator[str]:
    server = ThreadingHTTPServer(("127.0.0.1", 0), _Receiver)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    _Receiver.received, _Receiver.failures = [], 0
    yield f"http://127.0.0.1:{server.server_address[1]}/jiujin"
    server.shutdown()
    thread.join(5)


def test_webhooks_are_signed_and_retried_until_taken(hub: HubStore, receiver: str) -> None:
    clock = FakeClock(datetime.now(UTC))
    hub.clock = clock
    secret = department_feeds.set_webhook(hub, "citizen-card", receiver)
    assert department_feeds.intake(hub) == CASES
    _Receiver.failures = 3
    first = department_feeds.deliver_due(hub)
    assert (first["failed"], first["delivered"]) == (3, CASES - 3)
    assert department_feeds.deliver_due(hub) == {"delivered": 0, "failed": 0}  # not due yet
    clock.advance(seconds=31)
    assert department_feeds.deliver_due(hub) == {"delivered": 3, "failed": 0}
    assert HubWebhookDelivery.select().where(HubWebhookDelivery.delivered_at.is_null()).count() == 0

    events = []
    for body, header in _Receiver.received:
        stamp, digest = (part.split("=", 1)[1] for part in header.split(","))
        expected = hmac.new(secret.encode(), stamp.encode() + b"." + body, hashlib.sha256).hexdigest()
        assert hmac.compare_digest(digest, expected)
        events.append(json.loads(body))
    assert {e["type"] for e in events} == {"case.new"}
    assert len({e["case"]["application_id"] for e in events}) == CASES


def test_a_webhook_that_never_answers_is_given_up_after_its_attempts(hub: HubStore) -> None:
    clock = FakeClock(datetime.now(UTC))
    hub.clock = clock
    department_feeds.set_webhook(hub, "citizen-card", "http://127.0.0.1:9/closed")
    department_feeds.intake(hub)
    for _ in range(department_feeds.MAX_ATTEMPTS + 2):
        department_feeds.deliver_due(hub, timeout=1)
        clock.advance(hours=7)
    left = HubWebhookDelivery.select().where(HubWebhookDelivery.delivered_at.is_null())
    assert left.count() == CASES
    assert {d.attempts for d in left} == {department_feeds.MAX_ATTEMPTS}
    assert {d.last_error for d in left} == {"ConnectError"}


def test_departments_on_the_command_line(hub: HubStore, tmp_path: Path) -> None:
    folder = str(hub.folder.path)
    runner = CliRunner()
    issued = runner.invoke(main, ["hub", "department", "token", "--code", "citizen-card", "--items", "HZ-SMK-101",
                                  "--label", "市民卡中心审批系统", "--json", "--data-dir", folder])
    assert issued.exit_code == 0, issued.output
    token = json.loads(issued.output)
    scope = department_keys.authenticate(hub, f"Bearer {token['token']}")
    assert (scope.department, scope.items) == ("citizen-card", frozenset({"HZ-SMK-101"}))
    listed = json.loads(runner.invoke(main, ["hub", "department", "list", "--json", "--data-dir", folder]).output)
    assert listed[0]["keys"][0]["kid"] == token["kid"] and "token" not in listed[0]["keys"][0]
    unknown = runner.invoke(main, ["hub", "department", "add", "--code", "moon-base", "--data-dir", folder])
    assert unknown.exit_code == 1 and "未知部门" in unknown.output and "Traceback" not in unknown.output
    exported = runner.invoke(main, ["hub", "department", "export", "--code", "citizen-card",
                                    "--to", str(tmp_path / "out"), "--data-dir", folder])
    assert exported.exit_code == 0 and (Path(exported.output.strip()) / "cases.csv").is_file()
    late = (cases.today(hub) - timedelta(days=1)).isoformat()
    HubCase.update(promised_due=late).where(HubCase.id <= 5).execute()
    overdue = runner.invoke(main, ["hub", "cases", "overdue", "--json", "--data-dir", folder])
    assert overdue.exit_code == 0 and [c["time_limit"]["promised_due"] for c in json.loads(overdue.output)] == [late] * 5
    assert runner.invoke(main, ["hub", "department", "revoke", "--kid", token["kid"], "--data-dir", folder]).exit_code == 0
    with pytest.raises(CaseRefused) as refused:
        department_keys.authenticate(hub, f"Bearer {token['token']}")
    assert refused.value.status == 401


def test_two_hub_processes_delivering_at_once_send_each_event_once(hub: HubStore, receiver: str) -> None:
    department_feeds.set_webhook(hub, "citizen-card", receiver)
    department_feeds.intake(hub)
    workers = [threading.Thread(target=department_feeds.deliver_due, args=(hub,)) for _ in range(2)]
    for worker in workers:
        worker.start()
    for worker in workers:
        worker.join(60)
    ids = [json.loads(body)["id"] for body, _signature in _Receiver.received]
    assert len(ids) == len(set(ids)) == CASES
