"""A card read by the devices package satisfies identity materials in the forms engine:
the two packages meet only through `IdCard.as_card_data()`."""

from __future__ import annotations

from datetime import date

import pytest

from devices import load_fixture
from devices.idcard.card import RawCard, decode_card
from forms import evaluate, load_catalog

TODAY = date(2026, 11, 26)


def _card(fixture_name: str) -> dict[str, object]:
    fixture = load_fixture(fixture_name)
    raw = RawCard(text=fixture.text_block(), photo=fixture.photo())
    return decode_card(raw, TODAY).as_card_data()


@pytest.mark.parametrize(("fixture", "satisfied"), [
    ("resident_zhangsan", True),
    ("resident_wangwu_longterm", True),
    ("foreigner_new_martinez", False),
])
def test_tapped_card_satisfies_the_identity_material(fixture: str, satisfied: bool) -> None:
    item = load_catalog().get("HZ-GA-004", on=TODAY)
    card = _card(fixture)
    result = evaluate(item, {}, card=card, today=TODAY)
    identity = [m for m in result.materials if m.status == "satisfied_by_card"]
    assert bool(identity) is satisfied
    if satisfied:
        assert result.values.get("name", card["name"]) == card["name"]
