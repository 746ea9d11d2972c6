"""The demo stations behind `jiujin demo`: one of each point type (a community centre by
default, a village centre, a police station's household window, a bank branch), each with one
operator of each role and a few days of applications."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from forms.vocab import POINT_TYPES
from station.core.config import StationConfig
from station.core.errors import JiujinError
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
DEMO_POINTS = {
    "community": StationConfig(code="XH0001", name="西湖区文新街道德加社区便民服务中心",
                               point_type="community", district="330106"),
    "village": StationConfig(code="YH0002", name="余杭区径山镇径山村便民服务中心",
                             point_type="village", district="330110"),
    "police": StationConfig(code="SC0003", name="上城区湖滨派出所户籍窗口",
                            point_type="police", district="330102"),
    "bank": StationConfig(code="GS0004", name="拱墅区米市巷街道银行网点便民服务点",
                          point_type="bank", district="330105"),
}
DEMO_CONFIG = DEMO_POINTS["community"]
DEMO_APPLICATIONS = 24


class DemoOfAnotherType(JiujinError):
    """The demo folder holds a demo station of another point type."""

    def __init__(self, found: str, wanted: str) -> None:
        have, want = POINT_TYPES[found], POINT_TYPES[wanted]
        super().__init__(f"该文件夹中是{have.zh}演示站点，不是{want.zh}（加 --fresh 重建，或用 --data-dir 另选文件夹）",
                         f"this folder holds a demo {have.en.lower()}, not a {want.en.lower()} (add --fresh "
                         "to rebuild it, or choose another folder with --data-dir)")


def demo_folder_name(point_type: str) -> str:
    """The demo's folder in the data folder: `demo` for the community centre, as before."""
    return "demo" if point_type == "community" else f"demo-{point_type}"


def ensure_demo_station(data_dir: Path, point_type: str = "community") -> StationStore:
    """Open the demo station of `point_type` in `data_dir`, creating and seeding it on first
    use; refused when the folder holds a demo of another point type."""
    if (data_dir / "station.db").exists():
        store = StationStore(data_dir)
        if store.config.point_type != point_type:
            found = store.config.point_type
            store.close()
            raise DemoOfAnotherType(found, point_type)
        return store
    config = DEMO_POINTS[point_type]
    admin = DEMO_OPERATORS[-1]
    store = StationStore.initialise(data_dir, config, admin.name, admin.display_name, admin.password)
    session = store.login(admin.name, admin.password)
    for person in DEMO_OPERATORS[:-1]:
        store.operators.add(session, person.name, person.display_name, person.role, person.password)
    clerk = DEMO_OPERATORS[0]
    clerk_session = store.login(clerk.name, clerk.password)
    seed_applications(clerk_session, service_choices(config.point_type), DEMO_APPLICATIONS, days=3)
    store.close()
    return StationStore(data_dir)
