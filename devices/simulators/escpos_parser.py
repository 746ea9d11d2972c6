"""An incremental ESC/POS parser: bytes in, operations out, commands split across reads.

Operations are tuples ``(name, *arguments)``: ``("text", str, columns)`` (the columns the
head prints, counted from the bytes: one per single-byte character, two per multi-byte one),
``("lf",)``,
``("esc", "a", n)``, ``("qr", fn, data)``, ``("barcode", m, data)``, ``("image", w, h, bits)``,
``("status", n)``, ``("unknown", bytes)`` and so on; the printer simulator applies them.
In Chinese mode (FS &) a byte from 0x81 starts a GB18030 character of 2 or 4 bytes.
"""

from __future__ import annotations

from collections.abc import Callable

Op = tuple[object, ...]
_ESC_LENGTHS = {
    b"@": 2, b"!": 3, b"E": 3, b"-": 3, b"a": 3, b"d": 3, b"M": 3, b"2": 2, b"3": 3,
    b"t": 3, b"p": 5, b"G": 3, b"J": 3, b"B": 4, b"{": 3, b"R": 3, b" ": 3, b"V": 3,
}  # fmt: skip
_FS_LENGTHS = {b"&": 2, b".": 2, b"!": 3, b"W": 3, b"-": 3, b"S": 4, b"C": 3}
_GS_LENGTHS = {
    b"!": 3, b"B": 3, b"h": 3, b"w": 3, b"H": 3, b"f": 3, b"r": 3, b"a": 3, b"I": 3,
    b"L": 4, b"W": 4,
}  # fmt: skip
_DLE_LENGTHS = {b"\x04": 3, b"\x05": 3, b"\x14": 5}


