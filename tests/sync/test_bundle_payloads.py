"""Every bundle kind's payload has a checked shape: the hub refuses to sign a malformed one,
and a station refuses one it receives and goes on with the bundles after it."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

from station.cli import main
from sync import bundle_payloads, bundles
from sync.hub.store import initialise_hub
from sync.hubkeys import HubPublicKeys

NOW = datetime(2026, 12, 4, 9, 0, tzinfo=UTC)
GOOD: dict[str, dict[str, Any]] = {
    "statuses": {"updates": [{"application_id": "0193", "status": "completed", "message": None}]},
    "resend": {"request_id": "r1", "first_seq": 6, "last_seq": 10, "reason": "lost"},
    "offline_policy": {"max_unsent": 200, "max_days_without_contact": None},
    "revocations": {"operators": ["wang"]},
    "calendar": {"overrides": {"2027-01-01": "holiday"}, "complete_years": [2027]},
    "catalog": {"bundle": "AAAA"},
    "reconciled": {"days": ["2026-12-03"]},
    "roster": {"operators": [{"name": "sun", "display_name": "孙柜员", "role": "operator"}]},
}
BAD = [
    ("resend", {}, "first_seq"),
    ("resend", {"first_seq": 9, "last_seq": 3}, "last_seq"),
    ("statuses", {"updates": "all done"}, "updates"),
    ("statuses", {"updates": [{"application_id": "x", "status": "Done!"}]}, "updates[0].status"),
    ("offline_policy", {"max_unsent": -1}, "max_unsent"),
    ("offline_policy", {"max_unsent": True}, "max_unsent"),
    ("offline_policy", {"shutdown": 1}, "shutdown"),
    ("revocations", {"operators": "wang"}, "operators"),
    ("calendar", {"overrides": {"2026-13-40": "holiday"}}, "overrides.2026-13-40"),
    ("calendar", {"complete_years": ["2027"]}, "complete_years[0]"),
    ("reconciled", {"days": ["yesterday"]}, "days[0]"),
    ("roster", {"operators": [{"name": "sun", "display_name": "孙", "role": "chief"}]}, "operators[0].role"),
    ("roster", {"operators": [{"name": "x" * 65, "display_name": "孙", "role": "admin"}]}, "operators[0].name"),
]


@pytest.mark.parametrize("kind", sorted(GOOD))
def test_each_kind_accepts_its_shape(kind: str) -> None:
    bundle_payloads.check(kind, GOOD[kind])


@pytest.mark.parametrize(("kind", "payload", "where"), BAD)
def test_a_malformed_payload_names_what_is_wrong(kind: str, payload: dict[str, Any], where: str) -> None:
    with pytest.raises(bundle_payloads.PayloadError) as refused:
        bundle_payloads.check(kind, payload)
    assert refused.value.where == where


def _signed(key: Ed25519PrivateKey, hub: HubPublicKeys, kind: str, payload: Any, expires: str) -> bytes:
    return bundles.sign({"station": "TS0001", "version": 1, "kind": kind, "created_at": NOW.isoformat(),
                         "expires_at": expires, "hub": hub.fingerprint(), "payload": payload}, key)


def test_the_station_refuses_a_signed_but_malformed_bundle() -> None:
    key = Ed25519PrivateKey.generate()
    hub = HubPublicKeys(bytes(32), key.public_key().public_bytes_raw())
    later = (NOW + timedelta(days=3)).isoformat()
    for payload, expires in (({}, later), (GOOD["resend"], "2026-12-07T09:00:00")):  # no time zone
        with pytest.raises(bundles.BundleRefused) as refused:
            bundles.verify(_signed(key, hub, "resend", payload, expires), hub, "TS0001", NOW)
        assert refused.value.reason == "malformed"
    assert bundles.verify(_signed(key, hub, "resend", GOOD["resend"], later), hub, "TS0001", NOW).version == 1


@pytest.mark.parametrize(("kind", "payload", "said"), [
    ("resend", "{}", "first_seq"), ("statuses", '{"updates": "done"}', "updates"), ("calendar", "not json", "JSON")])
def test_the_hub_command_refuses_a_malformed_bundle_in_one_line(tmp_path: Path, kind: str, payload: str,
                                                                  said: str) -> None:
    hub = initialise_hub(tmp_path / "hub")
    hub.add_station("TS0001")
    hub.close()
    result = CliRunner().invoke(main, ["hub", "bundle", "--station", "TS0001", "--kind", kind, "--payload", payload,
                                       "--operator", "op1", "--data-dir", str(tmp_path / "hub")])
    assert result.exit_code != 0 and said in result.output and "Traceback" not in result.output
