"""`jiujin audit verify` and `jiujin db check | rekey | recover`."""

from __future__ import annotations

import sys
from pathlib import Path

import click
from cryptography.hazmat.primitives.asymmetric.x25519 import X25519PrivateKey

from station.cli.common import (
    data_dir,
    emit_json,
    lang,
    open_session,
    operator_options,
    read_password,
)
from station.core import anchors
from station.core import audit as audit_chain
from station.core.keyfile import load_keyfile
from station.core.roles import Action, require
from station.core.store import StationStore


@click.group()
def audit() -> None:
    """The audit trail. / 审计"""


@audit.command("verify")
@operator_options
@click.option("--json", "as_json", is_flag=True)
@click.pass_context
def verify(ctx: click.Context, data_dir_option: str | None, operator: str,
           password_file: str | None, as_json: bool) -> None:
    """Walk the hash chain and name the first broken link; exit 1 if broken. / 校验审计链"""
    store, session = open_session(ctx, data_dir_option, operator, password_file)
    require(session, Action.AUDIT_VERIFY)
    if store.hub.has_keys:
        report, anchor = anchors.verify(store.hub.keys(), store.config.code)
    else:
        report, anchor = audit_chain.verify(), anchors.AnchorCheck(True, None)
    ok = report.ok and anchor.ok
    if as_json:
        emit_json(report.as_json() | {"ok": ok, "hub_anchor": anchor.as_json()})
    elif not report.ok:
        reason = report.reason_en if lang(ctx) == "en" else report.reason_zh
        click.echo(f"审计链断裂于第 {report.first_broken_seq} 条：{reason}", err=True)
    elif not anchor.ok:
        click.echo(f"the audit chain disagrees with the hub's anchor: {anchor.reason_en}" if lang(ctx) == "en"
                   else f"审计链与市级中心见证的锚点不符：{anchor.reason_zh}", err=True)
    else:
        click.echo(f"审计链完整，共 {report.events} 条 / audit chain intact: {report.events} events")
        if anchor.anchor is not None:
            seq, _digest, at = anchor.anchor
            click.echo(f"含市级中心 {at} 见证的第 {seq} 条 / holds event {seq}, witnessed by the hub at {at}")
    sys.exit(0 if ok else 1)


@click.group()
def db() -> None:
    """The encrypted store. / 数据库"""


@db.command("check")
@operator_options
@click.pass_context
def check(ctx: click.Context, data_dir_option: str | None, operator: str,
          password_file: str | None) -> None:
    """Integrity checks of the database pages and their HMACs. / 检查数据库"""
    store, session = open_session(ctx, data_dir_option, operator, password_file)
    rows = store.check(session)
    for row in rows:
        click.echo(row)
    sys.exit(0 if rows == ["ok"] else 1)


@db.command("rekey")
@operator_options
@click.pass_context
def rekey(ctx: click.Context, data_dir_option: str | None, operator: str,
          password_file: str | None) -> None:
    """Give the database a new key, resealed to every operator (supervisor, admin). / 更换密钥"""
    store, session = open_session(ctx, data_dir_option, operator, password_file)
    store.rekey(session)
    click.echo("数据库密钥已更换 / database re-keyed")


@db.command("recover")
@click.option("--data-dir", "data_dir_option", type=click.Path(file_okay=False), default=None)
@click.option("--hub-private-key", type=click.Path(exists=True, dir_okay=False), required=True,
              help="The hub's X25519 private key file (raw 32 bytes or PEM).")
@click.option("--operator", envvar="JIUJIN_OPERATOR", required=True, help="The admin to reset.")
@click.option("--new-password-file", type=click.Path(exists=True, dir_okay=False),
              help="File with the admin's new password (else JIUJIN_NEW_PASSWORD).")
@click.option("--recovery-file", type=click.Path(exists=True, dir_okay=False), default=None,
              help="station.recovery from a USB export, when the data folder's own copy is lost.")
@click.pass_context
def recover(ctx: click.Context, data_dir_option: str | None, hub_private_key: str, operator: str,
            new_password_file: str | None, recovery_file: str | None) -> None:
    """Open a station whose passwords or key file are lost, and set an admin's new password. / 恢复"""
    key = load_x25519_private_key(Path(hub_private_key))
    copy = Path(recovery_file) if recovery_file else None
    store = StationStore.for_recovery(data_dir(ctx, data_dir_option), key, copy)
    ctx.call_on_close(store.close)
    session = store.recover(key, operator, read_password(new_password_file, "JIUJIN_NEW_PASSWORD"), copy)
    click.echo(f"已恢复，{operator} 的新密码已生效 / recovered: {operator}'s new password is set")
    slots = load_keyfile(store.keyfile_path).keys.slots
    lost = [o.name for o in store.operators.list(session) if o.status == "active" and o.name not in slots]
    if lost:
        click.echo("以下人员需由管理员重设密码（jiujin operator passwd NAME）/ these operators need a new "
                   f"password from an admin: {', '.join(lost)}")


def load_x25519_private_key(path: Path) -> X25519PrivateKey:
    """The hub's X25519 private key from its PEM file (decrypted with the hub's passphrase,
    from `JIUJIN_HUB_KEY_PASSPHRASE_FILE` or `JIUJIN_HUB_KEY_PASSPHRASE`) or 32 raw bytes."""
    from sync.private_keys import MAX_KEY_FILE, key_passphrase, read_private

    if path.stat().st_size > MAX_KEY_FILE:
        raise click.BadParameter("too large to be a key", param_hint="--hub-private-key")
    data = path.read_bytes()
    if data.startswith(b"-----BEGIN"):
        key = read_private(path, key_passphrase())
        if not isinstance(key, X25519PrivateKey):
            raise click.BadParameter("not an X25519 key", param_hint="--hub-private-key")
        return key
    if len(data) != 32:
        raise click.BadParameter("expected PEM or 32 raw bytes", param_hint="--hub-private-key")
    return X25519PrivateKey.from_private_bytes(data)
