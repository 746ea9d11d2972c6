"""The main command group is the one place a Jiujin error becomes `jiujin: …` and exit 1."""

from __future__ import annotations

import click
import pytest
from click.testing import CliRunner

from devices.errors import PortError
from forms.errors import ItemNotFound
from kernel.errors import JiujinError
from reports.errors import QRSignatureError
from station.cli import LAZY_COMMANDS, main
from station.cli.lazy import Lazy
from station.core.errors import ValidationFailed
from sync.errors import HubUnreachable


@click.command("raise-for-test")
@click.pass_context
def raise_for_test(ctx: click.Context) -> None:
    raise ctx.find_root().obj["error_for_test"]


@pytest.fixture
def raising(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setitem(LAZY_COMMANDS, "raise-for-test", Lazy(f"{__name__}:raise_for_test", "Raise."))


def run_raising(error: Exception, *options: str) -> tuple[int, str, str]:
    result = CliRunner().invoke(main, [*options, "raise-for-test"], obj={"error_for_test": error})
    return result.exit_code, result.stdout, result.stderr


@pytest.mark.parametrize("error", [
    ValidationFailed({"phone": "号码格式不对"}), HubUnreachable("refused"), PortError("/dev/ttyS9"),
    ItemNotFound("no item HZ-GA-999"), QRSignatureError(),
], ids=lambda error: type(error).__name__)
@pytest.mark.usefixtures("raising")
def test_every_package_error_becomes_one_line_in_chinese(error: JiujinError) -> None:
    code, stdout, stderr = run_raising(error)
    assert code == 1 and stdout == ""
    assert stderr.splitlines()[0] == f"jiujin: {error.message_zh}"
    assert type(error).__name__ not in stderr and "Traceback" not in stderr


@pytest.mark.usefixtures("raising")
def test_english_on_request_with_field_details_below() -> None:
    code, _stdout, stderr = run_raising(ValidationFailed({"phone": "bad phone"}), "--lang", "en")
    assert code == 1
    assert stderr.splitlines() == ["jiujin: invalid fields: phone", "  phone: bad phone"]


@pytest.mark.usefixtures("raising")
def test_other_exceptions_are_not_swallowed() -> None:
    result = CliRunner().invoke(main, ["raise-for-test"], obj={"error_for_test": KeyError("x")})
    assert result.exit_code == 1 and isinstance(result.exception, KeyError)


def test_a_forms_error_from_a_real_command_speaks_the_language() -> None:
    english = CliRunner().invoke(main, ["--lang", "en", "catalog", "show", "HZ-GA-999"])
    chinese = CliRunner().invoke(main, ["catalog", "show", "HZ-GA-999"])
    assert english.exit_code == chinese.exit_code == 1
    assert english.stderr.startswith("jiujin: ") and "HZ-GA-999" in english.stderr
    assert chinese.stderr.startswith("jiujin: 未找到事项") and "ItemNotFound" not in chinese.stderr
