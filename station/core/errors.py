"""Errors raised by the station core, each with a Chinese and an English message.

    JiujinError (kernel.errors)      message_zh / message_en, message(lang); never personal data
    ├── ConfigError                  station.toml: file, key and reason
    ├── StoreError
    │   ├── StoreNotInitialised      no station in this data folder
    │   ├── KeyFileError             key file missing, truncated, edited (MAC mismatch)
    │   ├── StoreCorrupt             database truncated or failing its integrity check
    │   ├── StorageFull              the disk holding the data folder is full
    │   ├── StorageReadOnly          the data folder cannot be written
    │   ├── StationBusy              another program re-keys (or re-keyed): close and reopen
    │   └── StationInUse             a re-key found other programs busy: try again
    ├── AuthError
    │   ├── LoginFailed              unknown operator or wrong password (one message for both)
    │   ├── OperatorLocked           too many failures; locked until a time
    │   ├── OperatorDisabled         the operator was disabled by an admin
    │   └── OperatorUntrusted        the operator's row is not signed by an admin (edited)
    ├── PermissionDenied             the caller's role may not do this
    ├── NotFound                     no such application, operator or attachment
    ├── InvalidTransition            e.g. voiding an application the hub already holds
    │   └── SubmitWithCase           an item of a 一件事 submitted on its own
    └── ValidationFailed             bad input to a core service (field errors attached)
"""

from __future__ import annotations

from datetime import datetime

from kernel.errors import JiujinError

__all__ = [
    "AuthError", "ConfigError", "InvalidTransition", "JiujinError", "KeyFileError", "LoginFailed",
    "NotAcceptedHere", "NotFound", "OperatorDisabled", "OperatorLocked", "PermissionDenied", "StationBusy",
    "StationInUse", "StorageFull",
    "StorageReadOnly", "StoreCorrupt", "StoreError", "StoreNotInitialised", "ValidationFailed",
]


class ConfigError(JiujinError):
    """station.toml is missing a key or holds a bad value."""

    def __init__(self, path: str, key: str, reason_zh: str, reason_en: str) -> None:
        super().__init__(
            f"配置文件 {path} 中的 {key} 有误：{reason_zh}",
            f"{path}: {key}: {reason_en}",
        )
        self.path = path
        self.key = key


class StoreError(JiujinError):
    """The encrypted store cannot be opened or written."""


class StoreNotInitialised(StoreError):
    """The data folder holds no station yet."""

    def __init__(self, data_dir: str) -> None:
        super().__init__(
            f"数据目录 {data_dir} 中没有站点，请先运行 jiujin init",
            f"no station in {data_dir}; run `jiujin init` first",
        )


class KeyFileError(StoreError):
    """The key file is missing, truncated or was edited outside Jiujin."""


class StoreCorrupt(StoreError):
    """The database file is damaged."""


class StorageFull(StoreError):
    """No space is left on the disk that holds the data folder."""

    def __init__(self) -> None:
        super().__init__(
            "磁盘空间已满，本次操作未保存，已保存的数据不受影响。请清理磁盘后重试。",
            "The disk is full: this change was not saved; saved data is intact. "
            "Free some space and try again.",
        )


class StorageReadOnly(StoreError):
    """The data folder is read-only."""

    def __init__(self) -> None:
        super().__init__(
            "数据目录为只读，无法保存。请检查磁盘或目录权限。",
            "The data folder is read-only and cannot be written. Check the disk "
            "or the folder's permissions.",
        )


class StationBusy(StoreError):
    """Another process holds the station-wide lock (a re-key), or re-keyed under us."""

    def __init__(self) -> None:
        super().__init__("数据库密钥正在更换或已更换，请关闭本程序后重新打开并登录",
                         "The database is being re-keyed (or was re-keyed): close this program, open it "
                         "again and log in")


class StationInUse(StoreError):
    """A re-key waited in vain for other programs' work on the station: nothing was changed."""

    def __init__(self) -> None:
        super().__init__("其他程序正在写入本站数据，暂时无法更换密钥，请稍后重试（数据未改动）",
                         "Another program is writing to this station, so the key cannot be changed now; "
                         "try again shortly (nothing was changed)")


class AuthError(JiujinError):
    """Login or session problems."""


class LoginFailed(AuthError):
    """Unknown operator or wrong password: deliberately one message for both."""

    def __init__(self) -> None:
        super().__init__("用户名或密码错误", "Wrong operator name or password")


class OperatorLocked(AuthError):
    """Too many failed logins."""

    def __init__(self, until: datetime) -> None:
        stamp = until.strftime("%H:%M")
        super().__init__(
            f"登录失败次数过多，账户已锁定至 {stamp}，或请主管解锁",
            f"Too many failed logins: locked until {stamp}, or ask a supervisor to unlock",
        )
        self.until = until


class OperatorDisabled(AuthError):
    """The operator was disabled."""

    def __init__(self) -> None:
        super().__init__("该账户已停用，请联系管理员", "This operator is disabled; ask an admin")


class OperatorUntrusted(AuthError):
    """The operator's row does not carry a valid admin signature: refused, with no role."""

    def __init__(self) -> None:
        super().__init__(
            "该账户记录未经管理员签名（可能被改动），已拒绝登录；请管理员核对后确认（jiujin operator confirm）",
            "This operator's record is not signed by an admin (it may have been edited): login "
            "refused; an admin must check and confirm it (jiujin operator confirm)",
        )


class PermissionDenied(JiujinError):
    """The caller's role may not perform the action."""

    def __init__(self, action: str, role: str) -> None:
        super().__init__(
            f"当前角色（{role}）无权执行此操作：{action}",
            f"role {role} may not perform {action}",
        )
        self.action = action
        self.role = role


class NotFound(JiujinError):
    """No such record."""


class NothingToSupplement(JiujinError):
    """补交 on an application that owes no material accepted under 容缺."""

    def __init__(self) -> None:
        super().__init__("该申请没有待补交的容缺材料", "this application owes no materials accepted under 容缺")


class InvalidTransition(JiujinError):
    """The application's status does not allow the requested change."""

    def __init__(self, action: str, status: str) -> None:
        super().__init__(
            f"申请当前状态为 {status}，不能执行：{action}",
            f"cannot {action} an application that is {status}",
        )
        self.action = action
        self.status = status


class SubmitWithCase(InvalidTransition):
    """An item of a 一件事 is submitted with the other items of its case, never on its own."""

    def __init__(self, bundle_code: str) -> None:
        JiujinError.__init__(self, f"该申请属于一件事（{bundle_code}），请在一件事中与其他事项一并提交",
                             f"this application is part of a 一件事 ({bundle_code}): submit it with the "
                             "other items of its case")
        self.action, self.status = "submit", "draft"


class NotAcceptedHere(JiujinError):
    """This point type does not accept the item or 一件事 asked for."""


class ValidationFailed(JiujinError):
    """Input to a core service failed validation."""

    def __init__(self, errors: dict[str, str]) -> None:
        fields = "、".join(sorted(errors))
        super().__init__(f"以下字段有误：{fields}", f"invalid fields: {', '.join(sorted(errors))}")
        self.errors = errors
