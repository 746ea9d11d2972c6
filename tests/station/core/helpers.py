"""Builders for core tests."""

from __future__ import annotations

from pathlib import Path

from station.core.applications import Applicant, DraftInput

VALID_ID = "11010519491231002X"
OTHER_ID = "340521198001010010"
CREDIT_CODE = "91350100M000100Y43"
# a station folder written by SQLCipher 4.12 (see test_sqlcipher_compat), and its operators' passwords
FIXTURE = Path(__file__).parent / "data" / "sqlcipher-4.12-station"
PASSWORDS = {"admin": "admin-fixture-1", "wang": "wang-fixture-1"}


def draft(id_number: str = VALID_ID, name: str = "张三", **values: str) -> DraftInput:
    """A person's draft for the residence permit."""
    return DraftInput(
        item_code="JZZ-SL", item_name="居住证申领", catalog_version="test-1",
        applicant=Applicant("person", id_number, name),
        values={"name": name, "id_number": id_number, **values},
        provenance={"name": "card", "id_number": "card"},
    )
