"""Tables in a report's text: rows of cells joined by " | ", as the loaders write DOCX and HTML tables (and as
text copied from a PDF often has them). A number in a table says nothing by itself ("2023 | 35 | 354 | 389 |
370"): its row's label and its column's header say what it counts and when ("2023", "Được công nhận"). Each
figure read in a data cell gets them as its `cell`, and its missing noun, unit or verb from them."""

from __future__ import annotations

import re
from dataclasses import dataclass, replace

from ingest.lexicon import UNITS, number_words
from ingest.normalize import fold
from ingest.types import Fact

SEPARATOR = " | "
MIN_CELLS = 3  # fewer cells than this on a line is prose with a "|" in it, not a table row
_LETTER_RE = re.compile(r"[^\W\d_]")
_YEAR_RE = re.compile(r"^(?:19|20)\d{2}$")
_PAREN_RE = re.compile(r"\(([^()]{1,30})\)")
_INDEX_HEADERS = frozenset(fold(w) for w in number_words("table_index"))
_TOTAL_ROWS = frozenset(fold(w) for w in number_words("table_total"))
_UNITS = {fold(u): u for u in UNITS}


@dataclass(frozen=True)
class Cell:
    start: int
    end: int
    row: str  # the row's label ("Kiểm tra tài chính đảng (chi bộ)", "2023"), "" when it has none
    header: str  # the column's header, "" when the table has none


def _cells(line: str, offset: int) -> list[tuple[int, int, str]]:
    out, at = [], 0
    for part in line.split(SEPARATOR):
        out.append((offset + at, offset + at + len(part), part.strip()))
        at += len(part) + len(SEPARATOR)
    return out


def _is_header(cells: list[tuple[int, int, str]]) -> bool:
    """A table's first row is its header when most of its cells are words."""
    worded = sum(bool(_LETTER_RE.search(c)) for *_, c in cells)
    return worded * 2 > len(cells)


def _label(cells: list[tuple[int, int, str]], headers: list[str]) -> str:
    """The row's label: its first cell of words (after a row-number column), else its first year."""
    for i, (*_, cell) in enumerate(cells):
        if i < len(headers) and fold(headers[i]) in _INDEX_HEADERS:
            continue
        if _LETTER_RE.search(cell):
            return cell
    return next((c for *_, c in cells if _YEAR_RE.match(c)), "")


def table_cells(text: str) -> tuple[list[Cell], list[tuple[int, int]]]:
    """The data cells of every table of the text, and the spans of what is not a figure there (header rows,
    row-number cells)."""
    lines, at = [], 0
    for line in text.split("\n"):
        lines.append((at, line))
        at += len(line) + 1
    cells: list[Cell] = []
    skipped: list[tuple[int, int]] = []
    run: list[list[tuple[int, int, str]]] = []
    for start, line in [*lines, (len(text), "")]:
        row = _cells(line, start) if line.count(SEPARATOR) >= MIN_CELLS - 1 else []
        if row:
            run.append(row)
            continue
        if len(run) >= 2:
            cells_, skipped_ = _read_table(run)
            cells += cells_
            skipped += skipped_
        run = []
    return cells, skipped


def _read_table(rows: list[list[tuple[int, int, str]]]) -> tuple[list[Cell], list[tuple[int, int]]]:
    headers: list[str] = []
    skipped: list[tuple[int, int]] = []
    if _is_header(rows[0]):
        headers = [c for *_, c in rows[0]]
        skipped.append((rows[0][0][0], rows[0][-1][1]))
        rows = rows[1:]
    out: list[Cell] = []
    for row in rows:
        label = _label(row, headers)
        for i, (start, end, cell) in enumerate(row):
            header = headers[i] if i < len(headers) else ""
            if fold(header) in _INDEX_HEADERS:
                skipped.append((start, end))
            elif cell != label:
                out.append(Cell(start, end, label, header))
    return out, skipped


def _unit_named(*labels: str) -> str:
    """A unit a row's label or a column's header gives in parentheses ("Kiểm tra tài chính đảng (chi bộ)")."""
    for label in labels:
        for inside in _PAREN_RE.findall(label):
            if fold(inside.strip()) in _UNITS:
                return _UNITS[fold(inside.strip())]
    return ""


def label_cells(text: str, facts: list[Fact]) -> list[Fact]:
    """The facts with those read in a table's data cells labelled by their row and column, and those read in
    a header row or a row-number cell left out."""
    cells, skipped = table_cells(text)
    if not cells and not skipped:
        return facts
    out: list[Fact] = []
    for fact in facts:
        if any(a <= fact.start < b for a, b in skipped):
            continue
        cell = next((c for c in cells if c.start <= fact.start < c.end), None)
        if cell is None:
            out.append(fact)
            continue
        said = "; ".join(p for p in (cell.row, cell.header) if p)
        # a year or "Cộng" names no thing counted: the column does ("2023 | ... | 370" under "Được công nhận")
        generic = _YEAR_RE.match(cell.row) or fold(cell.row).strip(" :") in _TOTAL_ROWS
        row = "" if generic else cell.row
        own = (
            fact.subject if _LETTER_RE.search(fact.subject) and SEPARATOR.strip() not in fact.subject else ""
        )
        out.append(
            replace(
                fact,
                cell=said,
                subject=own or row or cell.header,
                unit=fact.unit or _unit_named(cell.row, cell.header),
            )
        )
    return out
