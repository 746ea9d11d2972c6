"""A held print job says what the printer reports — a bank point whose printer does not answer
was told to check the paper or the cover."""

from __future__ import annotations

import pytest

from station.ui.i18n import set_language
from station.ui.screens.counter.result import job_state_text


@pytest.mark.parametrize(("problem", "zh", "en"), [
    ("no_reply", "打印机无响应", "does not answer"),
    ("paper_out", "打印纸用完", "Out of paper"),
    ("cover_open", "打印机盖未关好", "cover is open"),
    (None, "打印机未就绪", "not ready"),
])
def test_a_held_job_names_the_printers_problem(problem: str | None, zh: str, en: str) -> None:
    chinese = job_state_text("held", problem)
    assert zh in chinese and "请检查纸张或机盖" not in chinese
    set_language("en")
    assert en in job_state_text("held", problem)
    assert job_state_text("printed", None) == "Printed"
