"""A bundle the station cannot apply is set aside, and the bundles after it still land: a
malformed resend from an older hub no longer blocks the revocation issued after it."""

from __future__ import annotations

import pytest

from station.core.errors import LoginFailed
from station.core.models import Operator
from station.core.store import StationStore
from tests.conftest import PASSWORDS
from tests.station.core.reconcile_helpers import Hub


def test_a_revocation_after_a_malformed_bundle_is_applied(hub: Hub, store: StationStore) -> None:
    first = hub.send("resend", {}, as_older_hub=True)
    assert [r["reason"] for r in first["refused"]] == ["malformed"]
    report = hub.send("revocations", {"operators": ["wang"]})
    assert report["applied"] == [2]
    assert [r["reason"] for r in report["refused"]] == ["malformed"]  # still set aside, not applied
    assert Operator.get(Operator.name == "wang").status == "disabled"
    with pytest.raises(LoginFailed):
        store.login("wang", PASSWORDS["wang"])
