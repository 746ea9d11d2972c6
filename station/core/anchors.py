"""The audit chain held against the hub's anchors, every sync round (`sync.anchors`).

The chain in the encrypted store proves nothing against someone who holds the database key:
they can cut the newest events and fix the head, or rewrite events and recompute every
later hash. The hub is the outside witness. Before a round sends anything, the station

1. checks its chain against the anchor the hub last signed (kept in `sync.hub_anchor`):
   the event at that position must still have that hash, and every later event must link
   to it up to the head;
2. sends its head, its hash at that position and its recovery copy (`sync.anchors`); the
   hub compares them with every anchor it holds and answers, signed, with its newest one;
3. checks the chain against that answer too.

A chain that no longer holds the hub's anchor is a divergence: the station says so to the
hub, audits it once, and refuses to send (`AuditDivergence`) until it is resolved. Events
made after the last round the hub witnessed cannot be checked by anyone; every round
shortens that window to the time between two rounds.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any, Protocol

from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

from kernel.errors import JiujinError
from station.core import audit
from station.core.config import StationConfig
from station.core.db import write_transaction
from station.core.models import Setting
from station.core.session import Session
from sync import acks, anchors
from sync.errors import AckError
from sync.hubkeys import HubPublicKeys

#: The hub's last signed answer to an anchor (`sync.acks`, kind "anchor"), as received.
HUB_ANCHOR = "sync.hub_anchor"
#: The divergence last audited, so that a refusal repeated every round is audited once.
DIVERGENCE = "sync.audit_divergence"


class AuditDivergence(JiujinError):
    """The audit chain no longer holds what the hub witnessed: sending is refused."""

    def __init__(self, reason_zh: str, reason_en: str) -> None:
        super().__init__(f"审计链与市级中心见证的锚点不符，已停止发送：{reason_zh}。请联系市级中心",
                         f"the audit chain disagrees with the anchor the hub witnessed, so nothing is sent: "
                         f"{reason_en}. Contact the city hub")


@dataclass(frozen=True)
class AnchorCheck:
    """The chain against the hub's anchor: `anchor` is (seq, hash, signed at), None before the
    hub has answered once."""

    ok: bool
    anchor: tuple[int, str, str] | None
    reason_zh: str = ""
    reason_en: str = ""

    def as_json(self) -> dict[str, Any]:
        seq, digest, at = self.anchor or (None, None, None)
        return {"ok": self.ok, "hub_anchor_seq": seq, "hub_anchor_hash": digest, "hub_anchor_at": at,
                "reason_zh": self.reason_zh, "reason_en": self.reason_en}


class Transport(Protocol):
    """What a round's path offers here (`station.core.transports.Transport`)."""

    def exchange_anchor(self, signed: bytes) -> bytes | None: ...


class AnchoredStation(Protocol):
    """What the check reads from the station store."""

    config: StationConfig

    def clock(self) -> datetime: ...

    def signing_key(self) -> Ed25519PrivateKey: ...

    def recovery_document(self) -> dict[str, Any] | None: ...


def held_anchor(keys: HubPublicKeys, station: str) -> AnchorCheck:
    """The hub's anchor kept here, checked against the hub's key (not the chain)."""
    row = Setting.get_or_none(Setting.key == HUB_ANCHOR)
    if row is None:
        return AnchorCheck(True, None)
    try:
        ack = acks.verify(str(row.value).encode(), keys, station)
        anchor = _anchor_of(ack)
    except (AckError, ValueError):
        return AnchorCheck(False, None, "本站保存的中心锚点签名无效（被修改过）",
                           "the hub's anchor kept here does not verify (it was edited)")
    return AnchorCheck(True, anchor)


def check(keys: HubPublicKeys, station: str) -> AnchorCheck:
    """A round's check: the event at the hub's anchor still has its hash and every later event
    links to it up to the head (every event, before the hub has answered once)."""
    held = held_anchor(keys, station)
    if not held.ok:
        return held
    report = audit.verify() if held.anchor is None else audit.verify_from(held.anchor[0], held.anchor[1])
    return held if report.ok else AnchorCheck(False, held.anchor, report.reason_zh, report.reason_en)


