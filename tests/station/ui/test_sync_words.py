"""The sync screen says what each operation did — push, pull, USB export, USB import — and says
so plainly when there was nothing to do, in Chinese and in English."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from station.core.sync_service import PushReport
from station.ui.i18n import set_language
from station.ui.screens.sync import result_text


@pytest.fixture
def english() -> Iterator[None]:
    set_language("en")
    yield
    set_language("zh")


def test_each_operation_says_what_it_did() -> None:
    nothing = PushReport()
    assert result_text("push", nothing, {}) == "没有需要上报的批次；没有新的确认"
    assert result_text("pull", nothing, {}) == "从市级中心拉取：没有新的确认；没有新的下行包"
    assert result_text("import", nothing, {}) == "从 U 盘导入：没有新的确认；没有新的下行包"
    assert result_text("export", nothing, {}) == "没有需要写入 U 盘的批次"

    pushed = PushReport(sent=2, acknowledged=2, records_acknowledged=15, delivered=1)
    assert result_text("push", pushed, {}) == "已上报 2 批；送达附件 1 个；市级中心确认 2 批（15 条事件）"
    assert result_text("export", PushReport(sent=2, files=3), {}) == "已写入 U 盘 3 个文件，请交市级中心导入"
    pulled = result_text("pull", PushReport(acknowledged=1, records_acknowledged=4),
                         {"applied": [7, 8], "refused": [{"version": 9}]})
    assert pulled == ("从市级中心拉取：市级中心确认 1 批（4 条事件）；收到下行包 2 个（办件状态、政策等）；"
                      "拒收下行包 1 个（签名或内容不符，已记入日志）")


def test_a_quarantined_batch_and_an_unreadable_file_are_named() -> None:
    report = PushReport(acknowledged=1, records_acknowledged=3, quarantined=[4],
                        problems=["ack-9.json 不是市级中心签发的确认 / ack-9.json is not an acknowledgement signed by the hub"])
    text = result_text("import", report, {})
    assert "被市级中心隔离 1 批，原因见下表" in text
    assert "跳过无法读取的文件 1 个：ack-9.json 不是市级中心签发的确认" in text and "signed" not in text


@pytest.mark.usefixtures("english")
def test_the_words_in_english() -> None:
    assert result_text("push", PushReport(), {}) == "Nothing to send; no new acknowledgements"
    assert result_text("pull", PushReport(), {"applied": [3]}) == (
        "Pulled from the hub: no new acknowledgements; 1 update(s) from the hub applied (statuses, policy…)")
    report = PushReport(problems=["坏文件 / a bad file"], quarantined=[2])
    text = result_text("import", report, {})
    assert "1 batch(es) quarantined by the hub: see the reasons below" in text
    assert "skipped 1 unreadable file(s): a bad file" in text and "坏文件" not in text
