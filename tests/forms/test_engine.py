"""The engine: visibility, computed values, field errors, materials statuses and outcomes."""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from pathlib import Path

import pytest

from forms import evaluate
from forms.models import Item
from forms.results import (
    ACCEPT,
    ACCEPT_WITH_RONGQUE,
    MISSING,
    MISSING_RONGQUE,
    ONE_TIME_NOTICE,
    PROVIDED,
    SATISFIED_BY_CARD,
    SATISFIED_BY_SHARED_DATA,
)
from tests.forms.helpers import ADULT_CARD, engine_item

TODAY = date(2024, 2, 8)
GOOD = {"phone": "13812345678", "reason": "illness", "members": []}


@pytest.fixture(scope="module")
def item(tmp_path_factory: pytest.TempPathFactory) -> Item:
    return engine_item(tmp_path_factory.mktemp("engine"))


def run(item: Item, values: dict | None = None, **kwargs: object):  # type: ignore[no-untyped-def,type-arg]
    kwargs.setdefault("card", ADULT_CARD)
    kwargs.setdefault("today", TODAY)
    return evaluate(item, GOOD if values is None else values, **kwargs)  # type: ignore[arg-type]


def test_prefill_and_computed_values(item: Item) -> None:
    result = run(item)
    assert result.valid, result.errors
    assert result.values["applicant_name"] == "王五"
    assert result.values["birth_date"] == date(1980, 5, 1)
    assert result.computed == {"age": 43, "total_income": Decimal("0.00")}


def test_all_five_material_statuses(item: Item) -> None:
    result = run(item, attachments=["bank_card"])
    assert result.status_of("identity") == SATISFIED_BY_CARD
    assert result.status_of("household") == SATISFIED_BY_SHARED_DATA
    assert result.status_of("application") == PROVIDED
    assert result.status_of("bank_card") == PROVIDED
    assert result.status_of("hardship_proof") == MISSING
    assert run(item).status_of("bank_card") == MISSING_RONGQUE


def test_conditional_material_applies_only_when_true(item: Item) -> None:
    assert run(item).status_of("proxy_letter") is None
    proxy = {**GOOD, "by_proxy": True, "proxy_id_number": "11010519491231002X"}
    assert run(item, proxy).status_of("proxy_letter") == MISSING


def test_no_card_leaves_identity_missing_and_unavailable_data_missing(item: Item) -> None:
    """Without the card the ID is missing; the household data, unreachable, follows as 容缺
    (the item accepts 容缺) and the notice says why."""
    result = run(item, card=None, context={"unavailable_datasets": ["population"]})
    assert result.status_of("identity") == MISSING
    assert result.status_of("household") == MISSING_RONGQUE
    household = next(s for s in result.materials if s.material.id == "household")
    assert household.detail == "shared_unavailable"
    entry = next(e for e in result.outcome.notice if e.id == "household")
    assert "共享数据暂时无法调取" in entry.why.zh
    citizen = run(item, card={**ADULT_CARD, "card_type": "citizen_card"})
    assert citizen.status_of("identity") == SATISFIED_BY_CARD


def test_outcome_accept(item: Item) -> None:
    result = run(item, {**GOOD, "proof_scan": ["scan-1.pdf"]}, attachments=["bank_card"])
    assert result.status_of("hardship_proof") == PROVIDED
    assert result.outcome.kind == ACCEPT
    assert result.acceptable
    assert result.due.date == date(2024, 2, 21) and result.due.confirmed


def test_outcome_accept_with_rongque_lists_items_and_deadline(item: Item) -> None:
    result = run(item, attachments=["hardship_proof"])
    assert result.outcome.kind == ACCEPT_WITH_RONGQUE
    assert [s.material.id for s in result.outcome.rongque] == ["bank_card"]
    assert result.outcome.rongque_deadline is not None
    assert result.outcome.rongque_deadline.date == date(2024, 2, 19)


def test_outcome_one_time_notice_lists_every_missing_item_once(item: Item) -> None:
    result = run(item, card=None)
    assert result.outcome.kind == ONE_TIME_NOTICE
    ids = [entry.id for entry in result.outcome.notice]
    assert ids == ["identity", "hardship_proof", "bank_card"]
    proof = result.outcome.notice[1]
    assert (proof.what.zh, proof.why.en, proof.where.zh) == ("困难情况证明", "Proves the hardship",
                                                            "村（社区）出具")
    assert not result.acceptable


