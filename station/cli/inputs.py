"""Checks of what a person types or points a command at (dates, JSON files), each failing as
one line in the chosen language, before anything is changed."""

from __future__ import annotations

from datetime import date
from typing import Any

from kernel.errors import JiujinError

#: How much of a bad value an error message repeats.
SHOWN_CHARACTERS = 40
_JSON_TYPES_ZH = {dict: "对象", list: "列表", str: "文本", int: "数字", float: "数字", bool: "布尔值",
                  type(None): "null"}
_JSON_TYPES_EN = {dict: "an object", list: "a list", str: "text", int: "a number", float: "a number",
                  bool: "true/false", type(None): "null"}


class BadInput(JiujinError):
    """An argument or input file that a command cannot use; nothing was changed."""


def parse_day(value: str, option: str = "--date") -> date:
    """A calendar day written YYYY-MM-DD."""
    try:
        return date.fromisoformat(value)
    except ValueError:
        shown = value[:SHOWN_CHARACTERS]
        raise BadInput(f"{option} 不是日期：“{shown}”，请写成 YYYY-MM-DD（如 2026-11-26）",
                       f"{option} is not a date: \"{shown}\"; write it as YYYY-MM-DD (e.g. 2026-11-26)") from None


def expect_json(source: str, key: str, value: Any, *allowed: type) -> None:
    """BadInput unless `value` (the member `key` of the JSON file `source`) is of an allowed type."""
    if isinstance(value, allowed) and not (isinstance(value, bool) and bool not in allowed):
        return
    wanted_zh = "或".join(dict.fromkeys(_JSON_TYPES_ZH[t] for t in allowed))
    wanted_en = " or ".join(dict.fromkeys(_JSON_TYPES_EN[t] for t in allowed))
    found = type(value)
    raise BadInput(f"{source}：“{key}”应为{wanted_zh}，实际是{_JSON_TYPES_ZH.get(found, '其他')}",
                   f"{source}: \"{key}\" must be {wanted_en}, not {_JSON_TYPES_EN.get(found, 'something else')}")
