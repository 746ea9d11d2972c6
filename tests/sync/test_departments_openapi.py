"""schemathesis over the department API, on a real hub process holding cases: no server errors,
and every answer conforms to the hub's OpenAPI description (status code, content type, schema).

Requests carry a valid department token, so the generated cases reach the listing, the case,
its attachments, claims and decisions."""

from __future__ import annotations

import itertools
import uuid
from collections.abc import Iterator

import pytest

schemathesis = pytest.importorskip("schemathesis")
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey  # noqa: E402
from hypothesis import HealthCheck, settings  # noqa: E402
from schemathesis.checks import (  # noqa: E402
    content_type_conformance,
    not_a_server_error,
    response_schema_conformance,
    status_code_conformance,
)

from sync.hub.ingest import Ingestor  # noqa: E402
from sync.hub.store import initialise_hub  # noqa: E402
from tests.sync.department_helpers import department_token  # noqa: E402
from tests.sync.helpers import enrol_key, sealed_batch  # noqa: E402
from tests.sync.hubproc import HubProcess  # noqa: E402

#: One worker runs the whole module, in order: the last test reads the audit the contract test left.
pytestmark = pytest.mark.xdist_group("department_contract")
TOKEN: dict[str, str] = {}
#: the cases the hub holds; most generated requests name one of them, so they get past the 404
HELD = [str(uuid.UUID(int=seq)) for seq in range(1, 21)]
ROUND = itertools.count()
CHECKS = [not_a_server_error, status_code_conformance, content_type_conformance, response_schema_conformance]


@pytest.fixture(scope="module")
def hub_process(tmp_path_factory: pytest.TempPathFactory) -> Iterator[HubProcess]:
    folder = tmp_path_factory.mktemp("departments-openapi") / "hub"
    store = initialise_hub(folder)
    key = Ed25519PrivateKey.generate()
    enrol_key(store, "TS0001", store.add_station("TS0001"), key)
    assert Ingestor(store).ingest(sealed_batch(key, store.public, 1, 20, item="HZ-SMK-101"), "http").status == "stored"
    TOKEN["value"] = department_token(store, "citizen-card")
    store.close()
    process = HubProcess(folder, f"sqlite://{folder / 'hub.db'}").start()
    yield process
    process.stop()


@pytest.fixture(scope="module")
def department_schema(hub_process: HubProcess) -> object:
    return schemathesis.openapi.from_url(f"{hub_process.url}/openapi.json")


schema = schemathesis.pytest.from_fixture("department_schema").include(path_regex="^/v1/departments")


@schema.parametrize()
@settings(max_examples=40, deadline=None, suppress_health_check=list(HealthCheck))
def test_the_department_api_keeps_its_contract(case: schemathesis.Case) -> None:
    turn = next(ROUND)
    if case.path_parameters and "application_id" in case.path_parameters and turn % 4:
        case.path_parameters["application_id"] = HELD[turn % len(HELD)]
    case.call_and_validate(headers={"Authorization": f"Bearer {TOKEN['value']}"}, checks=CHECKS)


def test_the_description_lists_the_department_api(hub_process: HubProcess) -> None:
    import httpx

    document = httpx.get(f"{hub_process.url}/openapi.json").json()
    assert {"/v1/departments/cases", "/v1/departments/cases/{application_id}",
            "/v1/departments/cases/{application_id}/claim", "/v1/departments/cases/{application_id}/decisions",
            "/v1/departments/cases/{application_id}/attachments/{sha256}", "/v1/departments/overdue",
            "/v1/departments/me"} <= set(document["paths"])
    assert document["components"]["securitySchemes"]["departmentToken"]["scheme"] == "bearer"


def test_the_generated_requests_reached_held_cases(hub_process: HubProcess) -> None:
    """Runs after the contract test: the audit shows calls on the held cases, claims among them."""
    from sync.hub.db import reporting_connection

    with reporting_connection(f"sqlite://{hub_process.folder / 'hub.db'}") as connection:
        actions = [row[0] for row in connection.execute(
            "SELECT action FROM hub_action WHERE action LIKE 'department.%' AND subject <> ''").fetchall()]
        claims = connection.execute("SELECT COUNT(*) FROM hub_case_event WHERE step = 'claim'").fetchone()[0]
    assert "department.fetch" in actions and claims >= 1
