"""`jiujin hub keys …`: encrypt the hub's private keys at rest, escrow them to custodians, and
bring them back on a new machine."""

from __future__ import annotations

from pathlib import Path

import click

from sync.hub.cli.common import hub_dir, hub_folder_option


@click.group("keys")
def keys() -> None:
    """The hub's private keys: at rest and in escrow. / 中心私钥"""


@keys.command("protect")
@hub_folder_option
@click.pass_context
def protect(ctx: click.Context, data_dir_option: str | None) -> None:
    """Encrypt (or re-encrypt) the private keys with the key passphrase. / 加密私钥"""
    from sync.errors import HubError
    from sync.hub.config import HubFolder
    from sync.private_keys import PASSPHRASE_FILE_VARIABLE, key_passphrase

    folder = HubFolder(hub_dir(ctx, data_dir_option))
    loaded = folder.keys()
    passphrase = key_passphrase()
    if passphrase is None:
        raise HubError(f"请通过 {PASSPHRASE_FILE_VARIABLE} 提供新口令", f"give the passphrase with {PASSPHRASE_FILE_VARIABLE}")
    folder.write_keys(loaded, passphrase)
    click.echo("中心私钥已加密 / the hub's private keys are encrypted")


@keys.command("escrow")
@hub_folder_option
@click.option("--shares", type=click.IntRange(1, 16), default=5, show_default=True, help="How many custodians.")
@click.option("--threshold", type=click.IntRange(1, 16), default=3, show_default=True,
              help="How many shares bring the keys back.")
@click.option("--out", "out_dir", required=True, type=click.Path(file_okay=False),
              help="A new folder for the escrow file and one share file per custodian.")
@click.pass_context
def escrow(ctx: click.Context, data_dir_option: str | None, shares: int, threshold: int, out_dir: str) -> None:
    """Split the private keys among custodians (SLIP-39 word shares). / 私钥托管"""
    from sync.hub.config import HubFolder
    from sync.hub.keystore import escrow as make_escrow

    folder = HubFolder(hub_dir(ctx, data_dir_option))
    loaded = folder.keys()
    fingerprint = loaded.public().fingerprint()
    made = make_escrow(loaded.hpke, loaded.signing, fingerprint, threshold, shares)
    out = Path(out_dir)
    out.mkdir(parents=True, exist_ok=False, mode=0o700)
    (out / "hub-keys.escrow.json").write_bytes(made.document)
    for number, words in enumerate(made.shares, start=1):
        text = (f"就近 Jiujin 市级中心私钥托管份额 {number}/{shares}（任意 {threshold} 份可恢复）\n"
                f"Jiujin hub key escrow share {number} of {shares} (any {threshold} recover the keys)\n"
                f"hub key fingerprint: {fingerprint}\n\n{words}\n")
        share = out / f"share-{number}-of-{shares}.txt"
        share.write_text(text, "utf-8")
        share.chmod(0o600)
    click.echo(f"托管文件与 {shares} 份份额已写入 {out}：请将每份交给不同保管人，并删除此处的份额文件 / "
               f"escrow file and {shares} shares written to {out}: hand each share to a different custodian, "
               "then delete the share files here")


@keys.command("recover")
@click.option("--escrow", "escrow_file", required=True, type=click.Path(exists=True, dir_okay=False))
@click.option("--share", "share_files", multiple=True, required=True, type=click.Path(exists=True, dir_okay=False),
              help="A share file (or a file holding a share's words); give at least the threshold.")
@click.option("--data-dir", "data_dir_option", required=True, type=click.Path(file_okay=False),
              help="The new hub folder.")
@click.option("--db", "database", default=None, help="The new hub's database URL.")
def recover(escrow_file: str, share_files: tuple[str, ...], data_dir_option: str, database: str | None) -> None:
    """Bring the private keys back from escrow into a new hub folder. / 从托管恢复私钥"""
    from sync.hub.config import DEFAULT_DATABASE, HubFolder, HubKeys
    from sync.hub.keystore import recover as open_escrow
    from sync.keys import grouped
    from sync.private_keys import key_passphrase

    shares = [_share_words(Path(path)) for path in share_files]
    hpke, signing, fingerprint = open_escrow(Path(escrow_file).read_bytes(), shares)
    recovered = HubKeys(hpke, signing)
    folder = HubFolder(Path(data_dir_option))
    folder.create(database or DEFAULT_DATABASE, key_passphrase(), keys=recovered)
    click.echo(f"中心私钥已恢复至 {folder.path} / the hub's keys are back in {folder.path}")
    click.echo(f"hub key fingerprint / 中心公钥指纹: {grouped(recovered.public().fingerprint())}"
               + ("" if recovered.public().fingerprint() == fingerprint else " (!)"))


def _share_words(path: Path) -> str:
    """The words of a share file: its last non-empty line (a bare word list works too)."""
    lines = [line.strip() for line in path.read_text("utf-8").splitlines()[:20] if line.strip()]
    return lines[-1] if lines else ""
