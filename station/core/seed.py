"""Realistic synthetic applications for demos and benchmarks (`jiujin seed`).

ID numbers carry correct check characters, plausible birth dates and Hangzhou division
codes (including the codes retired in 2021, which stay inside older people's numbers);
addresses are real Hangzhou towns from the division data. Nobody here is a real person.
Work proceeds in bounded chunks so memory stays flat whatever the count.
"""

from __future__ import annotations

import random
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from datetime import date, datetime, timedelta

from forms import hangzhou_divisions
from kernel.idnumber import id_check_char
from station.core.applications import Applicant, ApplicationService, DraftInput
from station.core.clock import CST
from station.core.db import write_transaction
from station.core.models import Station
from station.core.session import Session

SURNAMES = "王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗郑梁谢宋唐许韩冯邓曹彭曾肖田董袁潘蒋蔡余杜叶程魏苏吕丁沈任姚卢钟姜崔谭陆范汪金石廖贾夏韦付方邹熊白孟秦邱江尹薛闫段雷侯龙史黎贺顾毛郝龚邵万钱严覃武戴莫孔向汤"
GIVEN = "伟芳娜秀英敏静丽强磊军洋勇艳杰娟涛明超秀兰霞平刚桂英华建国志红玉梅晨浩宇子涵欣怡梓轩一诺雨桐佳琪思远嘉怡文博俊杰海燕春梅国强建华丽娟晓东海峰婷婷家豪梦琪"
ROADS = ["文一路", "文二路", "天目山路", "莫干山路", "延安路", "解放路", "庆春路", "凤起路", "体育场路",
         "江南大道", "滨盛路", "金城路", "市心路", "文化路", "临平大道", "余杭塘路", "新安江路", "富春街"]
CHUNK = 500


@dataclass(frozen=True)
class SyntheticPerson:
    """A generated applicant."""

    id_number: str
    name: str
    gender: str
    birth_date: date
    phone: str
    address: str


@dataclass(frozen=True)
class ServiceChoice:
    """A service the seed can file applications for."""

    code: str
    name: str
    catalog_version: str


def synthetic_person(rng: random.Random, today: date) -> SyntheticPerson:
    """One plausible Hangzhou resident with a valid ID number."""
    table = hangzhou_divisions()
    district = rng.choice(sorted(table.counties(), key=lambda d: d.code))
    birth = today - timedelta(days=rng.randint(18 * 365, 90 * 365))
    # People registered before 2021 in the old 下城/江干 districts keep those codes.
    code = district.code
    if code == "330105" and rng.random() < 0.4:
        code = "330103"
    elif code == "330102" and rng.random() < 0.4:
        code = "330104"
    sequence = rng.randint(1, 999)
    first17 = f"{code}{birth:%Y%m%d}{sequence:03d}"
    town = rng.choice(sorted(table.towns(district.code), key=lambda d: d.code))
    address = (f"浙江省杭州市{district.name}{town.name}{rng.choice(ROADS)}"
               f"{rng.randint(1, 999)}号{rng.randint(1, 30)}幢{rng.randint(101, 2806)}室")
    given = "".join(rng.choice(GIVEN) for _ in range(rng.choice((1, 2, 2))))
    return SyntheticPerson(
        id_number=first17 + id_check_char(first17),
        name=rng.choice(SURNAMES) + given,
        gender="男" if sequence % 2 else "女",
        birth_date=birth,
        phone=f"1{rng.choice('3589')}{rng.randint(0, 9)}{rng.randint(0, 99999999):08d}",
        address=address,
    )


def people(seed: int, today: date) -> Iterator[SyntheticPerson]:
    """An endless, reproducible stream of synthetic people."""
    rng = random.Random(seed)
    while True:
        yield synthetic_person(rng, today)


def seed_applications(session: Session, services: list[ServiceChoice], count: int, *,
                      seed: int = 2026, days: int = 30, now: datetime | None = None,
                      progress: Callable[[int], None] | None = None,
                      accepting_guard: Callable[[], None] | None = None) -> int:
    """File `count` submitted applications spread over the last `days` days.

    Seeding back-dates its own clock, so it takes the store's `accepting_guard` (the offline
    policy, checked against the real time) and stops where the counter would.
    """
    now = now or datetime.now(CST)
    rng = random.Random(seed)
    stream = people(seed, now.date())
    step = timedelta(days=days) / max(count, 1)
    moment = [now - timedelta(days=days)]

    def clock() -> datetime:
        return moment[0]

    service = ApplicationService(clock, _station_code())
    service.accepting_guard = accepting_guard
    done = 0
    while done < count:
        with write_transaction():
            for _ in range(min(CHUNK, count - done)):
                moment[0] += step
                _file_one(service, session, rng.choice(services), next(stream))
                done += 1
        if progress:
            progress(done)
    return done


def _file_one(service: ApplicationService, session: Session, choice: ServiceChoice,
              person: SyntheticPerson) -> None:
    values = {"name": person.name, "id_number": person.id_number, "gender": person.gender,
              "birth_date": person.birth_date.isoformat(), "address": person.address,
              "phone": person.phone}
    provenance = dict.fromkeys(("name", "id_number", "gender", "birth_date", "address"), "card")
    provenance["phone"] = "typed"
    draft = service.create_draft(session, DraftInput(
        choice.code, choice.name, choice.catalog_version,
        Applicant("person", person.id_number, person.name), values, provenance))
    service.submit(session, draft.id)


def _station_code() -> str:
    return str(Station.get().code)
