"""Pilot: what the form shows of the engine's verdict as the operator types. A field that becomes
required by the form's own answers (``required_if``) carries the * before ^s refuses it —
用人单位统一社会信用代码 once the basis is employment; a computed value follows the typing."""

from __future__ import annotations

from pathlib import Path

import pytest
from rich.cells import cell_len
from textual.widgets import Input, Label, Static

from forms import load_catalog
from station.core.counter import Counter, typed_identity
from station.core.store import StationStore
from station.ui.app import make_app
from station.ui.screens.counter.form import FormScreen
from tests.conftest import Sessions
from tests.forms.helpers import engine_item_data, new_catalog, write_item
from tests.station.ui.conftest import login, settle, until
from tests.station.ui.helpers import set_field


@pytest.mark.asyncio
async def test_a_field_required_by_an_answer_shows_its_star(store: StationStore, sessions: Sessions) -> None:
    counter = Counter(store)
    draft = counter.start(sessions.operator, counter.item("HZ-GA-004"), typed_identity("11010519491231002X", "李四"))
    counter.save(sessions.operator, draft)
    app = make_app(store)
    async with app.run_test(size=(120, 40)) as pilot:
        await login(pilot, "wang")
        await pilot.press("escape")
        await settle(pilot)
        app.screen.open_draft(draft.app_id)
        await until(pilot, lambda: isinstance(app.screen, FormScreen))
        form = app.screen
        set_field(form, "basis", "employment")
        await settle(pilot)
        label = form.query_one("#field-employer_credit_code .field-label", Label)
        await until(pilot, lambda: str(label.render()).endswith("*"))
        assert str(label.render()) == "用人单位统一社会信用代码 *"
        set_field(form, "basis", "residence")
        await settle(pilot)
        await until(pilot, lambda: not str(label.render()).endswith("*"))  # no longer asked for


@pytest.mark.asyncio
async def test_a_computed_value_follows_the_typing_and_wraps_whole_when_long(
        store: StationStore, sessions: Sessions, tmp_path: Path) -> None:
    """A computed value is shown as text in place of its input. While the operator types it is
    redrawn once typing pauses, and without laying the form out again while it stays on one
    line; it must still come to show each change, and grow to more lines, whole, when it no
    longer fits."""
    data = engine_item_data()
    data["fields"] = [
        {"id": "first", "type": "text", "label": "名", "label_en": "First name"},
        {"id": "tag", "type": "text", "label": "标签", "label_en": "Tag", "compute": "concat(first, '-', first)"},
    ]
    data["materials"] = data["materials"][:5]
    root = new_catalog(tmp_path / "catalog")
    write_item(root, data)
    catalog = load_catalog(root)
    app = make_app(store, catalog=catalog)
    async with app.run_test(size=(80, 24)) as pilot:
        await login(pilot, "wang")
        counter = app.services.counter
        draft = counter.start(app.session, counter.item(data["code"]), typed_identity("11010519491231002X", "李四"))
        app.push_screen(FormScreen(draft))
        await until(pilot, lambda: isinstance(app.screen, FormScreen) and bool(app.screen.query("#field-tag")))
        shown = app.screen.query_one("#field-tag .locked-value", Static)
        app.screen.query_one("#input-first", Input).focus()
        for typed, expected in (("张", "张-张"), ("三", "张三-张三")):
            await pilot.press(typed)
            await until(pilot, lambda expected=expected: str(shown.render()) == expected)
            assert shown.display and shown.size.height == 1
        long_name = "欧阳" * 20  # 80 cells each side of the dash: more than a line at 80 columns
        set_field(app.screen, "first", long_name)
        await until(pilot, lambda: shown.size.height > 1)
        assert str(shown.render()) == f"{long_name}-{long_name}"
        assert shown.size.height == -(-cell_len(str(shown.render())) // shown.size.width)  # every line shown
        set_field(app.screen, "first", "李")
        await until(pilot, lambda: shown.size.height == 1)
        assert str(shown.render()) == "李-李"
