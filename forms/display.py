"""How a form value reads to a person: choice labels, 是/否, division names, repeat groups.

The one formatting layer behind the counter's screens, the printed documents and the command
line: a value is never shown as its code (`employment`, `330106002`, `True`).
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any

from forms.divisions import hangzhou_divisions
from forms.models import Field, Item
from forms.text import Text
from kernel.masking import mask_id, mask_ids_in_text

YES = Text("是", "Yes")
NO = Text("否", "No")
#: Words an ID card prints, with their English (the card is in Chinese only).
CARD_WORDS = {"card.gender": {"男": Text("男", "Male"), "女": Text("女", "Female")}}
#: Identity numbers, masked on paper (6+4) and shown whole on the counter's own screen.
MASKED_TYPES = frozenset({"id_number", "credit_code"})


def value_text(field: Field, value: Any, *, paper: bool = False) -> Text:
    """`value` of `field` as it reads, in both languages. On `paper` identity numbers are
    masked (6+4) and a division keeps its code beside its name: `西湖区（330106）`."""
    if value is None or value == "" or value == []:
        return Text("", "")
    if field.type == "boolean":
        return YES if _truthy(value) else NO
    if field.type == "choice":
        return choice_text(field, value)
    if field.type == "multi_choice" and isinstance(value, list):
        return _joined((choice_text(field, v) for v in value), "、", ", ")
    if field.type == "division":
        name = division_text(str(value))
        shown = f"{name}（{value}）" if paper and name != str(value) else name
        return Text(shown, shown)
    if field.type == "group" and isinstance(value, list):
        return group_text(field, value, paper=paper)
    if field.type == "attachment" and isinstance(value, list):
        return Text(f"{len(value)} 份", f"{len(value)} file{'s' if len(value) != 1 else ''}")
    text = str(value)
    if field.prefill in CARD_WORDS and text in CARD_WORDS[field.prefill]:
        return CARD_WORDS[field.prefill][text]
    if paper:
        text = mask_id(text) if field.type in MASKED_TYPES else mask_ids_in_text(text)
    return Text(text, text)


def choice_text(field: Field, value: Any) -> Text:
    """The label of one option; the stored value itself when the option is unknown."""
    for choice in field.choices:
        if choice.value == str(value):
            return choice.label
    return Text(str(value), str(value))


def division_text(code: str) -> str:
    """A division by its name (`北山街道`), the code only when the table does not know it."""
    division = hangzhou_divisions().get(code)
    return division.name if division is not None else code


def group_text(field: Field, entries: list[Any], *, paper: bool = False) -> Text:
    """A repeat group, each entry's values in the sub-fields' order: `张三，配偶；李四，子女`."""
    rows = []
    for entry in entries:
        values = entry if isinstance(entry, Mapping) else {}
        parts = [value_text(sub, values.get(sub.id), paper=paper) for sub in field.fields]
        rows.append(_joined((p for p in parts if p.zh), "，", ", "))
    return _joined(rows, "；", "; ")


def field_rows(item: Item, values: Mapping[str, Any], *, shown: Iterable[str] | None = None,
               paper: bool = False) -> list[tuple[str, Text, Text]]:
    """(id, label, value) of the item's fields in the form's order, leaving out empty values and
    fields not in `shown` (the visible ones), then any stored value the item no longer names."""
    visible = set(shown) if shown is not None else None
    rows = []
    for field in item.fields:
        if visible is not None and field.id not in visible:
            continue
        text = value_text(field, values.get(field.id), paper=paper)
        if text.zh:
            rows.append((field.id, field.label, text))
    known = {field.id for field in item.fields}
    rows += [(key, Text(key, key), Text(str(value), str(value))) for key, value in values.items()
             if key not in known and value not in (None, "", [])]
    return rows


def _truthy(value: Any) -> bool:
    return value.strip().lower() in ("true", "1", "yes", "是") if isinstance(value, str) else bool(value)


def _joined(parts: Iterable[Text], zh: str, en: str) -> Text:
    listed = list(parts)
    return Text(zh.join(p.zh for p in listed), en.join(p.en for p in listed))
