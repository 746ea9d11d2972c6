"""Canonical JSON: the bytes behind every signature, identical to what each package wrote before."""

from __future__ import annotations

import json
import math
from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st

from kernel.canonical import canonical_json

JSON_VALUES = st.recursive(
    st.none() | st.booleans() | st.integers() | st.text()
    | st.floats(allow_nan=False, allow_infinity=False),
    lambda children: st.lists(children, max_size=4)
    | st.dictionaries(st.text(max_size=8), children, max_size=4),
    max_leaves=20,
)


def former_forms_bundle_bytes(value: Any) -> bytes:
    """What forms/bundle.py computed before it used the kernel (no allow_nan=False)."""
    return json.dumps(value, sort_keys=True, separators=(",", ":"), ensure_ascii=False).encode()


def test_known_bytes() -> None:
    value = {"b": [1, 2.5, None, True], "a": "杭州", "c": {"z": "", "y": -0}}
    assert canonical_json(value) == '{"a":"杭州","b":[1,2.5,null,true],"c":{"y":0,"z":""}}'.encode()


@given(JSON_VALUES)
def test_same_bytes_as_every_former_copy(value: Any) -> None:
    assert canonical_json(value) == former_forms_bundle_bytes(value)


@pytest.mark.parametrize("bad", [math.nan, math.inf, -math.inf])
def test_refuses_values_without_one_spelling(bad: float) -> None:
    with pytest.raises(ValueError):
        canonical_json({"amount": bad})
