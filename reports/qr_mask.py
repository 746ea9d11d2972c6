"""A QR symbol's data mask, chosen as ISO/IEC 18004:2015 §7.8.3 asks, a whole line at a time.

segno chooses the mask by scoring each of the eight masked symbols module by module in
Python: 8 of the 11 ms that a receipt's symbol took. Here each row and each column of a
symbol is one integer (bit j = module j, 1 = dark), so each penalty rule is a few shifts
and a bit count per line:

- N1, a run of five or more modules of one colour: 3 + (length - 5) points;
- N2, each 2 × 2 block of one colour: 3 points;
- N3, the finder-like 1:1:3:1:1 pattern with four light modules before or after it:
  40 points;
- N4, the dark share's distance from half: 10 points per 5 %.

The rules' fine print (the edges of the symbol count as light for N3, the format and version
areas are scored before they are written, a pattern counted is not counted again where it
overlaps) is segno's (`segno.encoder.mask_scores`): the same symbol comes out, and the tests
hold the scores and the symbols to segno's own.

segno still encodes the symbol (segments, version, error correction, placement), once, with
mask 0. Its modules are unmasked here, scored under each mask, and the best mask's symbol
gets its format information (BCH(15,5), §7.9).
"""

from __future__ import annotations

from collections.abc import Callable
from functools import cache
from itertools import chain, pairwise

import segno

