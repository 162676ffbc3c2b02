"""The section tree of a report: numbered headings at every level ("Phần thứ …", "I.", "1.", "1.1.",
"a)"), enumerations without headings ("Một là …, Hai là …") and lists after a line ending in ":", each with
its items and a role (results, shortcomings, causes, lessons, difficulties, tasks, targets) read from its
heading or lead sentence with the lexicon's words. List, why and summary questions are answered by them.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, replace

from ingest.lexicon import DOCUMENT_HEADER, ENUMERATIONS, OPPOSED_ROLES, SECTION_ROLES, alternation
from ingest.normalize import collapse_spaces, fold
from ingest.signature import signature
from ingest.tokens import words
from ingest.types import Section

TITLE_CHARS = 90

# (level, pattern); the label is group 1. Lower level = higher in the outline.
_HEADINGS: tuple[tuple[int, re.Pattern[str]], ...] = (
    (0, re.compile(r"^(Phần thứ \w+)\b", re.IGNORECASE)),
    (1, re.compile(r"^([IVXLC]+)\.\s")),
    (4, re.compile(r"^(\d+\.\s?\d+\.\s?\d+)\.?\s")),
    (3, re.compile(r"^(\d+\.\s?\d+)\.?\s")),
    (2, re.compile(r"^(\d+)\.\s")),
    (5, re.compile(r"^([a-zđ])\)\s")),
)
ITEM_LEVEL = 6  # an enumeration or a list sits below every numbered heading
# A list item: a bullet, a number in parentheses "(1)" / "1)", or an enumeration word ("Một là,").
_ITEM_RE = re.compile(
    rf"^(?:[-+•*–·]\s*|\(?\d{{1,2}}\)\s|(?:{alternation(ENUMERATIONS)})(?![^\W\d_]))", re.IGNORECASE
)
# The same words inside a paragraph, each opening a sentence and followed by a comma.
_INLINE_ITEM_RE = re.compile(rf"(?:^|(?<=[.;:]\s))({alternation(ENUMERATIONS)}),", re.IGNORECASE)
_RECIPIENTS_RE = re.compile(rf"^\s*(?:{alternation(DOCUMENT_HEADER['recipients'])})\b", re.MULTILINE)
_SERIES = {word: i for i, word in enumerate(ENUMERATIONS)}  # the lexicon lists each series in order
_ROLE_PHRASES = [(role, fold(p)) for role, phrases in SECTION_ROLES.items() for p in phrases]
MIN_ITEMS = 2
# Parts of a report that look ahead: their figures are plans, not what was done.
FORWARD_ROLES = frozenset({"targets", "tasks"})
HEADING_ROLE_WORDS = 4  # a heading names its part in its first words


@dataclass(frozen=True)
class Heading:
    level: int
    label: str  # "2.3", "II", "Phần thứ nhất"
    title: str  # the heading line, shortened


def parse_heading(line: str) -> Heading | None:
    for level, pattern in _HEADINGS:
        match = pattern.match(line)
        if match:
            label = re.sub(r"\s", "", match.group(1)) if level else match.group(1)
            return Heading(level, label, _shorten(line))
    return None


def _shorten(line: str) -> str:
    line = line.strip()
    return line if len(line) <= TITLE_CHARS else line[:TITLE_CHARS].rsplit(" ", 1)[0] + "…"


def section_path(path: tuple[Heading, ...]) -> str:
    """ "II > 2 > 2.3 Công tác kiểm tra, ..." : labels for ancestors, the full title for the leaf."""
    if not path:
        return ""
    return " > ".join([h.label for h in path[:-1]] + [path[-1].title])


def heading_context(path: tuple[Heading, ...]) -> str:
    return " > ".join(h.title for h in path)


def role_of(title: str, lead: bool = False) -> str:
    """The part of a report a heading names by its first words ("II. HẠN CHẾ, KHUYẾT ĐIỂM" ->
    shortcomings; not "1. Công tác lãnh đạo thực hiện nhiệm vụ chính trị"), or a lead sentence by its last
    ("... rút ra 06 bài học kinh nghiệm:" -> lessons)."""
    found = words(re.sub(r"^\s*(?:[IVXLC]+\.|\d+(?:\.\s?\d+)*\.?|[a-zđ]\)|Phần thứ \w+)", " ", title))
    hits = []
    for role, phrase in _ROLE_PHRASES:
        n = len(phrase.split())
        at = [i for i in range(len(found) - n + 1) if " ".join(found[i : i + n]) == phrase]
        if at:
            hits.append((-at[-1], role) if lead else (at[0], role))
    if not hits:
        return ""
    position, role = min(hits)
    return role if lead or position < HEADING_ROLE_WORDS else ""


def roles_named(text: str) -> set[str]:
    """Every part of a report the text names anywhere ("bên cạnh thuận lợi, xã cũng gặp khó khăn" ->
    advantages and difficulties)."""
    padded = f" {' '.join(words(text))} "
    return {role for role, phrase in _ROLE_PHRASES if f" {phrase} " in padded}


def names_opposite_part(asked: str, text: str) -> bool:
    """The text names a part opposed to the one asked for, and not that one."""
    opposite = OPPOSED_ROLES.get(asked)
    if not opposite:
        return False
    named = roles_named(text)
    return bool(named & opposite) and asked not in named


@dataclass
class _Line:
    start: int
    end: int
    text: str
    heading: Heading | None


def _lines(text: str) -> list[_Line]:
    out: list[_Line] = []
    offset = 0
    for raw in text.split("\n"):
        start, end = offset, offset + len(raw)
        offset = end + 1
        if raw.strip():
            out.append(_Line(start, end, raw, parse_heading(raw)))
    return out


def build_sections(text: str) -> list[Section]:
    """Every section of the report, in text order: heading sections, then enumerations and lists. The
    signature and the recipients after the body belong to none."""
    end = body_end(text)
    lines = [ln for ln in _lines(text) if ln.start < end]
    sections = _heading_sections(text, lines)
    sections += _item_runs(text, lines, sections)
    return _done_not_planned(sorted(sections, key=lambda s: (s.start, -s.end)))


def _heading_sections(text: str, lines: list[_Line]) -> list[Section]:
    out: list[Section] = []
    open_: list[tuple[Heading, _Line, tuple[Heading, ...]]] = []
    path: tuple[Heading, ...] = ()

    def close(upto: int, end: int) -> None:
        while open_ and open_[-1][0].level >= upto:
            heading, line, at = open_.pop()
            out.append(_section(text, lines, line, end, at))

    for i, line in enumerate(lines):
        if line.heading is None:
            continue
        end = lines[i - 1].end if i else line.start
        close(line.heading.level, end)
        path = tuple(h for h in path if h.level < line.heading.level) + (line.heading,)
        open_.append((line.heading, line, path))
    close(-1, lines[-1].end if lines else 0)
    _inherit_roles(out)
    return out


def _section(text: str, lines: list[_Line], head: _Line, end: int, path: tuple[Heading, ...]) -> Section:
    """A heading's section: its items are its sub-headings if it has any, else its list items, else its
    paragraphs."""
    body = [ln for ln in lines if head.end < ln.start and ln.end <= end]
    level = path[-1].level
    children = [ln for ln in body if ln.heading is not None and ln.heading.level > level]
    if children:
        # its direct sub-headings: those no higher-placed sub-heading before them holds ("Phần thứ hai" >
        # "1." … "5.", then "V."; not the "1." under an "I.")
        starts = [
            ln
            for i, ln in enumerate(children)
            if all(c.heading.level >= ln.heading.level for c in children[:i])
        ]
        items = _spans(starts, end)
    else:
        listed = [ln for ln in body if _ITEM_RE.match(ln.text)]
        if len(listed) >= MIN_ITEMS:
            items = _spans(listed, end)
        else:  # an enumeration inside a paragraph, else the paragraphs
            inline = next((run for ln in body if len(run := _inline_items(ln)) >= MIN_ITEMS), None)
            items = inline or [(ln.start, ln.end) for ln in body]
    role = role_of(head.text)
    if not role and level == 0 and body and body[0].heading is None and body[0].text.isupper():
        role = role_of(body[0].text)  # "Phần thứ hai" / "NHIỆM VỤ, GIẢI PHÁP ...": its title line names it
    return Section(
        start=head.start,
        end=end,
        title=(head.start, head.end),
        path=section_path(path),
        level=level,
        role=role,
        items=tuple(items),
    )


def body_end(text: str) -> int:
    """Where a document's body ends: at its signature block ("T/M BAN THƯỜNG VỤ" / "BÍ THƯ" / ...) or its
    recipients ("Nơi nhận:") in its second half, whichever comes first."""
    ends = [m.start() for m in _RECIPIENTS_RE.finditer(text) if m.start() > len(text) // 2]
    signed = signature(text)
    if signed:
        before = text.rfind("\n", 0, max(0, signed.start - 1)) + 1  # "T/M ĐẢNG ỦY" over the office
        above = text[before : signed.start].strip()
        ends.append(
            before if above and above == above.upper() and any(c.isalpha() for c in above) else signed.start
        )
    return min(ends, default=len(text))


def _inline_items(line: _Line) -> list[tuple[int, int]]:
    """An enumeration written in one paragraph ("Một là, ... . Hai là, ... ."): each item from its word to
    the next, when the words follow each other in their series."""
    found = list(_INLINE_ITEM_RE.finditer(line.text))
    rank = [_SERIES.get(collapse_spaces(m.group(1)).lower(), -9) for m in found]
    if len(found) < MIN_ITEMS or any(b != a + 1 for a, b in zip(rank, rank[1:], strict=False)):
        return []
    ends = [m.start() - 1 for m in found[1:]] + [len(line.text)]
    return [(line.start + m.start(), line.start + e) for m, e in zip(found, ends, strict=True)]


def _spans(starts: list[_Line], end: int) -> list[tuple[int, int]]:
    """Each item from its first line to the line before the next item (or the section's end)."""
    return [
        (ln.start, (starts[i + 1].start - 1) if i + 1 < len(starts) else end) for i, ln in enumerate(starts)
    ]


def _inherit_roles(sections: list[Section]) -> None:
    """A sub-section with no role of its own takes its parent's ("V. BÀI HỌC" > "1. Về công tác ...")."""
    by_start = sorted(sections, key=lambda s: (s.start, -s.end))
    for i, section in enumerate(by_start):
        if section.role:
            continue
        parents = [p for p in by_start[:i] if p.start < section.start and section.end <= p.end and p.role]
        if parents:
            idx = sections.index(section)
            sections[idx] = replace(section, role=parents[-1].role)


def _done_not_planned(ordered: list[Section]) -> list[Section]:
    """A part of what was done that names tasks or targets tells how they were carried out ("II. KẾT QUẢ"
    > "2. Thực hiện các nhiệm vụ của ủy ban kiểm tra"): a report looks ahead only outside its review.
    `ordered` is in text order, parents first."""
    out: list[Section] = []
    for section in ordered:
        parents = [p for p in out if p.start <= section.start and section.end <= p.end and p.role]
        if section.role in FORWARD_ROLES and parents and parents[-1].role == "results":
            section = replace(section, role="results")
        out.append(section)
    return out


def _item_runs(text: str, lines: list[_Line], headed: list[Section]) -> list[Section]:
    """Enumerations ("Một là ...") and lists after a line ending in ":" that no heading announces: their
    lead is the line before the first item."""
    out: list[Section] = []
    i = 0
    while i < len(lines):
        if not _ITEM_RE.match(lines[i].text) or i == 0 or lines[i - 1].heading is not None:
            i += 1
            continue
        j = i
        while j < len(lines) and _ITEM_RE.match(lines[j].text) and lines[j].heading is None:
            j += 1
        lead = lines[i - 1]
        if j - i >= MIN_ITEMS and not _ITEM_RE.match(lead.text):
            out.append(_run(text, lead, lines[i:j], headed))
        i = j
    return out


def _run(text: str, lead: _Line, items: list[_Line], headed: list[Section]) -> Section:
    around = [s for s in headed if s.start <= lead.start and items[-1].end <= s.end]
    parent = max(around, key=lambda s: s.start, default=None)
    role = role_of(lead.text, lead=True) or (parent.role if parent else "")
    path = parent.path if parent else ""
    return Section(
        start=lead.start,
        end=items[-1].end,
        title=(lead.start, lead.end),
        path=path,
        level=ITEM_LEVEL,
        role=role,
        items=tuple((ln.start, ln.end) for ln in items),
    )
