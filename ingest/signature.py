"""Who signed a document: the signature block near its end, as Party documents lay it out — the office in
capitals ("T/M BAN THƯỜNG VỤ" / "BÍ THƯ", "TRƯỞNG BAN"), a mark of the signature on a copy ("(Đã ký)"),
then the signer's name."""

from __future__ import annotations

import re
from typing import NamedTuple

from ingest.lexicon import DOCUMENT_HEADER, alternation

TAIL_LINES = 40  # the block stands in a document's last lines, before or after its recipients
NAME_WORDS = (2, 6)  # "Vũ Thị Hồng Nhung": a Vietnamese full name is two to six syllables
MARK_LINES = 2  # lines of signature marks between the office and the name

_OFFICE_RE = re.compile(rf"(?:{alternation(DOCUMENT_HEADER['signer_title'])})(?![^\W\d_])")
_MARK_RE = re.compile(rf"^\W*(?:(?:{alternation(DOCUMENT_HEADER['signed_mark'])})\W*)+$", re.IGNORECASE)
_NAME_RE = re.compile(r"^(?:[^\W\d_][^\W\d_]*)(?: [^\W\d_]+)+$")
_PREFIX_RE = re.compile(rf"^(?:{alternation(DOCUMENT_HEADER['name_prefix'])})(?:\s+|(?<=\.))")


class Signature(NamedTuple):
    name: str
    office: str  # the line naming the office, as written ("TRƯỞNG BAN")
    start: int  # the office line's start: the block is cited from it to the name
    end: int


def signature(text: str) -> Signature | None:
    """The last signature block among the document's last lines, or None."""
    lines = _lines(text)[-TAIL_LINES:]
    found = None
    for i, (start, line) in enumerate(lines):
        if not (_OFFICE_RE.search(line) and line == line.upper()):
            continue
        name_at = _name_after(lines, i)
        if name_at is not None:
            name_start, name = lines[name_at]
            found = Signature(name, line, start, name_start + len(name))
    return found


def _name_after(lines: list[tuple[int, str]], office: int) -> int | None:
    """The index of the name line after the office's: past at most MARK_LINES signature marks."""
    for j in range(office + 1, min(len(lines), office + 2 + MARK_LINES)):
        line = lines[j][1]
        if _MARK_RE.match(line):
            continue
        return j if _is_name(line) else None
    return None


def _is_name(line: str) -> bool:
    """A full name, after any rank or degree before it."""
    line = _PREFIX_RE.sub("", line).strip()
    words = line.split()
    low, high = NAME_WORDS
    return (
        low <= len(words) <= high
        and bool(_NAME_RE.match(line))
        and all(w[0].isupper() for w in words)
        and not _OFFICE_RE.search(line.upper())
    )


def _lines(text: str) -> list[tuple[int, str]]:
    """(start, stripped line) of each non-empty line."""
    out = []
    for m in re.finditer(r"[^\n]+", text):
        stripped = m.group().strip()
        if stripped:
            out.append((m.start() + m.group().index(stripped[0]), stripped))
    return out
