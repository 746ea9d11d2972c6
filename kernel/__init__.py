"""The shared kernel: small things every Jiujin package needs, defined once.

It imports nothing else of Jiujin's, so that `forms`, `devices`, `sync`, `reports` and
`station` can all build on it without depending on one another. Its names load on first
use: `jiujin --help` needs the error base, not the atomic writes and their temporary files.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from kernel.lazy import lazy_names

if TYPE_CHECKING:  # the names as mypy and readers see them; imported lazily at run time
    from kernel.atomic import atomic_write_bytes, fsync_folder
    from kernel.canonical import canonical_json
    from kernel.errors import JiujinError
    from kernel.idnumber import id_check_char, is_valid_id_number
    from kernel.masking import mask_id, mask_ids_in_text
    from kernel.release import release
    from kernel.width import char_width, text_width

#: public name -> the module that defines it.
_WHERE: dict[str, str] = {
    "JiujinError": "kernel.errors",
    "atomic_write_bytes": "kernel.atomic",
    "canonical_json": "kernel.canonical",
    "char_width": "kernel.width",
    "fsync_folder": "kernel.atomic",
    "id_check_char": "kernel.idnumber",
    "is_valid_id_number": "kernel.idnumber",
    "mask_id": "kernel.masking",
    "mask_ids_in_text": "kernel.masking",
    "release": "kernel.release",
    "text_width": "kernel.width",
}

__all__ = [
    "JiujinError",
    "atomic_write_bytes",
    "canonical_json",
    "char_width",
    "fsync_folder",
    "id_check_char",
    "is_valid_id_number",
    "mask_id",
    "mask_ids_in_text",
    "release",
    "text_width",
]


__getattr__ = lazy_names("kernel", globals(), _WHERE)


def __dir__() -> list[str]:
    return sorted(__all__)
