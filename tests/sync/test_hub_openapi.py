"""schemathesis against the hub's own OpenAPI description, on a real hub process: no server errors.

Requests carry a valid station credential, so the generated cases reach past authentication
into the tus, acknowledgement, attachment and enrolment handlers.
"""

from __future__ import annotations

from collections.abc import Iterator

import pytest

schemathesis = pytest.importorskip("schemathesis")
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey  # noqa: E402
from hypothesis import HealthCheck, settings  # noqa: E402
from hypothesis import strategies as st  # noqa: E402
from schemathesis.checks import not_a_server_error  # noqa: E402

from sync.hub.store import initialise_hub  # noqa: E402
from tests.sync.helpers import enrol_key  # noqa: E402
from tests.sync.hubproc import HubProcess  # noqa: E402

CREDENTIAL: dict[str, str] = {}
schemathesis.openapi.media_type("application/offset+octet-stream", st.binary(max_size=2048))


@pytest.fixture(scope="module")
def hub_process(tmp_path_factory: pytest.TempPathFactory) -> Iterator[HubProcess]:
    folder = tmp_path_factory.mktemp("openapi") / "hub"
    store = initialise_hub(folder)
    token = store.add_station("TS0001")
    enrolment = enrol_key(store, "TS0001", token, Ed25519PrivateKey.generate())
    store.close()
    CREDENTIAL["value"] = f"TS0001.{enrolment.credential}"
    process = HubProcess(folder, f"sqlite://{folder / 'hub.db'}").start()
    yield process
    process.stop()


@pytest.fixture(scope="module")
def hub_schema(hub_process: HubProcess) -> object:
    return schemathesis.openapi.from_url(f"{hub_process.url}/openapi.json")


schema = schemathesis.pytest.from_fixture("hub_schema")


@schema.parametrize()
@settings(max_examples=25, deadline=None, suppress_health_check=list(HealthCheck))
def test_no_server_errors(case: schemathesis.Case) -> None:
    headers = {"Authorization": f"Bearer {CREDENTIAL['value']}"}
    if case.headers and "Tus-Resumable" not in case.headers and case.method in ("POST", "HEAD", "PATCH", "DELETE"):
        headers["Tus-Resumable"] = "1.0.0"
    case.call_and_validate(headers=headers, checks=[not_a_server_error])


def test_the_description_lists_every_endpoint(hub_process: HubProcess) -> None:
    import httpx

    paths = httpx.get(f"{hub_process.url}/openapi.json").json()["paths"]
    assert {"/v1/uploads", "/v1/uploads/{upload_id}", "/v1/enrolments", "/health", "/metrics",
            "/v1/batches/{batch_id}/ack", "/v1/acks", "/v1/attachments/missing", "/v1/manifests",
            "/v1/bundles", "/v1/anchors", "/watch"} <= set(paths)