class EscPosParser:
    """Parses a byte stream; keeps incomplete commands until the rest arrives."""

    def __init__(self) -> None:
        self._buffer = bytearray()
        self.chinese = True  # Chinese mode is on at power-up on Chinese models (§2.3)

    def feed(self, data: bytes) -> list[Op]:
        """Operations for every complete command or text run in the bytes so far."""
        self._buffer += data
        ops: list[Op] = []
        position = 0
        while position < len(self._buffer):
            step = self._step(position)
            if step is None:
                break
            op, position = step
            if op is not None:
                ops.append(op)
        del self._buffer[:position]
        return _merge_text(ops)

    def _step(self, at: int) -> tuple[Op | None, int] | None:
        byte = self._buffer[at]
        if byte == 0x0A:
            return ("lf",), at + 1
        handler = _PREFIXES.get(byte)
        if handler is not None:
            return handler(self, at)
        if byte < 0x20 or byte == 0x7F:
            return None, at + 1
        return self._text(at)

    # --- commands -------------------------------------------------------------------------

    def _fixed(self, at: int, table: dict[bytes, int], tag: str) -> tuple[Op | None, int] | None:
        if at + 1 >= len(self._buffer):
            return None
        key = bytes(self._buffer[at + 1 : at + 2])
        size = table.get(key)
        if size is None:
            return ("unknown", bytes(self._buffer[at : at + 2])), at + 2
        if at + size > len(self._buffer):
            return None
        args = tuple(self._buffer[at + 2 : at + size])
        if tag == "fs" and key in (b"&", b"."):
            self.chinese = key == b"&"
        return (tag, key.decode("latin-1"), *args), at + size

    def _esc(self, at: int) -> tuple[Op | None, int] | None:
        return self._fixed(at, _ESC_LENGTHS, "esc")

    def _fs(self, at: int) -> tuple[Op | None, int] | None:
        return self._fixed(at, _FS_LENGTHS, "fs")

    def _dle(self, at: int) -> tuple[Op | None, int] | None:
        step = self._fixed(at, _DLE_LENGTHS, "dle")
        if step is None:
            return None
        op, end = step
        if op is not None and op[0] == "dle" and op[1] == "\x04":
            return ("status", op[2]), end
        return op, end

    def _gs(self, at: int) -> tuple[Op | None, int] | None:
        if at + 1 >= len(self._buffer):
            return None
        key = self._buffer[at + 1]
        special = {ord("("): self._gs_paren, ord("k"): self._barcode, ord("v"): self._image}
        if key in special:
            return special[key](at)
        if key == ord("V"):
            return self._cut(at)
        return self._fixed(at, _GS_LENGTHS, "gs")

    def _cut(self, at: int) -> tuple[Op | None, int] | None:
        if at + 2 >= len(self._buffer):
            return None
        mode = self._buffer[at + 2]
        if mode in (0x41, 0x42, 0x61, 0x62, 0x67, 0x68):
            if at + 3 >= len(self._buffer):
                return None
            return ("cut", mode, self._buffer[at + 3]), at + 4
        return ("cut", mode, 0), at + 3

    def _gs_paren(self, at: int) -> tuple[Op | None, int] | None:
        if at + 4 >= len(self._buffer):
            return None
        size = self._buffer[at + 3] | self._buffer[at + 4] << 8
        end = at + 5 + size
        if end > len(self._buffer):
            return None
        letter = chr(self._buffer[at + 2])
        body = bytes(self._buffer[at + 5 : end])
        if letter == "k" and len(body) >= 2 and body[0] == 0x31:
            return ("qr", body[1], body[2:]), end
        return ("unknown", bytes(self._buffer[at:end])), end

    def _barcode(self, at: int) -> tuple[Op | None, int] | None:
        if at + 2 >= len(self._buffer):
            return None
        symbology = self._buffer[at + 2]
        if symbology <= 6:
            nul = self._buffer.find(b"\x00", at + 3)
            if nul < 0:
                return None
            return ("barcode", symbology, bytes(self._buffer[at + 3 : nul])), nul + 1
        if at + 3 >= len(self._buffer):
            return None
        end = at + 4 + self._buffer[at + 3]
        if end > len(self._buffer):
            return None
        return ("barcode", symbology, bytes(self._buffer[at + 4 : end])), end

    def _image(self, at: int) -> tuple[Op | None, int] | None:
        if at + 7 >= len(self._buffer):
            return None
        head = self._buffer[at : at + 8]
        width_bytes, height = head[4] | head[5] << 8, head[6] | head[7] << 8
        end = at + 8 + width_bytes * height
        if end > len(self._buffer):
            return None
        return ("image", width_bytes * 8, height, bytes(self._buffer[at + 8 : end])), end

    # --- text -------------------------------------------------------------------------------

    def _text(self, at: int) -> tuple[Op | None, int] | None:
        byte = self._buffer[at]
        if byte < 0x80:
            return ("text", chr(byte), 1), at + 1
        if not self.chinese:
            return ("text", bytes([byte]).decode("cp437"), 1), at + 1
        if byte == 0x80 or byte == 0xFF:
            return ("text", "\ufffd", 1), at + 1
        if at + 1 >= len(self._buffer):
            return None
        size = 4 if 0x30 <= self._buffer[at + 1] <= 0x39 else 2
        if at + size > len(self._buffer):
            return None
        raw = bytes(self._buffer[at : at + size])
        # The head draws a multi-byte character as one full-width glyph: two columns.
        return ("text", raw.decode("gb18030", errors="replace"), 2), at + size


_PREFIXES: dict[int, Callable[[EscPosParser, int], tuple[Op | None, int] | None]] = {
    0x1B: EscPosParser._esc,
    0x1C: EscPosParser._fs,
    0x1D: EscPosParser._gs,
    0x10: EscPosParser._dle,
}


def _merge_text(ops: list[Op]) -> list[Op]:
    """Join consecutive text operations into one."""
    merged: list[Op] = []
    for op in ops:
        if op[0] == "text" and merged and merged[-1][0] == "text":
            merged[-1] = ("text", str(merged[-1][1]) + str(op[1]), int(merged[-1][2]) + int(op[2]))  # type: ignore[call-overload]
        else:
            merged.append(op)
    return merged
