"""The catalog's TOML parser (rtoml) reads what Python's own tomllib reads, and refuses what it
refuses, with the line and column."""

from __future__ import annotations

import math
import tomllib
from pathlib import Path

import pytest

from forms import lint
from forms.loader import toml
from forms.packaged import ROOT

EVERY_KIND = '''
title = "基本字符串 \\u4E2D \\"quoted\\""
literal = 'C:\\no\\escapes'
multi = """
两行
文本"""
multi_literal = \'\'\'
raw \\n kept\'\'\'
int = 1_000
hex = 0xFF
negative = -17
float = 6.02e23
infinite = -inf
yes = true
day = 2024-03-15
moment = 2024-03-15T09:30:00+08:00
utc = 2024-03-15T01:30:00Z
local_moment = 2024-03-15T09:30:00.125
clock = 09:30:00
list = [1, 2, 3]
mixed = ["a", 1, 2.5, [true]]
inline = { name = "张三", age = 30 }
dotted.key.path = "deep"

[table]
"quoted key" = "value"

[[rows]]
n = 1

[[rows]]
n = 2
sub = { x = [] }
'''


def _toml_files() -> list[Path]:
    return sorted(p for p in ROOT.rglob("*.toml") if "__pycache__" not in p.parts)


def test_every_shipped_toml_file_reads_as_tomllib_reads_it() -> None:
    files = _toml_files()
    assert len(files) > 150  # the catalog, its sources and bundles, the calendar data
    for path in files:
        text = path.read_text("utf-8")
        assert toml.loads(text) == tomllib.loads(text), path


def test_every_value_kind_reads_as_tomllib_reads_it() -> None:
    ours, theirs = toml.loads(EVERY_KIND), tomllib.loads(EVERY_KIND)
    assert ours == theirs
    assert ours["moment"].isoformat() == theirs["moment"].isoformat() == "2024-03-15T09:30:00+08:00"
    assert ours["moment"].utcoffset() == theirs["moment"].utcoffset()
    assert ours["local_moment"].tzinfo is None and math.isinf(ours["infinite"])
    assert [type(v) for v in ours.values()] == [type(v) for v in theirs.values()]


@pytest.mark.parametrize("text", [
    "code = \n",  # a value missing
    "code = 1\ncode = 2\n",  # a key twice
    "name = 'unclosed\n",
    "[table]\n[table]\n",  # a table twice
    "day = 2024-13-01\n",  # no such month
], ids=["no value", "key twice", "unclosed string", "table twice", "no such month"])
def test_what_tomllib_refuses_is_refused_with_its_line(text: str) -> None:
    with pytest.raises(tomllib.TOMLDecodeError):
        tomllib.loads(text)
    with pytest.raises(toml.TOMLDecodeError) as caught:
        toml.loads(text)
    message = str(caught.value)
    assert "line" in message and "column" in message and "\n" not in message


def test_nesting_without_end_is_refused_not_recursed_into() -> None:
    """A hostile file of ten thousand nested arrays: tomllib recurses until Python stops it
    (RecursionError, which a catalog loader does not expect); rtoml stops at a fixed depth."""
    text = "a = " + "[" * 10_000 + "]" * 10_000
    with pytest.raises(RecursionError):
        tomllib.loads(text)
    with pytest.raises(toml.TOMLDecodeError, match="recursion"):
        toml.loads(text)


def test_a_broken_or_hostile_file_is_an_issue_with_its_line(tmp_path: Path) -> None:
    (tmp_path / "police").mkdir()
    (tmp_path / "police" / "broken.toml").write_text('code = "HZ-GA-101"\nname = \n', "utf-8")
    (tmp_path / "police" / "nested.toml").write_text("a = " + "[" * 10_000 + "]" * 10_000, "utf-8")
    broken, nested = sorted(lint(tmp_path).issues, key=lambda issue: issue.file)
    assert broken.reason.startswith("cannot read TOML:") and "line 2" in broken.reason
    assert nested.reason.startswith("cannot read TOML:") and "line 1" in nested.reason
