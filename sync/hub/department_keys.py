"""Departments and their credentials: signed tokens the hub issues, checks and revokes.

A department system authenticates with `Authorization: Bearer jjd1.<claims>.<signature>`:
base64url of the canonical claims `{"kid", "department", "items", "iat", "exp"}` and of the
hub's Ed25519 signature over `"jiujin/department-token/v1" 00 || claims`. Signed tokens
rather than mutual TLS: the hub sits behind a reverse proxy that terminates TLS (and many
department systems leave through their own egress proxies, which re-originate TLS), so a
client certificate would not reach the hub intact; a token passes any proxy, its scope and
expiry are readable and tamper-evident, and revocation is immediate because every call
also finds its key id active in `hub_department_key`.
"""

from __future__ import annotations

import base64
import binascii
import json
import re
import secrets
from dataclasses import dataclass
from datetime import datetime, timedelta

from cryptography.exceptions import InvalidSignature

from forms.vocab import DEPARTMENTS
from kernel.canonical import canonical_json
from sync.errors import CaseRefused, HubError
from sync.hub.db import write_transaction
from sync.hub.models import HubDepartment, HubDepartmentKey
from sync.hub.store import HubStore

PREFIX = "jjd1"
CONTEXT = b"jiujin/department-token/v1\x00"
MAX_TOKEN = 8192
MAX_ITEMS = 500
TOKEN_DAYS = 365
_ITEM = re.compile(r"^[A-Za-z0-9][A-Za-z0-9_.-]{0,63}$")


@dataclass(frozen=True)
class Scope:
    """Who is calling: a department, its key id, and the item codes it may see (empty: all)."""

    department: str
    kid: str
    items: frozenset[str]

    def covers(self, department: str, item_code: str) -> bool:
        return department == self.department and (not self.items or item_code in self.items)

    @property
    def actor(self) -> str:
        """The name the hub's audit records this caller under."""
        return f"department:{self.department}/{self.kid}"


def _b64(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode()


def _unb64(text: str) -> bytes:
    return base64.urlsafe_b64decode(text + "=" * (-len(text) % 4))


def department_name(code: str) -> str:
    known = DEPARTMENTS.get(code)
    return known[1].zh if known else code


def add_department(store: HubStore, code: str, name: str = "") -> None:
    """Register a deciding department by its catalog slug (police, civil-affairs…)."""
    if code not in DEPARTMENTS:
        raise HubError(f"未知部门 {code}：应为事项目录中的部门（{'、'.join(DEPARTMENTS)}）",
                       f"unknown department {code}: one of the catalog's ({', '.join(DEPARTMENTS)})")
    with write_transaction():
        row = HubDepartment.get_or_none(HubDepartment.code == code)
        if row is None:
            HubDepartment.create(code=code, name=name or department_name(code), created_at=store.now())
        else:
            HubDepartment.update(status="active", revoked_at=None, name=name or row.name).where(
                HubDepartment.code == code).execute()


def issue_token(store: HubStore, department: str, items: list[str] | None = None, days: int = TOKEN_DAYS,
                label: str = "") -> tuple[str, str]:
    """A new credential for `department`, scoped to `items` (None or []: every item of it);
    (key id, token). The token is shown once; the hub keeps only its key id and scope."""
    scope = sorted(set(items or []))
    if len(scope) > MAX_ITEMS or not all(_ITEM.match(code) for code in scope):
        raise HubError("事项编码格式有误或过多", "item codes are malformed or too many")
    if not 1 <= days <= 3660:
        raise HubError("有效期应为 1–3660 天", "the validity is 1–3660 days")
    row = HubDepartment.get_or_none(HubDepartment.code == department)
    if row is None or row.status != "active":
        raise HubError(f"部门 {department} 未登记或已停用", f"department {department} is not registered or is revoked")
    now = store.clock()
    kid = secrets.token_hex(8)
    claims = {"kid": kid, "department": department, "items": scope,
              "iat": int(now.timestamp()), "exp": int((now + timedelta(days=days)).timestamp())}
    with write_transaction():
        HubDepartmentKey.create(kid=kid, department=department, label=label[:100], items=json.dumps(scope),
                                created_at=now.isoformat(timespec="seconds"),
                                expires_at=(now + timedelta(days=days)).isoformat(timespec="seconds"))
    body = canonical_json(claims)
    signature = store.keys.signing.sign(CONTEXT + body)
    return kid, f"{PREFIX}.{_b64(body)}.{_b64(signature)}"


def revoke_key(store: HubStore, kid: str) -> None:
    with write_transaction():
        if not HubDepartmentKey.update(revoked_at=store.now()).where(HubDepartmentKey.kid == kid).execute():
            raise HubError(f"没有凭据 {kid}", f"no credential {kid}")


def revoke_department(store: HubStore, code: str) -> None:
    """停用: the department's every credential stops working at once."""
    with write_transaction():
        if not HubDepartment.update(status="revoked", revoked_at=store.now()).where(
                HubDepartment.code == code).execute():
            raise HubError(f"没有部门 {code}", f"no department {code}")


def departments() -> list[dict[str, object]]:
    keys: dict[str, list[dict[str, object]]] = {}
    for key in HubDepartmentKey.select().order_by(HubDepartmentKey.created_at):
        keys.setdefault(key.department, []).append(
            {"kid": key.kid, "label": key.label, "items": json.loads(key.items), "created_at": key.created_at,
             "expires_at": key.expires_at, "revoked_at": key.revoked_at})
    return [{"code": d.code, "name": d.name, "status": d.status, "created_at": d.created_at,
             "revoked_at": d.revoked_at, "keys": keys.get(d.code, [])}
            for d in HubDepartment.select().order_by(HubDepartment.code)]


def _unauthorised() -> CaseRefused:
    return CaseRefused(401, "unauthorised", "需要有效的部门凭据", "a valid department credential is required")


def authenticate(store: HubStore, header: str) -> Scope:
    """The scope of the department token in an Authorization header; CaseRefused 401 otherwise."""
    scheme, _, token = header.partition(" ")
    parts = token.strip().split(".")
    if scheme.lower() != "bearer" or len(token) > MAX_TOKEN or len(parts) != 3 or parts[0] != PREFIX:
        raise _unauthorised()
    try:
        body, signature = _unb64(parts[1]), _unb64(parts[2])
        store.keys.signing.public_key().verify(signature, CONTEXT + body)
        claims = json.loads(body)
        kid, department, exp = str(claims["kid"]), str(claims["department"]), int(claims["exp"])
    except (binascii.Error, ValueError, InvalidSignature, KeyError, TypeError):
        raise _unauthorised() from None
    if exp <= store.clock().timestamp():
        raise _unauthorised()
    key = HubDepartmentKey.get_or_none(HubDepartmentKey.kid == kid)
    owner = HubDepartment.get_or_none(HubDepartment.code == department)
    if (key is None or key.revoked_at is not None or key.department != department or owner is None
            or owner.status != "active" or datetime.fromisoformat(key.expires_at) <= store.clock()):
        raise _unauthorised()
    return Scope(department, kid, frozenset(json.loads(key.items)))
