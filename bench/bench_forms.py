"""Forms benchmarks (issue 3: service catalog and forms engine).

- cold load and validation of the whole shipped catalog in a fresh interpreter, beside a
  fresh interpreter that only parses the same files with tomllib (target ≤ 200 ms). Both run
  as installed, with compiled bytecode (`_harness.installed_environment`), alternating, and
  the first interpreter's figure (bytecode compiled, files read from disk) is reported beside
  the median;
- evaluating a 60-field form with conditions, computed values and a repeat group, p95,
  beside a plain dict pass over the same values (target ≤ 1 ms).
"""

from __future__ import annotations

import statistics
import subprocess
import sys
import tempfile
from datetime import date
from pathlib import Path
from typing import Any

from bench._harness import Figure, installed_environment, percentile, time_calls, write_results

REPO = Path(__file__).resolve().parents[1]
RUNS = 7
EVALUATIONS = 3000

COLD_LOAD = """
import time
start = time.perf_counter()
from forms import load_catalog
catalog = load_catalog()
print(time.perf_counter() - start, len(catalog))
"""

TOML_ONLY = """
import time
start = time.perf_counter()
import tomllib
from pathlib import Path
files = [p for p in Path("forms/catalog").rglob("*.toml")]
parsed = [tomllib.loads(p.read_text("utf-8")) for p in files]
print(time.perf_counter() - start, len(parsed))
"""


def _fresh_seconds(codes: list[str], env: dict[str, str]) -> list[tuple[list[float], int]]:
    """Seconds of each of RUNS fresh interpreters per code, the codes alternating run by run,
    and the count each reports."""
    samples: list[list[float]] = [[] for _ in codes]
    counts = [0] * len(codes)
    for _ in range(RUNS):
        for index, code in enumerate(codes):
            out = subprocess.run([sys.executable, "-c", code], cwd=REPO, env=env, capture_output=True,
                                 text=True, check=True).stdout.split()
            samples[index].append(float(out[0]))
            counts[index] = int(out[1])
    return list(zip(samples, counts, strict=True))


def _field(index: int) -> tuple[dict[str, Any], Any]:
    """One synthetic field definition and a valid value for it."""
    kinds = [("text", "值"), ("integer", 42), ("money", "1200.50"), ("date", "2020-05-01"),
             ("choice", "b"), ("boolean", True), ("phone", "13812345678"),
             ("id_number", "11010519491231002X"), ("address", "杭州市西湖区文三路100号"),
             ("division", "330106")]
    kind, value = kinds[index % len(kinds)]
    field: dict[str, Any] = {"id": f"f{index}", "type": kind, "label": f"字段{index}",
                             "label_en": f"Field {index}", "required": index % 3 == 0}
    if kind == "choice":
        field["choices"] = [{"value": v, "label": v, "label_en": v} for v in "abc"]
    if kind == "text":
        field["max_length"] = 50
    if kind in ("integer", "money"):
        field["min"] = 0
    if index % 4 == 1 and index > 5:
        field["show_if"] = "f5 and f1 > 10"
    if index % 5 == 2 and index > 5:
        field["required_if"] = "f4 == 'b' or is_blank(f0)"
    if index % 9 == 3:
        field["check"] = "f3 < today"
        field["check_message"], field["check_message_en"] = "须早于今天", "Must be before today"
    return field, value


def form_item(root: Path) -> tuple[Any, dict[str, Any]]:
    """A 60-field item (54 plain, 5 computed, 1 group of 3 rows) and valid values for it."""
    import tomli_w

    from forms import load_catalog
    from tests.forms.helpers import engine_item_data, new_catalog, write_item

    data = engine_item_data()
    fields, values = [], {}
    for index in range(54):
        field, value = _field(index)
        fields.append(field)
        values[field["id"]] = value
    fields.append({"id": "rows", "type": "group", "label": "成员", "label_en": "Rows",
                   "fields": [{"id": "who", "type": "text", "label": "姓名", "label_en": "Name",
                               "required": True},
                              {"id": "pay", "type": "money", "label": "收入", "label_en": "Pay",
                               "min": 0}]})
    values["rows"] = [{"who": f"成员{i}", "pay": "100.00"} for i in range(3)]
    computed = ["age(f3)", "f1 * 2 + f11", "sum_of(rows, 'pay') + f2",
                "concat(f0, '-', f10)", "working_days(f3, today)"]
    for index, expression in enumerate(computed):
        kind = ["integer", "integer", "money", "text", "integer"][index]
        fields.append({"id": f"c{index}", "type": kind, "label": f"计算{index}",
                       "label_en": f"Computed {index}", "compute": expression})
    data["fields"] = fields
    data["materials"] = data["materials"][:5]
    assert tomli_w.dumps(data)
    catalog_root = new_catalog(root / "catalog")
    write_item(catalog_root, data)
    item = load_catalog(catalog_root).get(data["code"], on=date(2024, 6, 1))
    assert len(item.fields) == 60
    return item, values


def evaluation_figures() -> list[Figure]:
    """p95 of evaluating the 60-field form, beside a plain dict pass."""
    from forms import evaluate
    from tests.forms.helpers import ADULT_CARD

    with tempfile.TemporaryDirectory(prefix="jiujin-bench-forms-") as scratch:
        item, values = form_item(Path(scratch))
    day = date(2024, 6, 3)
    result = evaluate(item, values, card=ADULT_CARD, today=day)
    assert result.valid, result.errors

    def run() -> object:
        return evaluate(item, values, card=ADULT_CARD, today=day)

    def plain() -> object:
        return {key: value for key, value in values.items() if value is not None}

    samples = time_calls(run, EVALUATIONS)
    baseline = time_calls(plain, EVALUATIONS)
    p95 = percentile(samples, 95) * 1000
    return [Figure("evaluate 60-field form p95", p95, "ms",
                   baseline=percentile(baseline, 95) * 1000, baseline_name="plain dict pass",
                   target="<= 1 ms", passed=p95 <= 1.0,
                   notes={"p50_ms": percentile(samples, 50) * 1000, "runs": EVALUATIONS})]


def main() -> list[Figure]:
    """Run the forms benchmarks and store the figures."""
    sys.path.insert(0, str(REPO))
    with tempfile.TemporaryDirectory(prefix="jiujin-bench-forms-") as scratch:
        env = installed_environment(Path(scratch) / "pycache")
        (loads, items), (parses, files) = _fresh_seconds([COLD_LOAD, TOML_ONLY], env)
    load_s, parse_s = statistics.median(loads), statistics.median(parses)
    figures = [Figure("cold load + validate whole catalog", load_s * 1000, "ms",
                      baseline=parse_s * 1000, baseline_name="tomllib parse only, same files",
                      target="<= 200 ms", passed=load_s <= 0.2,
                      notes={"items": items, "files": files, "runs": RUNS,
                             "first_interpreter_ms": round(loads[0] * 1000, 1),
                             "runs_ms": [round(s * 1000, 1) for s in loads]})]
    figures += evaluation_figures()
    write_results("forms", figures)
    return figures


if __name__ == "__main__":
    main()
