"""The sync screen says what each operation did — push, pull, USB export, USB import — and says
so plainly when there was nothing to do, in Chinese and in English; a quarantine reason code
reads as a sentence."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from reports.wording import quarantine_text
from station.core.sync_service import PushReport
from station.ui.i18n import set_language
from station.ui.screens.sync import result_text

USB = Path("/media/usb")


@pytest.fixture
def english() -> Iterator[None]:
    set_language("en")
    yield
    set_language("zh")


def test_each_operation_says_what_it_did() -> None:
    nothing = PushReport()
    assert result_text("push", nothing, {}) == "没有需要上报的批次；没有新的确认"
    assert result_text("pull", nothing, {}) == "从市级中心拉取：没有新的确认；没有新的下行包"
    assert result_text("import", nothing, {}, USB) == "从 U 盘 /media/usb 导入：没有新的确认；没有新的下行包"
    assert result_text("export", nothing, {}, USB) == "没有需要写入 U 盘的批次（/media/usb）"

    pushed = PushReport(sent=2, attachments_sent=1, acknowledged=2, records_acknowledged=15, delivered=9)
    assert result_text("push", pushed, {}) == "已上报 2 批，附件 1 个；市级中心确认 2 批（15 条事件），9 件申请已送达"
    assert result_text("export", PushReport(sent=2, files=3), {}, USB) == "已写入 /media/usb：2 批，请交市级中心导入"
    pulled = result_text("pull", PushReport(acknowledged=1, records_acknowledged=4),
                         {"applied": [7, 8, 9, 10], "refused": [{"version": 11}], "decisions": 3, "amendments": 1,
                          "kinds": {"statuses": 1, "catalog": 1, "calendar": 1, "shared_data": 1}})
    assert pulled == ("从市级中心拉取：市级中心确认 1 批（4 条事件）；办件决定 3 件；补正要求 1 件；"
                      "节假日日历更新 1 个；事项目录更新 1 个；共享数据可用情况更新 1 个；"
                      "拒收下行包 1 个（签名或内容不符，已记入日志）")


def test_quarantined_and_damaged_batches_and_an_unreadable_file_are_named() -> None:
    report = PushReport(acknowledged=1, records_acknowledged=3, quarantined=[4, 5], damaged=[6],
                        problems=["ack-9.json 不是市级中心签发的确认 / ack-9.json is not an acknowledgement signed by the hub"])
    text = result_text("import", report, {}, USB)
    assert "被市级中心隔离 2 批（第 4、5 批），原因见下表" in text
    assert "第 6 批在途中损坏，市级中心未收，下次上报或导出时重发" in text
    assert "跳过无法读取的文件 1 个：ack-9.json 不是市级中心签发的确认" in text and "signed" not in text


def test_a_reason_code_reads_as_a_sentence() -> None:
    assert quarantine_text("revoked_station").zh == "本站点已被市级中心吊销"
    assert quarantine_text("damaged:decrypt_failed").en == (
        "the copy the hub received was damaged (the batch cannot be opened: the file is damaged); it will be sent again")
    assert quarantine_text("something_new").zh == "原因代码 something_new"
    assert quarantine_text(None).en == "no reason given"


@pytest.mark.usefixtures("english")
def test_the_words_in_english() -> None:
    assert result_text("push", PushReport(), {}) == "Nothing to send; no new acknowledgements"
    assert result_text("pull", PushReport(), {"applied": [3], "kinds": {"roster": 1}}) == (
        "Pulled from the hub: no new acknowledgements; 1 staff roster update(s)")
    assert result_text("export", PushReport(sent=1, attachments_sent=2), {}, USB) == (
        "Wrote 1 batch(es) and 2 attachment(s) to /media/usb: take it to the hub to import")
    report = PushReport(problems=["坏文件 / a bad file"], quarantined=[2])
    text = result_text("import", report, {}, USB)
    assert text.startswith("Imported from the USB stick /media/usb: no new acknowledgements; no new updates")
    assert "1 batch(es) quarantined by the hub (batch 2): see the reasons below" in text
    assert "skipped 1 unreadable file(s): a bad file" in text and "坏文件" not in text
