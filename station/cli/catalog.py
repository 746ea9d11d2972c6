"""`jiujin catalog list|show|lint` and `jiujin forms check`: the service catalog on the command line."""

from __future__ import annotations

import json
import sys
from datetime import date
from pathlib import Path
from typing import Any

import click

from forms import Catalog, CatalogInvalid, load_catalog
from forms.collection import lint as lint_path
from forms.models import Item
from forms.serialize import item_definition, item_summary
from forms.vocab import POINT_TYPES
from station.cli.inputs import BadInput, expect_json, parse_day


def _root(ctx: click.Context) -> dict[str, Any]:
    return ctx.find_root().obj or {}


def _lang(ctx: click.Context) -> str:
    return str(_root(ctx).get("lang") or "zh")


def _catalog_path(ctx: click.Context, explicit: str | None) -> Path | None:
    """An explicit folder, else `<data dir>/catalog` when installed there, else packaged."""
    if explicit:
        return Path(explicit)
    data_dir = _root(ctx).get("data_dir")
    if data_dir and (Path(data_dir) / "catalog").is_dir():
        return Path(data_dir) / "catalog"
    return None


def _open(ctx: click.Context, explicit: str | None) -> Catalog:
    try:
        return load_catalog(_catalog_path(ctx, explicit))
    except CatalogInvalid as exc:
        for issue in exc.issues:
            click.echo(issue.line(), err=True)
        raise


def _dump(data: object) -> None:
    click.echo(json.dumps(data, ensure_ascii=False, indent=2, sort_keys=False))


def _parse_day(value: str | None) -> date | None:
    return parse_day(value, "--on") if value else None


catalog_option = click.option("--catalog", "catalog_dir", type=click.Path(exists=True),
                              help="Catalog folder (default: the installed or packaged one).")
on_option = click.option("--on", "on", help="Date the versions must be in force (YYYY-MM-DD).")


@click.group()
def catalog() -> None:
    """Service catalog: list, show and lint items. / 事项目录"""


@catalog.command("list")
@click.option("--point-type", type=click.Choice(sorted(POINT_TYPES)), default=None)
@click.option("--json", "as_json", is_flag=True, help="Stable JSON output.")
@on_option
@catalog_option
@click.pass_context
def list_items(ctx: click.Context, point_type: str | None, as_json: bool, on: str | None,
               catalog_dir: str | None) -> None:
    """List the items in force, optionally for one point type."""
    loaded = _open(ctx, catalog_dir)
    day = _parse_day(on)
    items = loaded.items_for(point_type, day) if point_type else loaded.current(day)
    if as_json:
        _dump({"items": [item_summary(i, loaded.versions(i.code)) for i in items]})
        return
    lang = _lang(ctx)
    for item in items:
        card = ("一证通办" if lang == "zh" else "card only") if item.card_only else ""
        click.echo(f"{item.code:<12} {item.name.get(lang)}  [{','.join(item.access.point_types)}]"
                   f"  {item.target}  {card}".rstrip())
    click.echo(f"{len(items)} items" if lang == "en" else f"共 {len(items)} 项")


@catalog.command("show")
@click.argument("code")
@click.option("--json", "as_json", is_flag=True, help="Stable JSON output.")
@on_option
@catalog_option
@click.pass_context
def show(ctx: click.Context, code: str, as_json: bool, on: str | None,
         catalog_dir: str | None) -> None:
    """Show one item's whole definition, fields included."""
    loaded = _open(ctx, catalog_dir)
    item = loaded.get(code, _parse_day(on))
    if as_json:
        _dump(item_definition(item, loaded.versions(code)))
        return
    for line in describe(item, _lang(ctx)):
        click.echo(line)


def describe(item: Item, lang: str) -> list[str]:
    """A readable outline of an item for the terminal."""
    lines = [f"{item.code}  {item.name.get(lang)}  (version {item.version}, "
             f"from {item.effective_from})",
             f"  {item.department} / {item.item_type} / {item.target} / "
             f"points: {', '.join(item.access.point_types)} / visits: {item.access.visits}",
             f"  promised: {item.promised_limit.text().get(lang)}"
             + (f"; legal: {item.legal_limit.text().get(lang)}" if item.legal_limit else ""),
             f"  card only: {item.card_only}", "  materials:"]
    for material in item.materials:
        lines.append(f"    - {material.id}: {material.name.get(lang)} [{material.necessity}, "
                     f"{material.channel}] {' '.join(material.replaced_by)}".rstrip())
    lines.append("  fields:")
    for field in item.fields:
        flags = " required" if field.required else ""
        flags += f" show_if({field.show_if.source})" if field.show_if else ""
        flags += f" = {field.compute.source}" if field.compute else ""
        lines.append(f"    - {field.id} ({field.type}) {field.label.get(lang)}{flags}")
        lines += [f"        . {sub.id} ({sub.type}) {sub.label.get(lang)}" for sub in field.fields]
    return lines


