"""The plug-in point for decoding the card photo (1024 bytes of WLT, §1.8).

WLT is proprietary: turning it into the 102 × 126 px, 24-bit BMP printed on the card
needs the vendor's licensed library (``WltRS.dll``, ``libwlt2bmp.so`` and the like),
often with a licence file or the SAM ID at initialisation. Jiujin ships no decoder and
never pretends to. A deployment that has the licensed library wraps it in a class with
a ``decode`` method and registers it once at start-up::

    from devices.idcard.photo import register_photo_decoder

    class VendorWlt:
        name = "vendor-wlt"
        def decode(self, wlt: bytes) -> bytes:   # returns BMP bytes
            return _call_vendor_library(wlt)

    register_photo_decoder(VendorWlt())

Callers then use :func:`decode_photo`, which returns None when no decoder is installed,
so the UI shows a placeholder rather than a made-up face.
"""

from __future__ import annotations

from typing import Protocol, runtime_checkable

WLT_SIZE = 1024
PHOTO_WIDTH = 102
PHOTO_HEIGHT = 126


@runtime_checkable
class PhotoDecoder(Protocol):
    """Turns the card's 1024-byte WLT photo into BMP bytes (102 × 126, 24-bit)."""

    name: str

    def decode(self, wlt: bytes) -> bytes:
        """BMP bytes for the WLT blob; raises on a blob the library rejects."""
        ...


_decoders: dict[str, PhotoDecoder] = {}


def register_photo_decoder(decoder: PhotoDecoder) -> None:
    """Install a decoder under its ``name``; the last one registered is used."""
    _decoders.pop(decoder.name, None)
    _decoders[decoder.name] = decoder


def unregister_photo_decoder(name: str) -> None:
    """Remove a decoder (tests, or a library that failed its licence check)."""
    _decoders.pop(name, None)


def photo_decoder_names() -> list[str]:
    """Names of the installed decoders, oldest first."""
    return list(_decoders)


def decode_photo(wlt: bytes) -> bytes | None:
    """BMP bytes from the most recently registered decoder, or None if there is none."""
    if not _decoders:
        return None
    decoder = list(_decoders.values())[-1]
    return decoder.decode(wlt)
