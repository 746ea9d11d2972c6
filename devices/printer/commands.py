"""ESC/POS byte builders for what receipts need (reference §2.2–§2.6), one function each."""

from __future__ import annotations

ESC, GS, FS, DLE, LF = b"\x1b", b"\x1d", b"\x1c", b"\x10", b"\n"
ALIGN_CODES = {"left": 0, "center": 1, "right": 2}
QR_LEVELS = {"L": 0x30, "M": 0x31, "Q": 0x32, "H": 0x33}
HRI_CODES = {"none": 0, "above": 1, "below": 2, "both": 3}
QR_MAX_DATA = 7089
CODE128 = 73


def initialise() -> bytes:
    """ESC @ — clear the buffer and reset modes."""
    return ESC + b"@"


def chinese_mode(on: bool) -> bytes:
    """FS & enters Chinese (GB) character mode, FS . leaves it."""
    return FS + (b"&" if on else b".")


def align(how: str) -> bytes:
    """ESC a n — left, center or right (takes effect at the start of a line)."""
    return ESC + b"a" + bytes([ALIGN_CODES[how]])


def bold(on: bool) -> bytes:
    """ESC E n — emphasised on or off."""
    return ESC + b"E" + bytes([int(on)])


def underline(dots: int) -> bytes:
    """ESC - n — underline off (0), 1-dot or 2-dot."""
    return ESC + b"-" + bytes([dots])


def character_size(width: int, height: int) -> bytes:
    """GS ! n — magnify width and height 1–8 times each."""
    if not (1 <= width <= 8 and 1 <= height <= 8):
        raise ValueError("character size is 1-8")
    return GS + b"!" + bytes([(width - 1) << 4 | (height - 1)])


def feed_lines(lines: int) -> bytes:
    """ESC d n — print and feed n lines."""
    return ESC + b"d" + bytes([max(0, min(lines, 255))])


def cut(partial: bool = False, feed: int | None = None) -> bytes:
    """GS V — cut now (feed None), or feed to the cutter plus ``feed`` units and cut."""
    if feed is None:
        return GS + b"V" + bytes([1 if partial else 0])
    return GS + b"V" + bytes([0x42 if partial else 0x41, max(0, min(feed, 255))])


def drawer_kick(pin: int = 2, on_ms: int = 100, off_ms: int = 100) -> bytes:
    """ESC p m t1 t2 — pulse the drawer connector; times are in 2 ms units."""
    pin_code = {2: 0, 5: 1}[pin]
    return ESC + b"p" + bytes([pin_code, min(on_ms // 2, 255), min(off_ms // 2, 255)])


def qr_code(data: bytes, module_size: int = 6, level: str = "M", model: int = 2) -> bytes:
    """GS ( k functions 165, 167, 169, 180 and 181: set up, store and print a QR symbol."""
    if not 1 <= len(data) <= QR_MAX_DATA:
        raise ValueError(f"QR data must be 1-{QR_MAX_DATA} bytes, got {len(data)}")
    if not 1 <= module_size <= 16:
        raise ValueError("QR module size is 1-16")
    return b"".join(
        [
            _qr(0x41, bytes([0x30 + model, 0])),
            _qr(0x43, bytes([module_size])),
            _qr(0x45, bytes([QR_LEVELS[level]])),
            _qr(0x50, b"\x30" + data),
            _qr(0x51, b"\x30"),
        ]
    )


def _qr(function: int, parameters: bytes) -> bytes:
    size = 2 + len(parameters)
    return GS + b"(k" + size.to_bytes(2, "little") + bytes([0x31, function]) + parameters


def barcode_code128(
    data: bytes, height: int = 80, module_width: int = 2, hri: str = "below"
) -> bytes:
    """GS h / GS w / GS H, then GS k 73 n d… (function B, CODE128)."""
    if not 1 <= len(data) <= 255:
        raise ValueError("CODE128 data must be 1-255 bytes")
    return b"".join(
        [
            GS + b"h" + bytes([max(1, min(height, 255))]),
            GS + b"w" + bytes([max(2, min(module_width, 6))]),
            GS + b"H" + bytes([HRI_CODES[hri]]),
            GS + b"k" + bytes([CODE128, len(data)]) + data,
        ]
    )


def raster_image(width_bytes: int, height: int, bits: bytes) -> bytes:
    """GS v 0 — print a 1-bit raster image, ``width_bytes`` × 8 dots wide."""
    head = GS + b"v0\x00" + width_bytes.to_bytes(2, "little") + height.to_bytes(2, "little")
    return head + bits


def status_request(n: int) -> bytes:
    """DLE EOT n — real-time status: 1 printer, 2 offline cause, 3 error cause, 4 paper."""
    if n not in (1, 2, 3, 4):
        raise ValueError("DLE EOT n is 1-4")
    return DLE + b"\x04" + bytes([n])


def paper_sensor_request() -> bytes:
    """GS r 1 — paper sensor status, answered in queue order (after the data before it)."""
    return GS + b"r\x01"


def automatic_status_back(mask: int) -> bytes:
    """GS a n — enable automatic status back for the bits in mask (0 disables)."""
    return GS + b"a" + bytes([mask])
