"""Bilingual phrases shared by several documents."""

from __future__ import annotations

from datetime import date

from forms import Text
from reports.inputs import Fee, MaterialLine, Promise

#: How a material was satisfied, by forms status.
MATERIAL_STATUS = {
    "satisfied_by_card": Text("身份证核验", "verified by ID card"),
    "satisfied_by_shared_data": Text("数据共享调取", "from shared data"),
    "provided": Text("已收取", "received"),
    "missing_rongque": Text("容缺后补", "to follow (容缺)"),
    "missing": Text("未提供", "missing"),
}
ONSITE = Text("现场填写/采集", "filled in at the window")
FREE = Text("不收费", "free of charge")
FEE_UNKNOWN = Text("以办事指南为准", "as the service guide says")
NO_DATE = Text("以审批结果为准", "set by the deciding body")
UNCONFIRMED = Text("（节假日安排待公布，日期待确认）", " (holidays not yet published; to be confirmed)")


def material_status(line: MaterialLine) -> Text:
    """How one material was satisfied, in words."""
    if line.onsite and line.status == "provided":
        return ONSITE
    return MATERIAL_STATUS.get(line.status, Text(line.status, line.status))


def fee_text(fee: Fee) -> Text:
    """收费 as one line: 不收费, or the charges and their total."""
    if fee.charged is None:
        return FEE_UNKNOWN
    if not fee.charged or not fee.lines:
        return FREE
    parts_zh = [f"{line.name.zh} {line.standard}" for line in fee.lines]
    parts_en = [f"{line.name.en} {line.standard}" for line in fee.lines]
    total = fee.total
    if total is not None and len(fee.lines) > 1:
        parts_zh.append(f"合计 {total:.2f} 元")
        parts_en.append(f"total CNY {total:.2f}")
    return Text("；".join(parts_zh), "; ".join(parts_en))


def promise_text(promise: Promise) -> Text:
    """承诺办结: 2026-12-07（7个工作日）."""
    if promise.due is None:
        return promise.limit or NO_DATE
    day = promise.due.isoformat()
    zh, en = day, day
    if promise.limit is not None:
        zh, en = f"{day}（{promise.limit.zh}）", f"{day} ({promise.limit.en})"
    if not promise.confirmed:
        zh, en = zh + UNCONFIRMED.zh, en + UNCONFIRMED.en
    return Text(zh, en)


def tracking_text(receipt_number: str, phone: str) -> Text:
    """How to follow the application: the receipt number, 浙里办, the hotline, this point."""
    return Text(
        f"凭受理编号 {receipt_number} 查询办理进度：浙里办 App「办件查询」、"
        f"咨询电话 {phone}，或回到本受理点。",
        f"Track with receipt number {receipt_number}: 浙里办 app (办件查询), "
        f"phone {phone}, or at this service point.",
    )


def deadline_text(deadline: date | None) -> Text:
    """The 容缺 deadline sentence."""
    if deadline is None:
        return Text("请尽快补交", "please bring them as soon as possible")
    return Text(f"请于 {deadline.isoformat()} 前补交", f"bring them by {deadline.isoformat()}")