def test_unmet_condition_goes_into_the_notice(item: Item) -> None:
    minor = {**ADULT_CARD, "birth_date": "2010-01-01"}
    result = run(item, card=minor, attachments=["hardship_proof", "bank_card"])
    assert result.outcome.kind == ONE_TIME_NOTICE
    assert result.outcome.notice[0].kind == "condition"
    assert [c.text.en for c in result.unmet_conditions] == ["Aged 18 or over"]


def test_optional_material_never_blocks(item: Item) -> None:
    result = run(item, attachments=["hardship_proof", "bank_card"])
    optional = next(s for s in result.materials if s.material.id == "photo_optional")
    assert optional.status == MISSING and not optional.required
    assert result.outcome.kind == ACCEPT


def test_required_and_type_errors_in_both_languages(item: Item) -> None:
    result = run(item, {"phone": "123", "reason": "nope"})
    errors = {e.path: e for e in result.errors}
    assert errors["phone"].code == "phone_format"
    assert errors["reason"].code == "choice"
    assert "联系电话" in errors["phone"].message.zh and "Phone" in errors["phone"].message.en
    missing = run(item, {})
    assert {e.path for e in missing.errors if e.code == "required"} == {"phone", "reason"}


def test_show_if_and_required_if(item: Item) -> None:
    hidden = run(item, {**GOOD, "reason_other": "ignored"})
    assert "reason_other" not in hidden.visible and "reason_other" not in hidden.values
    shown = run(item, {**GOOD, "reason": "other"})
    assert "reason_other" in shown.visible
    assert [e.code for e in shown.errors_for("reason_other")] == ["required"]
    too_long = run(item, {**GOOD, "reason": "other", "reason_other": "很" * 11})
    assert [e.code for e in too_long.errors_for("reason_other")] == ["max_length"]


def test_repeat_group_rows_and_sum(item: Item) -> None:
    members = [{"member_name": "甲", "income": "1200.5"}, {"member_name": "", "income": -1}]
    result = run(item, {**GOOD, "members": members})
    assert {e.path: e.code for e in result.errors} == {
        "members[1].member_name": "required", "members[1].income": "min"}
    assert result.computed["total_income"] == Decimal("1199.50")
    too_many = run(item, {**GOOD, "members": [{"member_name": "x"}] * 4})
    assert [e.code for e in too_many.errors_for("members")] == ["max_items"]


def test_read_only_prefill_wins_and_warns(item: Item) -> None:
    result = run(item, {**GOOD, "applicant_name": "李四"})
    assert result.values["applicant_name"] == "王五"
    assert any("只读" in w.zh for w in result.warnings)


def test_unknown_field_is_a_warning(item: Item) -> None:
    result = run(item, {**GOOD, "surprise": 1})
    assert result.valid and any("surprise" in w.en for w in result.warnings)


def test_retired_division_rejected_as_current_address(tmp_path: Path) -> None:
    from forms import load_catalog

    residence = load_catalog().get("HZ-GA-004", on=date(2024, 6, 1))
    values = {"phone": "13812345678", "district": "330103", "address": "杭州市某路1号",
              "registered_on": "2023-01-01", "basis": "study", "school_name": "某校"}
    result = evaluate(residence, values, card=ADULT_CARD, today=TODAY)
    assert [e.code for e in result.errors_for("district")] == ["division_retired"]
    assert evaluate(residence, {**values, "district": "330106"}, card=ADULT_CARD,
                    today=TODAY).valid


def test_unconfirmed_due_date_is_flagged(item: Item) -> None:
    result = run(item, today=date(2026, 12, 28))
    assert not result.due.confirmed
    assert any("待确认" in w.zh for w in result.warnings)


def test_json_is_stable(item: Item) -> None:
    data = run(item).to_json()
    assert list(data) == ["code", "version", "today", "valid", "acceptable", "values",
                          "visible", "computed", "errors", "materials", "unmet_conditions",
                          "outcome", "due", "warnings"]
    assert data["outcome"]["kind"] == ONE_TIME_NOTICE


def test_unconfirmed_working_days_in_an_expression_are_flagged(item: Item) -> None:
    import dataclasses

    from forms.expr import compile_expression

    names = {f.id for f in item.fields}
    counting = dataclasses.replace(item.get_field("age"), compute=compile_expression(
        "working_days(today, date('2027-03-01'))", names))
    fields = tuple(counting if f.id == "age" else f for f in item.fields)
    result = run(dataclasses.replace(item, fields=fields), today=date(2026, 6, 1))
    assert result.due.confirmed
    assert any("待确认" in w.zh for w in result.warnings)
