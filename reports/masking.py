"""`reports.mask_id`, part of the pinned public surface: the kernel's one masking policy."""

from __future__ import annotations

from kernel import masking


def mask_id(number: str) -> str:
    """330106********123X, as every receipt and document prints it (`kernel.masking`)."""
    return masking.mask_id(number)
