"""Pilot: a field that becomes required by the form's own answers (``required_if``) carries the
* before ^s refuses it — 用人单位统一社会信用代码 once the basis is employment."""

from __future__ import annotations

import pytest
from textual.widgets import Label

from station.core.counter import Counter, typed_identity
from station.core.store import StationStore
from station.ui.app import make_app
from station.ui.screens.counter.form import FormScreen
from tests.conftest import Sessions
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
