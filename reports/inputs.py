"""What each citizen document is made from: plain, frozen data the station fills in.

Identity numbers are given in full or masked; every document masks them again
(`kernel.masking.mask_id`), so a full number never reaches paper.

A `verified` flag is False when the catalog has no full source for the fact (a guess not
yet checked against a published guide): documents print it with a mark and say it is to
be confirmed at the window, so nobody takes it for a rule.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal

from forms import Text

#: Point types (DESIGN.md) and how they read.
POINT_TYPES = {
    "village": Text("村便民服务中心", "village centre"),
    "community": Text("社区便民服务中心", "community centre"),
    "police": Text("派出所户籍窗口", "police household window"),
    "bank": Text("银行网点", "bank branch"),
}


@dataclass(frozen=True)
class StationInfo:
    """站点 — the service point issuing the document."""

    code: str
    name: str
    point_type: str = ""
    district: str = ""
    district_name: str = ""


@dataclass(frozen=True)
class ApplicantInfo:
    """申请人 — a person, or a business with its legal representative."""

    name: str
    id_number: str
    kind: str = "person"
    representative_id: str | None = None


@dataclass(frozen=True)
class MaterialLine:
    """One material on a receipt: its name and how it was satisfied (a forms status)."""

    name: Text
    status: str
    onsite: bool = False
    verified: bool = True


@dataclass(frozen=True)
class FeeLine:
    """One charge: name, standard as written, amount in yuan when known."""

    name: Text
    standard: str
    amount: Decimal | None = None
    verified: bool = True


@dataclass(frozen=True)
class Fee:
    """收费 — `charged` None when the catalog entry is unknown."""

    charged: bool | None
    lines: tuple[FeeLine, ...] = ()
    verified: bool = True

    @property
    def total(self) -> Decimal | None:
        """The sum of the known amounts; None when any amount is unknown."""
        if any(line.amount is None for line in self.lines):
            return None
        return sum((line.amount for line in self.lines if line.amount is not None), Decimal(0))


@dataclass(frozen=True)
class Promise:
    """承诺办结 — the promised limit (e.g. 7个工作日) and the date it falls on."""

    limit: Text | None
    due: date | None
    confirmed: bool = True
    verified: bool = True


@dataclass(frozen=True)
class MissingItem:
    """One thing to bring: what it is, why it is needed, where to get it."""

    id: str
    what: Text
    why: Text
    where: Text
    basis: str = ""
    verified: bool = True


@dataclass(frozen=True)
class Supplement:
    """补交 — 容缺 materials handed in after acceptance: when, to whom, which."""

    at: datetime
    operator: str
    materials: tuple[Text, ...]


@dataclass(frozen=True)
class ReceiptData:
    """受理回执 — everything the acceptance receipt says; with `supplement`, the 补交回执 that
    confirms the 容缺 materials handed in later (and what is still owed)."""

    station: StationInfo
    receipt_number: str
    application_id: str
    applicant: ApplicantInfo
    service: Text
    service_code: str
    accepted_at: datetime
    operator: str
    promise: Promise
    fee: Fee
    qr_payload: str
    materials: tuple[MaterialLine, ...] = ()
    rongque: tuple[MissingItem, ...] = ()
    rongque_deadline: date | None = None
    consult_phone: str = "12345"
    consult_verified: bool = True
    supplement: Supplement | None = None


@dataclass(frozen=True)
class CaseReceiptData:
    """一件事受理回执 — one receipt for the items of a 一件事 accepted together; `items` are their
    own receipts (each with its receipt number), the lead item first."""

    station: StationInfo
    case_id: str
    bundle: Text
    bundle_code: str
    applicant: ApplicantInfo
    accepted_at: datetime
    operator: str
    items: tuple[ReceiptData, ...]

    @property
    def lead(self) -> ReceiptData:
        return self.items[0]


@dataclass(frozen=True)
class NoticeData:
    """一次性告知书 — every missing item once; with a deadline when accepted with 容缺."""

    station: StationInfo
    applicant: ApplicantInfo
    service: Text
    service_code: str
    issued_at: datetime
    operator: str
    items: tuple[MissingItem, ...]
    reference: str = ""
    rongque_deadline: date | None = None
    consult_phone: str = "12345"
    consult_verified: bool = True


@dataclass(frozen=True)
class FormField:
    """One line of the application form: its label and the value as printed."""

    label: Text
    value: str
    rows: tuple[tuple[str, ...], ...] = ()
    columns: tuple[Text, ...] = ()


@dataclass(frozen=True)
class FormData:
    """申请表 — the prefilled form the applicant signs."""

    station: StationInfo
    applicant: ApplicantInfo
    service: Text
    service_code: str
    catalog_version: str
    fields: tuple[FormField, ...]
    printed_at: datetime
    reference: str = ""
    materials: tuple[MaterialLine, ...] = ()


@dataclass(frozen=True)
class AmendmentData:
    """补正通知书 — what the deciding body asked to be corrected or added."""

    station: StationInfo
    applicant: ApplicantInfo
    service: Text
    receipt_number: str
    issued_at: datetime
    request: str
    items: tuple[MissingItem, ...] = ()
    deadline: date | None = None
    operator: str = ""
    consult_phone: str = "12345"
    consult_verified: bool = True
