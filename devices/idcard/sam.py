"""SAM ID (读SAM管理信息): 16 bytes, little-endian u16 u16 u32 u32 u32 (§1.4)."""

from __future__ import annotations

import struct
from dataclasses import dataclass

SAM_ID_SIZE = 16


@dataclass(frozen=True)
class SamId:
    """The security module's identity; ``raw`` is the stable identifier."""

    raw: bytes

    @property
    def display(self) -> str:
        """``05.01-20110101-0012345678-0987654321``: two 2-digit fields, then decimals.

        Implementations disagree on the display (reference §1.4); this one follows the
        reference's illustrative form. Compare SAM modules by ``raw``, not by this text.
        """
        major, minor, issued, serial_a, serial_b = struct.unpack("<HHIII", self.raw)
        return f"{major:02d}.{minor:02d}-{issued}-{serial_a:010d}-{serial_b:010d}"

    @classmethod
    def from_fields(cls, major: int, minor: int, issued: int, a: int, b: int) -> SamId:
        """Pack the five fields (for simulators)."""
        return cls(struct.pack("<HHIII", major, minor, issued, a, b))