@catalog.command("lint")
@click.argument("path", required=False, type=click.Path(exists=True))
@click.option("--json", "as_json", is_flag=True, help="Issues and statistics as JSON.")
@click.pass_context
def lint(ctx: click.Context, path: str | None, as_json: bool) -> None:
    """Validate catalog files; print `file:key.path: reason` and exit 1 on any error."""
    target = Path(path) if path else _catalog_path(ctx, None)
    result = lint_path(target)
    stats = Catalog(result.items, bundles=result.bundles).stats() if result.items else {}
    if as_json:
        _dump({"ok": not result.issues, "files": result.files,
               "issues": [i.to_json() for i in result.issues], "stats": stats})
    else:
        for issue in result.issues:
            click.echo(issue.line())
        click.echo(f"{result.files} files, {len(result.issues)} errors; {_stats_line(stats)}",
                   err=bool(result.issues))
    if result.issues:
        sys.exit(1)


def _stats_line(stats: dict[str, Any]) -> str:
    if not stats:
        return "no valid items"
    facts = stats["facts"]
    return (f"{stats['items']} items, card-only {stats['card_only_personal']}/"
            f"{stats['personal']} personal ({stats['card_only_share']:.1%}); facts cited "
            f"{facts.get('cited', 0)} ({stats['facts_cited_share']:.1%}), partly "
            f"{facts.get('partly', 0)}, unverified {facts.get('unverified', 0)}; kiosk "
            f"{stats['kiosk_items']} ({stats['kiosk_items_at_community']} at community points); "
            f"就近办 {stats['near_personal_share']:.1%}; 一件事 {stats['bundles']}; fields named by a law "
            f"{stats['fields'].get('cited', 0) + stats['fields'].get('partly', 0)}/{stats['fields'].get('total', 0)}")


@click.group()
def forms() -> None:
    """Forms: validate application data against an item. / 表单校验"""


@forms.command("check")
@click.argument("code")
@click.argument("data", type=click.Path(exists=True, dir_okay=False))
@click.option("--json", "as_json", is_flag=True, help="The whole evaluation as JSON.")
@on_option
@catalog_option
@click.pass_context
def check(ctx: click.Context, code: str, data: str, as_json: bool, on: str | None,
          catalog_dir: str | None) -> None:
    """Validate one application's DATA.json; exit 1 with the field errors as JSON."""
    from forms import evaluate

    loaded = _open(ctx, catalog_dir)
    day = _parse_day(on)
    item = loaded.get(code, day)
    payload = _read_data(data)
    values = payload.get("values", payload) if "values" in payload else payload
    result = evaluate(item, values, card=payload.get("card") if "values" in payload else None,
                      context=payload.get("context") if "values" in payload else None,
                      attachments=payload.get("attachments", ()) if "values" in payload else (),
                      today=day)
    report = result.to_json()
    if as_json:
        _dump(report)
    elif result.valid:
        click.echo(f"OK: {code} {result.outcome.kind}")
    else:
        _dump({"valid": False, "errors": report["errors"]})
    if not result.valid:
        sys.exit(1)


def _read_data(data: str) -> dict[str, Any]:
    """DATA.json: the field values as an object, or an object with "values" (an object) and
    optionally "card" and "context" (objects) and "attachments" (a list of material ids)."""
    try:
        payload = json.loads(Path(data).read_text("utf-8"))
    except OSError as exc:
        raise BadInput(f"无法读取 {data}：{exc.strerror}", f"cannot read {data}: {exc.strerror}") from None
    except ValueError:
        raise BadInput(f"无法读取 {data}：不是 UTF-8 编码的 JSON", f"cannot read {data}: not UTF-8 JSON") from None
    if not isinstance(payload, dict):
        raise BadInput(f"{data}：内容应为 JSON 对象", f"{data}: must hold a JSON object")
    if "values" in payload:
        expect_json(data, "values", payload["values"], dict)
        for key in ("card", "context"):
            expect_json(data, key, payload.get(key), dict, type(None))
        attachments = payload.get("attachments", [])
        expect_json(data, "attachments", attachments, list)
        for entry in attachments:
            expect_json(data, "attachments[]", entry, str)
    return dict(payload)