#: The mask patterns of §7.8.2: a module (row i, column j) is inverted where the condition holds.
MASKS: tuple[Callable[[int, int], bool], ...] = (
    lambda i, j: (i + j) % 2 == 0,
    lambda i, j: i % 2 == 0,
    lambda i, j: j % 3 == 0,
    lambda i, j: (i + j) % 3 == 0,
    lambda i, j: (i // 2 + j // 3) % 2 == 0,
    lambda i, j: (i * j) % 2 + (i * j) % 3 == 0,
    lambda i, j: ((i * j) % 2 + (i * j) % 3) % 2 == 0,
    lambda i, j: ((i + j) % 2 + (i * j) % 3) % 2 == 0,
)
#: The error correction level's two bits in the format information (§7.9.1, Table 12).
_LEVEL_BITS = {"L": 0b01, "M": 0b00, "Q": 0b11, "H": 0b10}
_FORMAT_GENERATOR = 0b10100110111
_FORMAT_XOR = 0b101010000010010
#: Bytes 0 and 1 as the digits "0" and "1", to read a row of modules as a binary number.
_DIGITS = bytes.maketrans(b"\x00\x01", b"01")


def masked_symbol(segments: str | list[str], level: str) -> list[list[bool]]:
    """The QR symbol of `segments` at error correction `level` exactly (True = dark), quiet
    zone not included, under the mask of the lowest penalty (the first of equal ones)."""
    symbol = _encoded(segments, level)
    scores = symbol.scores()
    best = scores.index(min(scores))
    size, geometry = symbol.size, symbol.geometry
    rows = symbol.masked_rows(best)
    formats = _format_cells(size, _format_bits(level, best))
    final = [rows[i] | geometry.version_rows[i] & symbol.given[i] | formats[i] for i in range(size)]
    return [[c == "1" for c in format(row, f"0{size}b")[::-1]] for row in final]


def penalties(segments: str | list[str], level: str) -> list[tuple[int, int, int, int]]:
    """(N1, N2, N3, N4) of the symbol under each mask, in mask order."""
    symbol = _encoded(segments, level)
    return [symbol.penalty(mask) for mask in range(len(MASKS))]


def _encoded(segments: str | list[str], level: str) -> _Symbol:
    """The symbol as segno encodes it with mask 0, ready to score under each mask."""
    # segno takes a list of strings as one segment each (heuer/segno#76); its annotations
    # name only str, int and bytes
    code = segno.make_qr(segments, error=level, boost_error=False, mask=0)  # type: ignore[arg-type]
    if code.is_micro:  # never asked for: micro symbols score the other way round (§7.8.3.2)
        raise ValueError("a Micro QR symbol")
    return _Symbol.of(code.matrix, int(code.version))


class _Geometry:
    """Where a version's modules are: the data region, the function patterns, the areas kept
    for format and version information, and each mask, as row and column integers."""

    def __init__(self, version: int) -> None:
        size = self.size = 17 + 4 * version
        function = [[False] * size for _ in range(size)]
        reserved = [[False] * size for _ in range(size)]

        def mark(grid: list[list[bool]], rows: range, cols: range) -> None:
            for i in rows:
                for j in cols:
                    grid[i][j] = True

        last = size - 8
        for rows, cols in ((range(8), range(8)), (range(8), range(last, size)), (range(last, size), range(8))):
            mark(function, rows, cols)  # finder patterns with their separators
        for top in _alignment_centres(version):
            for left in _alignment_centres(version):
                if not function[top][left]:  # none where a finder pattern is
                    mark(function, range(top - 2, top + 3), range(left - 2, left + 3))
        mark(function, range(6, 7), range(size))  # timing patterns
        mark(function, range(size), range(6, 7))
        for cells in _format_positions(size):
            for i, j in cells:
                reserved[i][j] = True
        reserved[size - 8][8] = True  # the dark module, written with the format information
        version_area = [[False] * size for _ in range(size)]
        if version >= 7:
            mark(version_area, range(6), range(size - 11, size - 8))
            mark(version_area, range(size - 11, size - 8), range(6))
        region = [[not (function[i][j] or reserved[i][j] or version_area[i][j]) for j in range(size)]
                  for i in range(size)]
        self.region_rows, self.region_cols = _lines(region)
        self.function_rows, self.function_cols = _lines(function)
        self.version_rows = _lines(version_area)[0]
        self.mask_rows, self.mask_cols = [], []
        for pattern in MASKS:
            by_row, by_col = _lines([[region[i][j] and pattern(i, j) for j in range(size)] for i in range(size)])
            self.mask_rows.append(by_row)
            self.mask_cols.append(by_col)


@cache
def _geometry(version: int) -> _Geometry:
    return _Geometry(version)


class _Symbol:
    """A symbol's modules as segno's mask evaluation sees them: data unmasked, function
    patterns drawn, format and version areas light."""

    def __init__(self, geometry: _Geometry, given: list[int], data_rows: list[int], data_cols: list[int],
                 fixed_rows: list[int], fixed_cols: list[int]) -> None:
        self.geometry, self.size, self.given = geometry, geometry.size, given
        self.data_rows, self.data_cols = data_rows, data_cols
        self.fixed_rows, self.fixed_cols = fixed_rows, fixed_cols

    @classmethod
    def of(cls, matrix: tuple[bytearray, ...], version: int) -> _Symbol:
        """From a symbol segno made with mask 0."""
        geometry = _geometry(version)
        rows = [int(bytes(row[::-1]).translate(_DIGITS), 2) for row in matrix]
        cols = [int(bytes(col[::-1]).translate(_DIGITS), 2) for col in zip(*matrix, strict=True)]
        g = geometry
        return cls(g, rows,
                   [(r ^ m) & d for r, m, d in zip(rows, g.mask_rows[0], g.region_rows, strict=True)],
                   [(c ^ m) & d for c, m, d in zip(cols, g.mask_cols[0], g.region_cols, strict=True)],
                   [r & f for r, f in zip(rows, g.function_rows, strict=True)],
                   [c & f for c, f in zip(cols, g.function_cols, strict=True)])

    def masked_rows(self, mask: int) -> list[int]:
        return [f | d ^ m for f, d, m in zip(self.fixed_rows, self.data_rows, self.geometry.mask_rows[mask],
                                             strict=True)]

    def masked_cols(self, mask: int) -> list[int]:
        return [f | d ^ m for f, d, m in zip(self.fixed_cols, self.data_cols, self.geometry.mask_cols[mask],
                                             strict=True)]

    def scores(self) -> list[int]:
        return [sum(self.penalty(mask)) for mask in range(len(MASKS))]

    def penalty(self, mask: int) -> tuple[int, int, int, int]:
        size = self.size
        rows = self.masked_rows(mask)
        full, pairs, starts = (1 << size) - 1, (1 << (size - 1)) - 1, (1 << (size - 6)) - 1
        n1 = n3 = 0
        for line in chain(rows, self.masked_cols(mask)):
            # N1: a run of L >= 5 modules scores L - 2: its windows of five (L - 4), plus 2
            same = ~(line ^ line >> 1) & pairs  # bit j: modules j and j + 1 alike
            fives = same & same >> 1 & same >> 2 & same >> 3  # bit j: modules j .. j + 4 alike
            n1 += fives.bit_count() + 2 * (fives & ~(fives << 1)).bit_count()
            # N3: dark, light, three dark, light, dark at j .. j + 6
            light = ~line & full
            found = line & light >> 1 & line >> 2 & line >> 3 & line >> 4 & light >> 5 & line >> 6 & starts
            if found:
                n3 += _finder_like(line, found)
        blocks = 0
        for upper, lower in pairwise(rows):
            alike = ~(upper ^ lower) & full
            blocks += (alike & alike >> 1 & ~(upper ^ upper >> 1) & pairs).bit_count()
        dark = sum(line.bit_count() for line in rows)
        n4 = 10 * int(abs(float(dark) / size ** 2 * 100 - 50) / 5)
        return n1, 3 * blocks, n3, n4


def _finder_like(line: int, found: int) -> int:
    """N3 of one line whose finder-like patterns start at the bits of `found`: 40 for each
    with no dark module among the four before it or the four after it (past the edge counts
    as light). A pattern counted is not counted again where a later one overlaps it, as
    segno scans."""
    score, next_free = 0, 0
    while found:
        lowest = found & -found
        found ^= lowest
        start = lowest.bit_length() - 1
        if start < next_free:
            continue
        before = max(start - 4, 0)
        if not line >> before & ((1 << (start - before)) - 1) or not line >> (start + 7) & 0b1111:
            score += 40
            next_free = start + 7
    return score


def _lines(grid: list[list[bool]]) -> tuple[list[int], list[int]]:
    """A grid of modules as row integers and column integers."""
    def number(cells: tuple[bool, ...] | list[bool]) -> int:
        return sum(1 << j for j, cell in enumerate(cells) if cell)
    return [number(row) for row in grid], [number(col) for col in zip(*grid, strict=True)]


def _alignment_centres(version: int) -> list[int]:
    """The rows (and columns) of the alignment patterns' centres (§6.3.6, Annex E)."""
    if version == 1:
        return []
    count = version // 7 + 2
    step = 26 if version == 32 else (version * 4 + count * 2 + 1) // (count * 2 - 2) * 2
    size = 17 + 4 * version
    return [6, *sorted(size - 7 - k * step for k in range(count - 1))]


def _format_positions(size: int) -> tuple[list[tuple[int, int]], list[tuple[int, int]]]:
    """The two copies of the 15 format bits, bit 0 first, as (row, column) (§7.9.1, Figure 25)."""
    near = [(i, 8) for i in range(6)] + [(7, 8), (8, 8), (8, 7)] + [(8, j) for j in range(5, -1, -1)]
    far = [(8, size - 1 - k) for k in range(8)] + [(size - 15 + k, 8) for k in range(8, 15)]
    return near, far


def _format_bits(level: str, mask: int) -> int:
    """The 15 format bits: level and mask, their BCH(15,5) code, then the fixed mask (§7.9.1)."""
    data = _LEVEL_BITS[level] << 3 | mask
    remainder = data << 10
    for bit in range(14, 9, -1):
        if remainder >> bit & 1:
            remainder ^= _FORMAT_GENERATOR << (bit - 10)
    return (data << 10 | remainder) ^ _FORMAT_XOR


def _format_cells(size: int, bits: int) -> list[int]:
    """Row integers of the format information and the dark module."""
    rows = [0] * size
    for cells in _format_positions(size):
        for k, (i, j) in enumerate(cells):
            if bits >> k & 1:
                rows[i] |= 1 << j
    rows[size - 8] |= 1 << 8
    return rows
