"""Reading `[[materials]]` (申请材料) into `Material` models."""

from __future__ import annotations

from collections.abc import Collection

from forms.loader.citations import read_citation
from forms.loader.fields import Scope, read_expression
from forms.loader.tables import SLUG, Table
from forms.models import Material
from forms.text import Text
from forms.vocab import (
    DATASETS,
    IDENTITY_TOKENS,
    MATERIAL_CHANNELS,
    MATERIAL_FORMS,
    MATERIAL_KINDS,
    NECESSITIES,
)


def read_materials(tables: list[Table], scope: Scope,
                   sources: Collection[str]) -> tuple[Material, ...]:
    """Every material, checking ids are unique."""
    materials: list[Material] = []
    for table in tables:
        material = read_material(table, scope, sources)
        if any(m.id == material.id for m in materials):
            table.error("id", f"duplicate material id {material.id!r}")
        materials.append(material)
    return tuple(materials)


def read_material(table: Table, scope: Scope, sources: Collection[str]) -> Material:
    """One material."""
    material_id = table.string("id", required=True)
    if material_id is not None and not SLUG.match(material_id):
        table.error("id", "must be a snake_case name")
    channel = table.enum("channel", MATERIAL_CHANNELS)
    where = table.text("where", required=channel not in ("onsite", None))
    material = Material(
        id=material_id or "?", name=table.text("name") or Text("?", "?"),
        kind=table.enum("kind", MATERIAL_KINDS) or "other",
        form=table.enum("form", MATERIAL_FORMS) or "paper",
        copies=table.integer("copies", required=True, default=0, minimum=0) or 0,
        channel=channel or "applicant",
        necessity=table.enum("necessity", NECESSITIES) or "required",
        replaced_by=tuple(_replacements(table)), when=read_expression(table, "when", scope),
        where=where, why=table.text("why", required=False), basis=table.string("basis"),
        source=read_citation(table, sources),
    )
    _check_consistency(table, material)
    table.finish()
    return material


def _replacements(table: Table) -> list[str]:
    tokens = table.str_list("replaced_by")
    for index, token in enumerate(tokens):
        reason = _token_problem(token)
        if reason:
            table.sink.add(f"{table.key('replaced_by')}[{index}]", reason)
    if len(set(tokens)) != len(tokens):
        table.error("replaced_by", "duplicate tokens")
    return tokens


def _token_problem(token: str) -> str | None:
    if token == "pledge" or token in IDENTITY_TOKENS:
        return None
    if token.startswith("shared:"):
        dataset = token.split(":", 1)[1]
        if dataset in DATASETS:
            return None
        return f"unknown dataset {dataset!r}; expected one of {', '.join(sorted(DATASETS))}"
    return (f"unknown token {token!r}; expected an identity credential "
            f"({', '.join(IDENTITY_TOKENS)}), shared:<dataset> or pledge")


def _check_consistency(table: Table, material: Material) -> None:
    if material.identity_tokens and material.kind != "identity":
        table.error("replaced_by", "identity credentials only replace a kind = \"identity\" "
                                   "material")
    if material.channel == "shared_data" and not material.datasets:
        table.error("replaced_by", "channel = \"shared_data\" needs a shared:<dataset> token")
    if material.kind == "identity" and not material.identity_tokens and \
            material.channel != "onsite":
        table.error("replaced_by", "an identity material lists the credentials it accepts")
