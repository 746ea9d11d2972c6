"""Every package's error tree hangs below the kernel's one bilingual base."""

from __future__ import annotations

import pytest

from devices.errors import DeviceError, NoCardError
from forms.errors import FormsError, ItemNotFound
from kernel.errors import JiujinError
from reports.errors import QRSignatureError, ReportsError
from station.core.errors import LoginFailed, StoreError
from sync.errors import HubUnreachable, SyncError


@pytest.mark.parametrize("root", [DeviceError, FormsError, ReportsError, StoreError, SyncError])
def test_every_root_is_a_jiujin_error(root: type[Exception]) -> None:
    assert issubclass(root, JiujinError)


@pytest.mark.parametrize(("error", "zh", "en"), [
    (LoginFailed(), "用户名或密码错误", "Wrong operator name or password"),
    (HubUnreachable("timeout"), "无法连接市级中心（timeout）", "cannot reach the city hub (timeout)"),
    (NoCardError(0x80), "未检测到身份证", "No ID card found"),
    (QRSignatureError(), "回执二维码签名无效", "The receipt QR signature does not verify"),
    (ItemNotFound("no item 330100-001"), "未找到事项", "no item 330100-001"),
])
def test_one_way_to_a_message_in_a_language(error: JiujinError, zh: str, en: str) -> None:
    assert error.message("zh").startswith(zh) and error.message().startswith(zh)
    assert error.message("en").startswith(en)
    assert (error.message_zh, error.message_en) == (error.message("zh"), error.message("en"))
