"""The kernel's public surface is pinned: changing it is a deliberate act."""

import kernel


def test_public_surface() -> None:
    assert sorted(kernel.__all__) == [
        "JiujinError", "atomic_write_bytes", "canonical_json", "char_width", "fsync_folder",
        "id_check_char", "is_valid_id_number", "mask_id", "mask_ids_in_text", "release", "text_width",
    ]
    for name in kernel.__all__:
        assert getattr(kernel, name) is not None
