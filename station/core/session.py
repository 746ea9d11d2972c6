"""An authenticated operator's session: who, which role, and the opened database key."""

from __future__ import annotations

from dataclasses import dataclass, field

from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

from station.core.errors import AuthError
from station.core.roles import Role


@dataclass
class Session:
    """Returned by login; every core service takes it and checks its role."""

    operator_id: int
    operator_name: str
    display_name: str
    role: Role
    db_key: bytes = field(repr=False)
    active: bool = True
    #: An admin's Ed25519 key, which signs the operator rows they change (None for others).
    signing_key: Ed25519PrivateKey | None = field(default=None, repr=False)

    def ensure_active(self) -> None:
        if not self.active:
            raise AuthError("会话已结束，请重新登录", "The session has ended; log in again")

    def end(self) -> None:
        """End the session and drop its copy of the key."""
        self.active = False
        self.db_key = b""
        self.signing_key = None
