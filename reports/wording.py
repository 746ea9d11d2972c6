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
#: The mark after a fact the catalog has no full source for, and the line that explains it.
MARK = "※"
TO_CONFIRM = Text("※ 以窗口核实为准：标※的内容尚未与公开的办事指南核对。",
                  "※ To be confirmed at the window: what is marked ※ is not yet checked "
                  "against a published guide.")


def marked(text: Text, verified: bool) -> Text:
    """`text`, followed by the mark when the fact is not verified."""
    return text if verified else Text(text.zh + MARK, text.en + MARK)


def marked_str(text: str, verified: bool) -> str:
    """A plain string, followed by the mark when the fact is not verified."""
    return text if verified else text + MARK


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
        return marked(FREE, fee.verified)
    parts_zh = [marked_str(f"{line.name.zh} {line.standard}", line.verified) for line in fee.lines]
    parts_en = [marked_str(f"{line.name.en} {line.standard}", line.verified) for line in fee.lines]
    total = fee.total
    if total is not None and len(fee.lines) > 1:
        parts_zh.append(f"合计 {total:.2f} 元")
        parts_en.append(f"total CNY {total:.2f}")
    return Text("；".join(parts_zh), "; ".join(parts_en))


def promise_text(promise: Promise) -> Text:
    """承诺办结: 2026-12-07（7个工作日）."""
    if promise.due is None:
        return marked(promise.limit, promise.verified) if promise.limit else NO_DATE
    day = promise.due.isoformat()
    zh, en = marked_str(day, promise.verified), marked_str(day, promise.verified)
    if promise.limit is not None:
        zh = f"{day}（{marked_str(promise.limit.zh, promise.verified)}）"
        en = f"{day} ({marked_str(promise.limit.en, promise.verified)})"
    if not promise.confirmed:
        zh, en = zh + UNCONFIRMED.zh, en + UNCONFIRMED.en
    return Text(zh, en)


def tracking_text(receipt_number: str, phone: str, phone_verified: bool = True) -> Text:
    """How to follow the application: the receipt number, 浙里办, the hotline, this point."""
    phone = marked_str(phone, phone_verified)
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


def needs_legend(*verified: bool) -> bool:
    """True when any of the facts is unverified, so the document explains the mark."""
    return not all(verified)


#: 申请状态 as every screen, document and command names them.
STATUS_NAMES = {
    "draft": Text("草稿", "Draft"),
    "submitted": Text("已受理", "Accepted"),
    "accepted_pending_materials": Text("容缺受理", "Accepted, materials to follow"),
    "delivered": Text("已上报", "Delivered to the hub"),
    "accepted": Text("中心已受理", "Accepted by the hub"),
    "needs_amendment": Text("待补正", "Needs amendment"),
    "amended": Text("已补正", "Amended"),
    "rejected": Text("不予受理", "Rejected"),
    "completed": Text("已办结", "Completed"),
    "voided": Text("已作废", "Voided"),
    "returned": Text("部门退回", "Returned by the department"),
}
#: The hub's verdict on a station's day (日终对账).
VERDICTS = {
    "agreed": Text("一致", "agreed"),
    "discrepant": Text("不一致", "discrepant"),
    "pending": Text("待比对", "not compared yet"),
}
#: What happened to an application, as a sentence, by audit action.
EVENTS = {
    "application.draft_created": Text("建立草稿", "Draft started"),
    "application.draft_discarded": Text("放弃草稿", "Draft discarded"),
    "application.submitted": Text("窗口受理", "Accepted at the counter"),
    "application.voided": Text("作废", "Voided"),
    "application.amended": Text("补正后重新提交", "Amended and submitted again"),
    "application.supplemented": Text("补交容缺材料", "Deferred documents handed in"),
    "application.attached": Text("附加扫描件", "Scan attached"),
    "document.receipt_issued": Text("出具受理回执", "Receipt issued"),
    "document.notice_issued": Text("出具一次性告知书", "One-time notice issued"),
    "document.amendment_issued": Text("出具补正通知", "Amendment notice issued"),
    "document.form_issued": Text("打印申请表", "Application form printed"),
}
#: What the hub acknowledged, by outbox event kind.
HUB_RECEIVED = {
    "submitted": Text("市级中心已收到受理记录", "The hub received the application"),
    "voided": Text("市级中心已收到作废记录", "The hub received the voiding"),
    "amended": Text("市级中心已收到补正", "The hub received the amendment"),
    "supplemented": Text("市级中心已收到补交记录", "The hub received the documents handed in"),
}


def status_text(status: str) -> Text:
    """An application status in words; the code itself only when it is unknown."""
    return STATUS_NAMES.get(status, Text(status, status))


def event_text(action: str, detail: str = "") -> Text:
    """One history entry as a sentence: an audit action, or the hub's receipt of an event of
    kind `detail` (`hub.acknowledged`), or a status the hub set (`application.hub_<status>`)."""
    if action == "hub.acknowledged":
        return HUB_RECEIVED.get(detail, Text("市级中心已收到记录", "The hub received a record"))
    if action.startswith("application.hub_"):
        status = status_text(action.removeprefix("application.hub_"))
        return Text(f"市级中心将状态改为：{status.zh}", f"The hub set the status to: {status.en}")
    return EVENTS.get(action, Text(action, action))


#: Why the hub set a station's batch aside (its quarantine reason codes, `sync.errors`).
QUARANTINE_REASONS = {
    "malformed": Text("批次文件格式有误，无法读取", "the batch file is malformed and cannot be read"),
    "unsupported_suite": Text("批次使用了中心不支持的加密格式", "the batch uses a format the hub does not support"),
    "bad_signature": Text("签名无效：数据在途中被改动或并非本站所发",
                          "the signature does not verify: altered on the way or not sent by this station"),
    "wrong_recipient": Text("批次加密给了另一个中心密钥", "the batch is sealed to another hub key"),
    "decrypt_failed": Text("无法解密：批次文件已损坏", "the batch cannot be opened: the file is damaged"),
    "body_mismatch": Text("批次内容与其头部不符", "the batch content disagrees with its header"),
    "bad_records": Text("批次中的记录与头部不符", "records in the batch disagree with its header"),
    "unknown_station": Text("市级中心不认识本站点（未注册）", "the hub does not know this station (not enrolled)"),
    "revoked_station": Text("本站点已被市级中心吊销", "this station has been revoked by the hub"),
    "unknown_catalog_version": Text("批次引用了中心不认识的事项版本",
                                    "the batch cites a service version the hub does not know"),
    "chain_mismatch": Text("批次与中心已有的批次不衔接", "the batch does not chain to the batches the hub holds"),
    "conflict": Text("中心已有同一序号而内容不同的记录", "the hub holds a different record under the same number"),
    "wrong_uploader": Text("批次由其他站点签名", "the batch is signed by another station"),
}
#: A batch whose copy reached the hub damaged: the hub set that copy aside, the station sends it again.
DAMAGED_COPY = "damaged:"


def quarantine_text(reason: str | None) -> Text:
    """Why a batch was set aside, as a sentence; an unknown code is named as it is."""
    code = (reason or "").removeprefix(DAMAGED_COPY)
    words = QUARANTINE_REASONS.get(code, Text(f"原因代码 {code}", f"reason code {code}") if code
                                   else Text("原因未说明", "no reason given"))
    if reason and reason.startswith(DAMAGED_COPY):
        return Text(f"中心收到的副本已损坏（{words.zh}），将重新发送",
                    f"the copy the hub received was damaged ({words.en}); it will be sent again")
    return words
