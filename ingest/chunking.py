"""Structure-aware chunks: split on the reports' own headings, pack to about 200 tokens, keep section paths.

A chunk never crosses two top-level sections (roman numerals or "Phần thứ ..."), its text is an exact span
of the normalised document, and its id is derived from the report key and its position.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from assistant.types import Chunk, ReportMeta

TARGET_WORDS = 150  # Vietnamese syllables; about 200 tokens for the e5 tokenizer
MAX_WORDS = 220
MIN_WORDS = 25
_TITLE_CHARS = 90

# (level, pattern); the label is group 1. Lower level = higher in the outline.
_HEADINGS: tuple[tuple[int, re.Pattern[str]], ...] = (
    (0, re.compile(r"^(Phần thứ \w+)\b", re.IGNORECASE)),
    (1, re.compile(r"^([IVXLC]+)\.\s")),
    (4, re.compile(r"^(\d+\.\s?\d+\.\s?\d+)\.?\s")),
    (3, re.compile(r"^(\d+\.\s?\d+)\.?\s")),
    (2, re.compile(r"^(\d+)\.\s")),
    (5, re.compile(r"^([a-zđ])\)\s")),
)
_SENTENCE_RE = re.compile(r"[^.!?\n]+(?:[.!?]+|$)")


@dataclass(frozen=True)
class Heading:
    level: int
    label: str  # "2.3", "II", "Phần thứ nhất"
    title: str  # the heading line, shortened


@dataclass
class _Block:
    """A run of lines under one heading path."""

    path: tuple[Heading, ...]
    start: int
    end: int
    words: int


def parse_heading(line: str) -> Heading | None:
    for level, pattern in _HEADINGS:
        match = pattern.match(line)
        if match:
            label = re.sub(r"\s", "", match.group(1)) if level else match.group(1)
            return Heading(level, label, _shorten(line))
    return None


def _shorten(line: str) -> str:
    line = line.strip()
    return line if len(line) <= _TITLE_CHARS else line[:_TITLE_CHARS].rsplit(" ", 1)[0] + "…"


def section_path(path: tuple[Heading, ...]) -> str:
    """ "II > 2 > 2.3 Công tác kiểm tra, ..." : labels for ancestors, the full title for the leaf."""
    if not path:
        return ""
    return " > ".join([h.label for h in path[:-1]] + [path[-1].title])


def heading_context(path: tuple[Heading, ...]) -> str:
    return " > ".join(h.title for h in path)


def _blocks(text: str) -> list[_Block]:
    """One block per heading (plus the preamble), each with the outline path in force."""
    blocks: list[_Block] = []
    path: tuple[Heading, ...] = ()
    offset = 0
    for line in text.split("\n"):
        start, end = offset, offset + len(line)
        offset = end + 1
        if not line.strip():
            continue
        heading = parse_heading(line)
        if heading is not None:
            path = tuple(h for h in path if h.level < heading.level) + (heading,)
        words = len(line.split())
        if heading is not None or not blocks or blocks[-1].path != path:
            blocks.append(_Block(path, start, end, words))
        else:
            blocks[-1].end, blocks[-1].words = end, blocks[-1].words + words
    return blocks


def _top(path: tuple[Heading, ...]) -> tuple[Heading, ...]:
    """The top-level sections in force: "Phần" and roman numeral headings."""
    return tuple(h for h in path if h.level <= 1)


def _common_path(a: tuple[Heading, ...], b: tuple[Heading, ...]) -> tuple[Heading, ...]:
    common: list[Heading] = []
    for x, y in zip(a, b, strict=False):
        if x != y:
            break
        common.append(x)
    return tuple(common)


def _pack(blocks: list[_Block]) -> list[_Block]:
    """Merge small neighbouring blocks of one top-level section up to the target size.

    A bare heading always joins the text under it, so no chunk is a lone title.
    """
    packed: list[_Block] = []
    for block in blocks:
        last = packed[-1] if packed else None
        same_top = last is not None and _top(last.path) == _top(block.path)
        if same_top and last.words + block.words <= TARGET_WORDS:
            last.path = _common_path(last.path, block.path) or _top(block.path)
            last.end, last.words = block.end, last.words + block.words
        elif same_top and last.words < MIN_WORDS and last.path == block.path[: len(last.path)]:
            last.path = block.path
            last.end, last.words = block.end, last.words + block.words
        else:
            packed.append(_Block(block.path, block.start, block.end, block.words))
    return packed


def _split_long(text: str, block: _Block) -> list[tuple[int, int]]:
    """Split a block longer than MAX_WORDS at sentence ends, one sentence of overlap between pieces."""
    if block.words <= MAX_WORDS:
        return [(block.start, block.end)]
    sentences = [
        piece
        for m in _SENTENCE_RE.finditer(text[block.start : block.end])
        if m.group(0).strip()
        for piece in _split_sentence(text, block.start + m.start(), block.start + m.end())
    ]
    pieces: list[tuple[int, int]] = []
    i = 0
    while i < len(sentences):
        j, words = i, 0
        while j < len(sentences) and (j == i or words + _words(text, sentences[j]) <= TARGET_WORDS):
            words += _words(text, sentences[j])
            j += 1
        pieces.append((sentences[i][0], sentences[j - 1][1]))
        i = j if j >= len(sentences) or j - i == 1 else j - 1
    return [_trim(text, s, e) for s, e in pieces]


def _split_sentence(text: str, start: int, end: int) -> list[tuple[int, int]]:
    """A "sentence" longer than MAX_WORDS (clauses joined by ";" with no full stop) is cut after ";",
    and a clause still too long after every TARGET_WORDS words: the embedder reads 512 tokens at most."""
    if len(text[start:end].split()) <= MAX_WORDS:
        return [(start, end)]
    cuts = [start] + [start + m.end() for m in re.finditer(r";\s", text[start:end])] + [end]
    clauses = [(a, b) for a, b in zip(cuts, cuts[1:], strict=False) if b > a]
    out: list[tuple[int, int]] = []
    for a, b in clauses:
        words = list(re.finditer(r"\S+", text[a:b]))
        for i in range(0, len(words), TARGET_WORDS):
            group = words[i : i + TARGET_WORDS]
            out.append((a + group[0].start(), a + group[-1].end()))
    return out


def _words(text: str, span: tuple[int, int]) -> int:
    return len(text[span[0] : span[1]].split())


def _trim(text: str, start: int, end: int) -> tuple[int, int]:
    while start < end and text[start].isspace():
        start += 1
    while end > start and text[end - 1].isspace():
        end -= 1
    return start, end


def chunk_document(text: str, doc_key: str, meta: ReportMeta, id_prefix: str = "") -> list[Chunk]:
    """Chunks of a report; ids are `<id_prefix or doc_key>:<position>`."""
    chunks: list[Chunk] = []
    for block in _pack(_blocks(text)):
        for start, end in _split_long(text, block):
            chunks.append(
                Chunk(
                    id=f"{id_prefix or doc_key}:{len(chunks):04d}",
                    doc_key=doc_key,
                    text=text[start:end],
                    start=start,
                    end=end,
                    section=section_path(block.path),
                    heading_context=heading_context(block.path),
                    meta=meta,
                )
            )
    return chunks


def section_at(chunks: list[Chunk], offset: int) -> str:
    """The section path of the chunk holding a character offset (for facts and citations)."""
    for chunk in chunks:
        if chunk.start <= offset < chunk.end:
            return chunk.section
    return ""
