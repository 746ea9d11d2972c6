"""Messages between the station's workers, devices, screens and app: small dataclasses.

Events are named in the past tense; requests in the imperative. Textual's `Message`
initialises itself in `__post_init__`, so plain dataclasses work as messages. Bursty
device messages override `can_replace` so that the queue merges them.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from textual.message import Message

if TYPE_CHECKING:  # types only: the documents and PDF code load when first used
    from devices import HealthSummary
    from forms import Item
    from forms.models import OneThing
    from station.core.amendments import OpenedAmendment
    from station.core.counter import BundleCase, CounterDraft
    from station.core.errors import JiujinError
    from station.core.issuing import CaseResult, CounterResult, Issued
    from station.core.models import Operator
    from station.core.overview import ApplicationDetail, ApplicationRow, CounterOverview
    from station.core.session import Session
    from station.core.sync_service import BackgroundReport, BatchLine, SyncStatus
    from sync.errors import SyncError


@dataclass
class LoggedIn(Message):
    """An operator unlocked the store."""

    session: Session


@dataclass
class LoginRefused(Message):
    """Login failed; the message is already in the user's language."""

    message: str


@dataclass
class CardReading(Message, bubble=False):  # the app hands it on; it must not come back
    """A card was placed on the reader and is being read: a CardTapped or CardUnreadable follows."""


@dataclass
class CardTapped(Message, bubble=False):  # the app hands it on; it must not come back
    """The reader read a card; `card` is `IdCard.as_card_data()` (shown masked in lists)."""

    card: dict[str, Any]


@dataclass
class CardUnreadable(Message, bubble=False):  # the app hands it on; it must not come back
    """A card was on the reader but could not be read; it must be placed again."""

    message: str


@dataclass
class DevicesChanged(Message):
    """The devices' health changed (merged: only the newest matters)."""

    health: HealthSummary | None

    def can_replace(self, message: Message) -> bool:
        return isinstance(message, DevicesChanged)


@dataclass
class PrintJobChanged(Message, bubble=False):  # the app hands it on; it must not come back
    """A print job moved to a new state (queued, printing, printed, held, uncertain...)."""

    job_id: str
    state: str
    problem: str | None


@dataclass
class ScanArrived(Message, bubble=False):  # the app hands it on; it must not come back
    """The document camera finished a scan that can be attached."""

    path: str
    sha256: str
    media_type: str
    size: int


@dataclass
class OverviewLoaded(Message):
    """The home screen's figures."""

    overview: CounterOverview


@dataclass
class DraftOpened(Message):
    """A draft was created or resumed and can be filled in."""

    draft: CounterDraft


@dataclass
class DraftSaved(Message):
    """An autosave reached the store."""

    app_id: str


@dataclass
class DraftDiscarded(Message):
    """A draft was deleted at the operator's request."""

    app_id: str


@dataclass
class ApplicationSubmitted(Message):
    """Submission finished: accepted with a receipt number, or a notice with the draft kept;
    and the document that was printed (or why it was not)."""

    result: CounterResult


@dataclass
class ApplicationRefused(Message):
    """Submission failed: field errors by path, or one message."""

    message: str
    errors: dict[str, str]


@dataclass
class CaseOpened(Message):
    """一件事: a case was made (one draft per item) or resumed, and its items can be filled in."""

    case: BundleCase


@dataclass
class CaseSubmitted(Message):
    """一件事: every item was accepted together (or one notice was given) and its document issued."""

    result: CaseResult


@dataclass
class CaseRefused(Message):
    """一件事: submitting the case failed; field errors by item and path, or one message."""

    message: str
    errors: dict[str, str]


@dataclass
class DocumentIssued(Message):
    """A receipt or notice went to the printer or the A4 output."""

    issued: Issued


@dataclass
class ApplicationsLoaded(Message):
    """Rows for the applications list."""

    rows: list[ApplicationRow]


@dataclass
class SyncProgressed(Message):
    """A push, export or import moved on: `done` of `total` files or batches (merged: only the
    newest matters)."""

    what: str
    done: int
    total: int

    def can_replace(self, message: Message) -> bool:
        return isinstance(message, SyncProgressed)


@dataclass
class SyncRoundDone(Message):
    """The background sync finished a round (`report`), or could not (`error`), for `session`."""

    session: Session
    report: BackgroundReport | None
    error: JiujinError | SyncError | None


@dataclass
class ActionDone(Message):
    """A supervisor, admin or sync action finished; `message` is already translated."""

    message: str
    ok: bool = True


@dataclass
class ServicesFound(Message):
    """Catalog items matching the operator's search `query`; with no query, the station's
    常办事项 (`frequent`) too; `bundles`, the 一件事 this point files that match."""

    items: list[Item]
    query: str = ""
    frequent: list[Item] = field(default_factory=list)
    bundles: list[OneThing] = field(default_factory=list)


@dataclass
class DetailLoaded(Message):
    """One application in full, for its detail screen."""

    detail: ApplicationDetail


@dataclass
class AmendmentOpened(Message):
    """An application awaiting amendment, loaded as a working copy (perhaps one saved earlier)."""

    opened: OpenedAmendment


@dataclass
class OperatorsLoaded(Message):
    """The station's operators, for the management screen."""

    operators: list[Operator]


@dataclass
class SyncLoaded(Message):
    """The sync status, when the hub last acknowledged anything, and the station's ledger
    (oldest unsent age, resend requests, offline-policy state)."""

    status: SyncStatus
    last_contact: str | None
    ledger: dict[str, Any] = field(default_factory=dict)
    batches: list[BatchLine] = field(default_factory=list)


@dataclass
class RatingRecorded(Message):
    """The citizen's 好差评 of a case is stored and queued for the hub."""

    application_id: str
    level: int


@dataclass
class RatingRefused(Message):
    """The rating could not be taken (already rated, not an accepted case); in the user's language."""

    message: str
