"""政务服务好差评 — the five levels and the reasons a citizen may pick, one rating per case.

The levels are those of 国办发〔2019〕51号 (《关于建立政务服务"好差评"制度提高政务服务水平的
意见》): 非常满意, 满意, 基本满意, 不满意, 非常不满意, given once per case (一次一评). A rating
of 不满意 or worse is a 差评: the hub opens a follow-up (整改) due within 15 working days and
shows its reply to the citizen. The reasons are the national evaluation content's second-level
indicators: 办事效率, 办事指南精确度, 办事便捷度 and 平台操作性 where the rating is given
online, 服务效率, 服务水平 and 服务态度 where it is given at a counter or a kiosk.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from kernel.errors import JiujinError

#: level -> (Chinese, English); 5 is the best.
LEVELS: dict[int, tuple[str, str]] = {
    5: ("非常满意", "Very satisfied"),
    4: ("满意", "Satisfied"),
    3: ("基本满意", "Mostly satisfied"),
    2: ("不满意", "Dissatisfied"),
    1: ("非常不满意", "Very dissatisfied"),
}
#: Levels at or below this are 差评 and open a follow-up.
BAD_AT_MOST = 2
FOLLOW_UP_WORKING_DAYS = 15
#: reason code -> (Chinese, English), by where the rating is given.
ONLINE_REASONS: dict[str, tuple[str, str]] = {
    "efficiency": ("办事效率", "How quickly it was handled"),
    "guide": ("办事指南精确度", "Accuracy of the service guide"),
    "convenience": ("办事便捷度", "Ease of applying"),
    "platform": ("平台操作性", "Ease of using the page"),
}
COUNTER_REASONS: dict[str, tuple[str, str]] = {
    "efficiency": ("服务效率", "Speed of service"),
    "competence": ("服务水平", "Competence of the staff"),
    "attitude": ("服务态度", "Attitude of the staff"),
}
REASONS: dict[str, tuple[str, str]] = {**COUNTER_REASONS, **ONLINE_REASONS}
#: Where a rating was given: the phone page, the counter's rating screen, the kiosk.
CHANNELS = ("web", "counter", "kiosk")
MAX_TEXT = 300


class RatingRejected(JiujinError):
    """A rating that cannot be taken: bad level, unknown reason, too long, or a second one."""


@dataclass(frozen=True)
class Rating:
    """好差评 — one citizen's rating of one case."""

    level: int
    reasons: tuple[str, ...] = ()
    text: str = ""
    channel: str = "web"

    @property
    def bad(self) -> bool:
        """差评: 不满意 or 非常不满意."""
        return self.level <= BAD_AT_MOST

    def to_json(self) -> dict[str, Any]:
        return {"level": self.level, "reasons": list(self.reasons), "text": self.text, "channel": self.channel}


def reasons_for(channel: str) -> dict[str, tuple[str, str]]:
    """The reasons offered where the rating is given."""
    return ONLINE_REASONS if channel == "web" else COUNTER_REASONS


def checked(level: object, reasons: object = (), text: object = "", channel: str = "web") -> Rating:
    """A rating from untrusted input; `RatingRejected` with a one-line reason otherwise."""
    if channel not in CHANNELS:
        raise RatingRejected("评价渠道无效", "unknown rating channel")
    if type(level) is not int or level not in LEVELS:
        raise RatingRejected("请选择一个评价等级（非常满意至非常不满意）",
                             "choose a level, from very satisfied to very dissatisfied")
    if not isinstance(reasons, list | tuple) or len(reasons) > len(REASONS) or not all(
            isinstance(r, str) and r in reasons_for(channel) for r in reasons):
        raise RatingRejected("评价原因不在可选范围内", "a reason is not one of those offered")
    if not isinstance(text, str) or len(text) > MAX_TEXT:
        raise RatingRejected(f"评价内容最多 {MAX_TEXT} 字", f"the comment is limited to {MAX_TEXT} characters")
    ordered = tuple(r for r in reasons_for(channel) if r in reasons)
    return Rating(level, ordered, " ".join(text.split()), channel)


def from_json(value: object) -> Rating:
    """A rating as it travels in an outbox record; `RatingRejected` when malformed."""
    if not isinstance(value, dict):
        raise RatingRejected("评价记录格式有误", "malformed rating record")
    return checked(value.get("level"), value.get("reasons", []), value.get("text", ""),
                   str(value.get("channel", "")))
