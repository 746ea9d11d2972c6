"""The self-service kiosk's rules (综合自助服务机): which services, how long a citizen may pause,
and one call from the confirmed card data to the receipt.

A kiosk offers at most twenty services: those of this point type flagged for the kiosk in
the catalog, for people, that need nothing but the ID card (一证通办), most used here first.
It runs as its own operator account; every application it takes is an ordinary one.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from datetime import timedelta
from typing import Any, cast

from peewee import fn

from forms import Field, Item
from station.core.applications import Applicant
from station.core.counter import Counter, CounterDraft, identity_from_card
from station.core.issuing import CounterResult, ReceiptPrinterPort, submit_and_issue
from station.core.models import Application
from station.core.print_jobs import A4Output
from station.core.roles import Role
from station.core.session import Session

MAX_SERVICES = 20
IDLE_SECONDS = 60.0
EXIT_KEYS = ("f12", "f12", "f12")  # then an admin's name and password
EXIT_KEYS_WITHIN_SECONDS = 3.0


def kiosk_services(counter: Counter) -> list[Item]:
    """Up to twenty kiosk-flagged, card-only services for people, most used here first."""
    items = [i for i in counter.services("person") if i.access.kiosk and i.card_only]
    since = (counter.store.clock() - timedelta(days=90)).isoformat()
    rows = (Application.select(Application.item_code, fn.COUNT(Application.id))
            .where(Application.created_at >= since).group_by(Application.item_code).tuples())
    used: dict[str, int] = {str(row[0]): int(row[1]) for row in cast(Iterable[tuple[str, int]], rows)}
    return sorted(items, key=lambda i: (-used.get(i.code, 0), i.code))[:MAX_SERVICES]


def questions(counter: Counter, session: Session, item: Item, card: Mapping[str, Any]) -> list[Field]:
    """What the citizen still has to answer: required fields the card and station do not fill."""
    identity = identity_from_card(card)
    probe = CounterDraft(item, identity, Applicant("person", identity.id_number, identity.name))
    evaluation = counter.evaluate(session, probe)
    missing = {e.path for e in evaluation.errors if e.code == "required"}
    return [f for f in item.fields if f.id in missing]


def submit(counter: Counter, session: Session, card: Mapping[str, Any], item: Item,
           answers: Mapping[str, Any], printer: ReceiptPrinterPort | None,
           a4: A4Output) -> CounterResult:
    """The citizen confirmed: file the application and print the receipt (or the notice)."""
    draft = counter.start(session, item, identity_from_card(card))
    draft.values.update({k: v for k, v in answers.items() if v not in (None, "")})
    result = submit_and_issue(counter, session, draft, "receipt_printer", printer, a4)
    if not result.submission.accepted:
        counter.discard(session, draft.app_id)  # the kiosk keeps no drafts; the notice says all
    return result


def may_leave(session: Session) -> bool:
    """Only an admin's login ends kiosk mode."""
    return session.role == Role.ADMIN