def verify(keys: HubPublicKeys, station: str) -> tuple[audit.ChainReport, AnchorCheck]:
    """`jiujin audit verify`: the whole chain, and whether it still holds the hub's anchor kept here."""
    report = audit.verify()
    held = held_anchor(keys, station)
    if not held.ok or held.anchor is None:
        return report, held
    found = audit.anchor_report(held.anchor[0], held.anchor[1])
    return report, held if found.ok else AnchorCheck(False, held.anchor, found.reason_zh, found.reason_en)


def guard(store: AnchoredStation, keys: HubPublicKeys, session: Session, transport: Transport) -> None:
    """A sync round's check, before it sends anything: the chain against the hub's anchor, the
    head to the hub and its answer back; AuditDivergence (audited once, told to the hub) if the
    chain no longer holds what the hub witnessed."""
    code = store.config.code
    before = check(keys, code)
    answer = transport.exchange_anchor(_message(store, before))
    after = before
    if answer is not None:
        divergent = _keep_answer(keys, code, answer)
        after = check(keys, code)
        if after.ok and divergent:
            after = AnchorCheck(False, after.anchor, "市级中心发现本站审计链与其见证的锚点不符",
                                "the hub found the chain disagrees with the anchors it witnessed")
        if not after.ok and before.ok:  # learned only now: tell the hub (now, or on the stick)
            transport.exchange_anchor(_message(store, after))
    if not after.ok:
        _refuse(store, session, after)


def _message(store: AnchoredStation, state: AnchorCheck) -> bytes:
    checked = None if state.anchor is None else (state.anchor[0], audit.hash_at(state.anchor[0]))
    # The wall clock, as for enrolment requests: `at` orders this station's anchors and recovery
    # copies at the hub.
    return anchors.make(store.config.code, datetime.now(UTC).isoformat(timespec="microseconds"), audit.head(),
                        checked, not state.ok, store.recovery_document(), store.signing_key())


def _keep_answer(keys: HubPublicKeys, station: str, answer: bytes) -> bool:
    """Keep the hub's answer if it names an anchor at least as far on as the one kept (an old
    answer left on a stick never replaces a newer one); whether the hub found a divergence."""
    try:
        ack = acks.verify(answer, keys, station)
        anchor = _anchor_of(ack)
    except (AckError, ValueError):
        return False  # not the hub's word: the kept anchor stands
    held = held_anchor(keys, station)
    if anchor is not None and (held.anchor is None or not held.ok or anchor[0] >= held.anchor[0]):
        with write_transaction():
            Setting.replace(key=HUB_ANCHOR, value=answer.decode()).execute()
    return ack.status == "divergent"


def _anchor_of(ack: acks.Ack) -> tuple[int, str, str] | None:
    if ack.document.get("kind") != "anchor":
        raise ValueError("not an anchor")
    value = ack.document.get("anchor")
    if value is None:
        return None
    if not anchors.is_position(value, nullable=False):
        raise ValueError("anchor")
    return int(value[0]), str(value[1]), str(ack.document.get("at"))


def _refuse(store: AnchoredStation, session: Session, state: AnchorCheck) -> None:
    """Audit the divergence (once while it stays the same), then refuse."""
    seen = Setting.get_or_none(Setting.key == DIVERGENCE)
    if seen is None or seen.value != state.reason_en:
        with write_transaction():
            audit.append(store.clock(), session.operator_name, "audit.anchor_divergence", "audit_chain",
                         {"hub_anchor_seq": state.anchor[0] if state.anchor else None, "reason": state.reason_en})
            Setting.replace(key=DIVERGENCE, value=state.reason_en).execute()
    raise AuditDivergence(state.reason_zh, state.reason_en)
