"""The hub's private keys: encrypted at rest with a passphrase kept apart from them, escrowed
to custodians, and back on a new machine from enough shares, where every station's recovery
slot still opens."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from click.testing import CliRunner

from station.cli import main
from station.core.store import StationStore
from sync.hub.config import HubFolder
from sync.hub.store import HubStore
from sync.private_keys import KeyPassphraseError
from tests.conftest import CONFIG

PASSPHRASE = "correct horse battery staple"


def _hub(*args: str, env: dict[str, str] | None = None) -> tuple[int, str]:
    result = CliRunner().invoke(main, ["hub", *args], env={"JIUJIN_LANG": "zh", **(env or {})})
    return result.exit_code, result.output


@pytest.fixture
def passphrase_file(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    path = tmp_path / "hub-key-passphrase"
    path.write_text(PASSPHRASE + "\n")
    path.chmod(0o600)
    monkeypatch.setenv("JIUJIN_HUB_KEY_PASSPHRASE_FILE", str(path))
    monkeypatch.delenv("JIUJIN_HUB_KEY_PASSPHRASE", raising=False)
    return path


def test_a_hub_is_not_created_with_plain_keys_unless_asked(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("JIUJIN_HUB_KEY_PASSPHRASE_FILE", raising=False)
    monkeypatch.delenv("JIUJIN_HUB_KEY_PASSPHRASE", raising=False)
    code, output = _hub("init", "--data-dir", str(tmp_path / "hub"))
    assert code == 1 and "JIUJIN_HUB_KEY_PASSPHRASE_FILE" in output and "Traceback" not in output
    code, _ = _hub("init", "--plain-keys", "--data-dir", str(tmp_path / "hub"))
    assert code == 0 and not HubFolder(tmp_path / "hub").keys_encrypted()


def test_keys_at_rest_are_encrypted_and_need_the_passphrase(tmp_path: Path, passphrase_file: Path,
                                                           monkeypatch: pytest.MonkeyPatch) -> None:
    code, output = _hub("init", "--data-dir", str(tmp_path / "hub"))
    assert code == 0, output
    folder = HubFolder(tmp_path / "hub")
    assert folder.keys_encrypted()
    raw = folder.keys().hpke.private_bytes_raw()
    assert raw not in (tmp_path / "hub" / "hub-private-hpke.pem").read_bytes()
    HubStore(tmp_path / "hub").close()  # opens with the passphrase from its file
    monkeypatch.delenv("JIUJIN_HUB_KEY_PASSPHRASE_FILE")
    with pytest.raises(KeyPassphraseError) as refused:
        folder.keys()
    assert "JIUJIN_HUB_KEY_PASSPHRASE" in refused.value.message("en")
    monkeypatch.setenv("JIUJIN_HUB_KEY_PASSPHRASE", "wrong")
    with pytest.raises(KeyPassphraseError, match="口令错误"):
        folder.keys()
    code, output = _hub("stats", "--data-dir", str(tmp_path / "hub"))
    assert code == 1 and "口令错误" in output and "Traceback" not in output


def test_plain_keys_of_an_older_hub_can_be_protected(tmp_path: Path, passphrase_file: Path) -> None:
    assert _hub("init", "--plain-keys", "--data-dir", str(tmp_path / "hub"))[0] == 0
    before = HubFolder(tmp_path / "hub").keys().public().fingerprint()
    code, output = _hub("keys", "protect", "--data-dir", str(tmp_path / "hub"))
    assert code == 0, output
    assert HubFolder(tmp_path / "hub").keys_encrypted()
    assert HubFolder(tmp_path / "hub").keys().public().fingerprint() == before


def test_the_hub_machine_is_lost_and_the_keys_come_back_from_three_of_five_shares(
        tmp_path: Path, passphrase_file: Path) -> None:
    hub = tmp_path / "hub"
    assert _hub("init", "--data-dir", str(hub))[0] == 0
    station_dir = tmp_path / "station"
    public = HubFolder(hub).keys().public()
    StationStore.initialise(station_dir, CONFIG, "admin", "陈管理员", "admin-pass-1",
                            recovery_public_key=public.hpke_public_key).close()
    code, output = _hub("keys", "escrow", "--shares", "5", "--threshold", "3", "--out", str(tmp_path / "escrow"),
                        "--data-dir", str(hub))
    assert code == 0, output
    escrow = tmp_path / "escrow"
    shares = sorted(escrow.glob("share-*-of-5.txt"))
    assert len(shares) == 5 and all(p.stat().st_mode & 0o077 == 0 for p in shares)
    assert public.hpke_public_key.hex() not in (escrow / "hub-keys.escrow.json").read_text()
    shutil.rmtree(hub)  # the machine is gone; the escrow file was in the backups

    too_few = ["--share", str(shares[0]), "--share", str(shares[3])]
    code, output = _hub("keys", "recover", "--escrow", str(escrow / "hub-keys.escrow.json"), *too_few,
                        "--data-dir", str(tmp_path / "new-hub"))
    assert code == 1 and "托管份额" in output and not (tmp_path / "new-hub").exists()
    enough = [*too_few, "--share", str(shares[4])]
    code, output = _hub("keys", "recover", "--escrow", str(escrow / "hub-keys.escrow.json"), *enough,
                        "--data-dir", str(tmp_path / "new-hub"))
    assert code == 0, output
    recovered = HubFolder(tmp_path / "new-hub")
    assert recovered.keys_encrypted() and recovered.keys().public() == public

    session = StationStore(station_dir).recover(recovered.keys().hpke, "admin", "brand-new-pass-1")
    assert session.operator_name == "admin" and session.active
