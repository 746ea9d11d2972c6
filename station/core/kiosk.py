"""The self-service kiosk's rules (综合自助服务机): which services, how long a citizen may pause,
and one call from the confirmed card data to the receipt.

A kiosk offers every service of this point type flagged for the kiosk in the catalog, for
people, that needs nothing but the ID card (一证通办): the ones most used here first (常办),
then all of them by department, and any of them by a word of its name or its pinyin
initials. It runs as its own operator account; every application it takes is an ordinary one.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import timedelta
from typing import Any, cast

from peewee import fn

from forms import Field, Item
from forms.search import matches
from forms.text import Text
from forms.vocab import DEPARTMENTS
from station.core.applications import Applicant
from station.core.counter import Counter, CounterDraft, identity_from_card
from station.core.issuing import CounterResult, ReceiptPrinterPort, submit_and_issue
from station.core.models import Application
from station.core.print_jobs import A4Output
from station.core.roles import Role
from station.core.session import Session

#: how many of the services most used here head the menu (常办事项)
FREQUENT = 8
IDLE_SECONDS = 60.0
EXIT_KEYS = ("f12", "f12", "f12")  # then an admin's name and password
EXIT_KEYS_WITHIN_SECONDS = 3.0


@dataclass(frozen=True)
class KioskMenu:
    """What the kiosk offers: every service, the most used here first, the rest by department."""

    items: tuple[Item, ...]  # most used here first, then by code
    frequent: tuple[Item, ...]  # used here in the last 90 days, at most FREQUENT
    sections: tuple[tuple[Text, tuple[Item, ...]], ...]  # department name, its services by code

    def find(self, query: str) -> tuple[Item, ...]:
        """The services whose name, code, keywords or pinyin (initials) contain `query`."""
        return tuple(i for i in self.items if matches(i, query))

    def get(self, code: str) -> Item:
        return next(i for i in self.items if i.code == code)


def kiosk_menu(counter: Counter) -> KioskMenu:
    """The kiosk's services as the citizen finds them (see the module's docstring)."""
    items = [i for i in counter.services("person") if i.access.kiosk and i.card_only]
    since = (counter.store.clock() - timedelta(days=90)).isoformat()
    rows = (Application.select(Application.item_code, fn.COUNT(Application.id))
            .where(Application.created_at >= since).group_by(Application.item_code).tuples())
    used: dict[str, int] = {str(row[0]): int(row[1]) for row in cast(Iterable[tuple[str, int]], rows)}
    ordered = sorted(items, key=lambda i: (-used.get(i.code, 0), i.code))
    order = {slug: n for n, slug in enumerate(DEPARTMENTS)}
    sections = []
    for slug in sorted({i.department for i in items}, key=lambda d: order.get(d, len(order))):
        name = DEPARTMENTS[slug][1] if slug in DEPARTMENTS else Text(slug, slug)
        sections.append((name, tuple(sorted((i for i in items if i.department == slug), key=lambda i: i.code))))
    return KioskMenu(tuple(ordered), tuple(i for i in ordered if used.get(i.code))[:FREQUENT], tuple(sections))


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

