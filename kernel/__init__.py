"""The shared kernel: small things every Jiujin package needs, defined once.

It imports nothing else of Jiujin's, so that `forms`, `devices`, `sync`, `reports` and
`station` can all build on it without depending on one another.
"""

from kernel.atomic import atomic_write_bytes, fsync_folder
from kernel.canonical import canonical_json
from kernel.errors import JiujinError
from kernel.idnumber import id_check_char, is_valid_id_number
from kernel.masking import mask_id, mask_ids_in_text
from kernel.release import release
from kernel.width import char_width, text_width

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
