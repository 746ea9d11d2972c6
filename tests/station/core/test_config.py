"""station.toml: typed, validated once; an error names the file, the key and why."""

from __future__ import annotations

from pathlib import Path

import pytest

from station.core.config import StationConfig, load_config, resolve_data_dir
from station.core.errors import ConfigError


def _write(folder: Path, text: str) -> None:
    (folder / "station.toml").write_text(text, encoding="utf-8")


def test_round_trip(tmp_path: Path) -> None:
    config = StationConfig(code="XH0001", name="德加社区", point_type="community", district="330106",
                           hub_url="https://hub.example.cn", retention_days=90, idle_lock_minutes=3)
    config.save(tmp_path)
    assert load_config(tmp_path) == config


def test_the_receipts_link_uses_the_public_url_else_the_hub_url(tmp_path: Path) -> None:
    config = StationConfig(code="XH0001", name="德加社区", point_type="community", district="330106",
                           hub_url="https://sync.hub.example.cn", public_url="https://jiujin.hangzhou.example")
    config.save(tmp_path)
    assert load_config(tmp_path) == config and config.citizens_url == "https://jiujin.hangzhou.example"
    without = StationConfig(code="XH0001", name="德加社区", point_type="community", district="330106",
                            hub_url="https://sync.hub.example.cn")
    assert without.citizens_url == "https://sync.hub.example.cn"
    assert "public_url" not in without.to_toml().decode()


@pytest.mark.parametrize(("text", "key", "reason"), [
    ('[station]\nname="x"\npoint_type="bank"\ndistrict="330106"\n', "station.code", "missing"),
    ('[station]\ncode="xh1"\nname="x"\npoint_type="bank"\ndistrict="330106"\n', "station.code", "capital"),
    ('[station]\ncode="XH0001"\nname="x"\npoint_type="shop"\ndistrict="330106"\n', "station.point_type", "one of"),
    ('[station]\ncode="XH0001"\nname="x"\npoint_type="bank"\ndistrict="110105"\n', "station.district", "Zhejiang"),
    ('[station]\ncode="XH0001"\nname="x"\npoint_type="bank"\ndistrict="330106"\nidle_lock_minutes=0\n',
     "station.idle_lock_minutes", "integer"),
    ('[station]\ncode="XH0001"\nname="x"\npoint_type="bank"\ndistrict="330106"\n[devices]\npaper_width_mm=76\n',
     "devices.paper_width_mm", "one of"),
    ('[station]\ncode="XH0001"\nname="x"\npoint_type="bank"\ndistrict="330106"\n[hub]\npublic_url="hub.example"\n',
     "hub.public_url", "URL"),
    ('[station]\ncode="XH0001"\nname="x"\npoint_type="bank"\ndistrict="330106"\ntime_zone="Mars/Olympus"\n',
     "station.time_zone", "IANA"),
    ('[station\n', "-", "TOML"),
])
def test_errors_name_file_key_and_reason(tmp_path: Path, text: str, key: str, reason: str) -> None:
    _write(tmp_path, text)
    with pytest.raises(ConfigError) as caught:
        load_config(tmp_path)
    assert caught.value.key == key
    assert str(tmp_path / "station.toml") in caught.value.message_en
    assert reason in caught.value.message_en
    assert key in caught.value.message_zh


def test_data_dir_precedence(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("JIUJIN_DATA_DIR", str(tmp_path / "env"))
    assert resolve_data_dir(tmp_path / "opt") == tmp_path / "opt"
    assert resolve_data_dir(None) == tmp_path / "env"
    monkeypatch.delenv("JIUJIN_DATA_DIR")
    assert resolve_data_dir(None).name == "jiujin"


def test_the_time_zone_defaults_to_shanghai_and_is_kept(tmp_path: Path) -> None:
    _write(tmp_path, '[station]\ncode="XH0001"\nname="x"\npoint_type="bank"\ndistrict="330106"\n')
    assert load_config(tmp_path).time_zone == "Asia/Shanghai"
    config = StationConfig(code="XH0001", name="x", point_type="bank", district="330106", time_zone="Asia/Urumqi")
    config.save(tmp_path)
    assert load_config(tmp_path).time_zone == "Asia/Urumqi"
