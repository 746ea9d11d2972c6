"""The demo station behind `jiujin demo`: a community centre with one operator of each role."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from station.core.config import StationConfig
from station.core.roles import Role
from station.core.seed import seed_applications
from station.core.services import service_choices
from station.core.store import StationStore


@dataclass(frozen=True)
class DemoOperator:
    """A demo login, shown on the demo's login screen."""

    name: str
    display_name: str
    role: Role
    password: str


DEMO_OPERATORS = [
    DemoOperator("wang", "王小红", Role.OPERATOR, "wang-demo-1"),
    DemoOperator("li", "李主管", Role.SUPERVISOR, "li-demo-1"),
    DemoOperator("zhao", "赵同步", Role.SYNC_OPERATOR, "zhao-demo-1"),
    DemoOperator("admin", "陈管理员", Role.ADMIN, "admin-demo-1"),
]
DEMO_CONFIG = StationConfig(
    code="XH0001",
    name="西湖区文新街道德加社区便民服务中心",
    point_type="community",
    district="330106",
)
DEMO_APPLICATIONS = 24


def ensure_demo_station(data_dir: Path) -> StationStore:
    """Open the demo station in `data_dir`, creating and seeding it on first use."""
    if (data_dir / "station.db").exists():
        return StationStore(data_dir)
    admin = DEMO_OPERATORS[-1]
    store = StationStore.initialise(data_dir, DEMO_CONFIG, admin.name, admin.display_name, admin.password)
    session = store.login(admin.name, admin.password)
    for person in DEMO_OPERATORS[:-1]:
        store.operators.add(session, person.name, person.display_name, person.role, person.password)
    clerk = DEMO_OPERATORS[0]
    clerk_session = store.login(clerk.name, clerk.password)
    seed_applications(clerk_session, service_choices(DEMO_CONFIG.point_type), DEMO_APPLICATIONS, days=3)
    store.close()
    return StationStore(data_dir)
