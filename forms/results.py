"""What the engine returns: field errors, materials statuses, the outcome and the due date."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from typing import Any

from forms.models import Condition, Item, Material
from forms.serialize import jsonable
from forms.text import Text
from forms.workdays import DueDate

#: The five materials statuses.
SATISFIED_BY_CARD = "satisfied_by_card"
SATISFIED_BY_SHARED_DATA = "satisfied_by_shared_data"
PROVIDED = "provided"
MISSING = "missing"
MISSING_RONGQUE = "missing_rongque"
STATUSES = (SATISFIED_BY_CARD, SATISFIED_BY_SHARED_DATA, PROVIDED, MISSING, MISSING_RONGQUE)

#: The three outcomes.
ACCEPT = "accept"
ACCEPT_WITH_RONGQUE = "accept_with_rongque"
ONE_TIME_NOTICE = "one_time_notice"


@dataclass(frozen=True, slots=True)
class FieldError:
    """A problem with one field value; `path` is e.g. `members[0].member_name`."""

    path: str
    code: str
    message: Text

    def to_json(self) -> dict[str, Any]:
        """The error as JSON."""
        return {"field": self.path, "code": self.code, "message": self.message.to_json()}


@dataclass(frozen=True, slots=True)
class MaterialStatus:
    """How one applicable material stands: one of `STATUSES`."""

    material: Material
    status: str
    required: bool
    detail: str = ""

    @property
    def missing(self) -> bool:
        """True for `missing` and `missing_rongque`."""
        return self.status in (MISSING, MISSING_RONGQUE)

    def to_json(self) -> dict[str, Any]:
        """The status as JSON."""
        return {"id": self.material.id, "name": self.material.name.to_json(),
                "status": self.status, "necessity": self.material.necessity,
                "required": self.required, "detail": self.detail}


@dataclass(frozen=True, slots=True)
class NoticeEntry:
    """一次性告知 — one missing item: what it is, why it is needed, where to get it."""

    kind: str
    id: str
    what: Text
    why: Text
    where: Text
    basis: str = ""
    verified: bool = True

    def to_json(self) -> dict[str, Any]:
        """The entry as JSON; `verified` is False when the catalog has no full source for it."""
        return {"kind": self.kind, "id": self.id, "what": self.what.to_json(),
                "why": self.why.to_json(), "where": self.where.to_json(), "basis": self.basis,
                "verified": self.verified}


@dataclass(frozen=True, slots=True)
class Outcome:
    """Accept now, accept with 容缺 (list and deadline), or a one-time notice."""

    kind: str
    rongque: tuple[MaterialStatus, ...] = ()
    rongque_deadline: DueDate | None = None
    notice: tuple[NoticeEntry, ...] = ()

    def to_json(self) -> dict[str, Any]:
        """The outcome as JSON."""
        return {"kind": self.kind, "rongque": [m.material.id for m in self.rongque],
                "rongque_deadline": self.rongque_deadline.to_json() if self.rongque_deadline
                else None, "notice": [entry.to_json() for entry in self.notice]}


@dataclass
class Evaluation:
    """Everything the engine concluded about one application."""

    item: Item
    today: date
    values: dict[str, Any]
    visible: frozenset[str]
    computed: dict[str, Any]
    errors: list[FieldError]
    materials: list[MaterialStatus]
    unmet_conditions: list[Condition]
    outcome: Outcome
    due: DueDate
    warnings: list[Text] = field(default_factory=list)
    #: Visible fields that must be filled as the form stands (``required`` or ``required_if``).
    required: frozenset[str] = frozenset()

    @property
    def valid(self) -> bool:
        """True when no field has an error."""
        return not self.errors

    @property
    def acceptable(self) -> bool:
        """True when the application can be accepted now (possibly with 容缺)."""
        return self.valid and self.outcome.kind != ONE_TIME_NOTICE

    def errors_for(self, path: str) -> list[FieldError]:
        """Errors of one field path."""
        return [error for error in self.errors if error.path == path]

    def status_of(self, material_id: str) -> str | None:
        """The status of a material, None when it does not apply."""
        return next((m.status for m in self.materials if m.material.id == material_id), None)

    def to_json(self) -> dict[str, Any]:
        """The stable JSON of `jiujin forms check --json`."""
        return {
            "code": self.item.code, "version": self.item.version,
            "today": self.today.isoformat(), "valid": self.valid,
            "acceptable": self.acceptable, "values": jsonable(self.values),
            "visible": sorted(self.visible), "computed": jsonable(self.computed),
            "errors": [error.to_json() for error in self.errors],
            "materials": [status.to_json() for status in self.materials],
            "unmet_conditions": [c.text.to_json() for c in self.unmet_conditions],
            "outcome": self.outcome.to_json(), "due": self.due.to_json(),
            "warnings": [warning.to_json() for warning in self.warnings],
        }
