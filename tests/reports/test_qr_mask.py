"""The receipt's QR mask is chosen by the standard's penalty rules, exactly as segno scores them."""

from __future__ import annotations

import random
from typing import Any

import pytest
import segno
import segno.encoder

from reports.qr import _segments, qr_matrix
from reports.qr_mask import masked_symbol, penalties

#: Upper case and digits ride in the alphanumeric mode, the rest in byte mode: links of every
#: length a receipt prints, and longer, give versions 1 to about 18.
_CHARACTERS = "ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789:-abcdefxyz/."


def _texts(count: int) -> list[tuple[str, str]]:
    rng = random.Random(3)
    return [("".join(rng.choice(_CHARACTERS) for _ in range(rng.randrange(1, 300))), rng.choice("LMQH"))
            for _ in range(count)]


def _segno_penalties(segments: Any, level: str, monkeypatch: pytest.MonkeyPatch) -> list[tuple[int, ...]]:
    """segno's own (N1, N2, N3, N4) for each mask, on the matrix it scores."""
    seen: dict[str, Any] = {}
    choose = segno.encoder.find_and_apply_best_mask

    def spy(matrix: Any, width: int, height: int, proposed: int | None = None) -> Any:
        seen["matrix"] = [bytearray(row) for row in matrix]
        return choose(matrix, width, height, proposed)

    monkeypatch.setattr(segno.encoder, "find_and_apply_best_mask", spy)
    segno.make_qr(segments, error=level, boost_error=False)
    monkeypatch.undo()
    unmasked, size = seen["matrix"], len(seen["matrix"])
    function = segno.encoder.make_matrix(size, size)
    segno.encoder.add_finder_patterns(function, size, size)
    segno.encoder.add_alignment_patterns(function, size, size)
    function[-8][8] = 0x1
    scores = []
    for pattern in segno.encoder.get_data_mask_functions(False):
        masked = [bytearray(row) for row in unmasked]
        segno.encoder.apply_mask(masked, pattern, size, size, lambda i, j: function[i][j] > 0x1)
        scores.append(tuple(segno.encoder.mask_scores(masked, size, size)))
    return scores


def test_each_masks_penalties_are_segnos(monkeypatch: pytest.MonkeyPatch) -> None:
    sizes = set()
    for text, level in _texts(60):
        segments = _segments(text)
        ours = penalties(segments, level)
        assert ours == _segno_penalties(segments, level, monkeypatch), (len(text), level)
        sizes.add(len(masked_symbol(segments, level)))
    assert len(sizes) >= 10  # many versions, so alignment and version areas of each kind


def test_the_symbol_is_segnos_own_with_the_mask_segno_chooses() -> None:
    masks = set()
    for text, level in _texts(150):
        segments = _segments(text)
        reference = segno.make_qr(segments, error=level, boost_error=False)  # type: ignore[arg-type]
        masks.add(reference.mask)
        assert masked_symbol(segments, level) == [[bool(m) for m in row] for row in reference.matrix], (
            len(text), level)
    assert masks == set(range(8))  # every mask chosen somewhere, so each one's format bits are checked


def test_a_receipt_link_keeps_its_two_segments() -> None:
    link = "https://jiujin.hangzhou.example/c/JJR1:TS0001-20261126-0001:" + "0195F3A2B7C84D1E9F00112233445566:" + "A" * 103
    reference = segno.make_qr(_segments(link), error="M", boost_error=False)  # type: ignore[arg-type]
    assert reference.version == 8
    assert qr_matrix(link) == [[bool(m) for m in row] for row in reference.matrix]
