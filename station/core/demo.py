"""The demo stations behind `jiujin demo`: one of each point type (a community centre by
default, a village centre, a police station's household window, a bank branch), each with one
operator of each role and a few days of applications."""

from __future__ import annotations

from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path

from forms import Text
from forms.vocab import POINT_TYPES
from station.core.config import StationConfig
from station.core.errors import JiujinError
from station.core.roles import Role
from station.core.seed import seed_applications
from station.core.services import service_choices
from station.core.session import Session
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


#: The steps of making a demo station, as `create_demo_station` reports them: the station, each
#: operator beside the admin, the catalog, the applications.
CREATION_STEPS = 3 + len(DEMO_OPERATORS) - 1
#: Reports a step as it begins: steps done so far, all steps, what this one does.
Progress = Callable[[int, int, Text], None]


def open_demo_station(data_dir: Path, point_type: str) -> StationStore | None:
    """The demo station of `point_type` already in `data_dir`, or None when there is none yet;
    DemoOfAnotherType when the folder holds a demo of another point type."""
    if not (data_dir / "station.db").exists():
        return None
    store = StationStore(data_dir)
    if store.config.point_type != point_type:
        found = store.config.point_type
        store.close()
        raise DemoOfAnotherType(found, point_type)
    return store


def create_demo_station(data_dir: Path, point_type: str = "community",
                        progress: Progress | None = None) -> tuple[StationStore, Session]:
    """Make the demo station of `point_type` in `data_dir` (its admin, its operators, a few days
    of applications filed by the clerk), reporting each step to `progress`; the store is left
    open as its admin, whose session is returned (the demo enrols with its hub with it, then
    ends it). Argon2id runs once per slot and once for the clerk who files the applications."""
    steps = iter(range(CREATION_STEPS + 1))

    def step(what: Text) -> None:
        done = next(steps)
        if progress is not None:
            progress(done, CREATION_STEPS, what)

    config = DEMO_POINTS[point_type]
    admin = DEMO_OPERATORS[-1]
    step(Text("站点与密钥", "the station and its keys"))
    store, session = StationStore.initialise_as_admin(data_dir, config, admin.name, admin.display_name, admin.password)
    with ThreadPoolExecutor(1, thread_name_prefix="demo-catalog") as pool:
        # The catalog loads beside the operators' key derivations (Argon2id leaves the
        # interpreter free); the store is open, so its installed catalog is the one read.
        catalog = pool.submit(service_choices, config.point_type)
        for person in DEMO_OPERATORS[:-1]:
            step(Text(f"演示人员 {person.display_name}", f"demo operator {person.display_name}"))
            store.operators.add(session, person.name, person.display_name, person.role, person.password)
        step(Text("事项目录", "the service catalog"))
        choices = catalog.result()
    step(Text(f"{DEMO_APPLICATIONS} 件示例申请", f"{DEMO_APPLICATIONS} sample applications"))
    clerk = DEMO_OPERATORS[0]
    clerk_session = store.login(clerk.name, clerk.password)
    seed_applications(clerk_session, choices, DEMO_APPLICATIONS, days=3)
    clerk_session.end()
    step(Text("完成", "done"))
    return store, session


def ensure_demo_station(data_dir: Path, point_type: str = "community") -> StationStore:
    """Open the demo station of `point_type` in `data_dir`, creating and seeding it on first
    use; refused when the folder holds a demo of another point type."""
    store = open_demo_station(data_dir, point_type)
    if store is not None:
        return store
    store, session = create_demo_station(data_dir, point_type)
    session.end()
    store.close()
    return StationStore(data_dir)
