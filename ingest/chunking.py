"""Structure-aware chunks: split on the reports' own headings, pack to about 200 tokens, keep section paths.

A chunk never crosses two top-level sections (roman numerals or "Phần thứ ..."), its text is an exact span
of the normalised document, and its id is derived from the report key and its position.
"""

from __future__ import annotations

import bisect
import itertools
import re
from dataclasses import dataclass

from ingest.sections import Heading, heading_context, parse_heading, section_path
from ingest.sentences import sentences_within
from ingest.types import Chunk, ReportMeta, Sentence

TARGET_WORDS = 150  # Vietnamese syllables; about 200 tokens for the e5 tokenizer
MAX_WORDS = 220
MAX_PIECE_WORDS = 330  # about 450 tokens with the heading path: the embedder reads 512 at most
_FULL_STOPS = ".!?"
MIN_WORDS = 25


@dataclass
class _Block:
    """A run of lines under one heading path."""

    path: tuple[Heading, ...]
    start: int
    end: int
    words: int


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


def _split_long(text: str, block: _Block, all_sentences: list[Sentence]) -> list[tuple[int, int]]:
    """Split a block longer than MAX_WORDS into pieces of about TARGET_WORDS, one sentence of overlap
    between pieces. Pieces are cut only after a full stop: lines without one (list items ending in ";",
    headings, footnote lines) go with the sentences around them and are not counted toward the target, so
    an enumeration stays with the sentence that closes it. A piece the embedder would cut short (over
    MAX_PIECE_WORDS in all) is packed again counting every sentence."""
    if block.words <= MAX_WORDS:
        return [(block.start, block.end)]
    units = [
        (start, end, _words(text, (start, end)))
        for sentence in sentences_within(all_sentences, block.start, block.end)
        for start, end in _split_sentence(text, sentence, block)
    ]
    stops = [u for u in units if text[u[0] : u[1]].rstrip()[-1:] in _FULL_STOPS or u is units[-1]]
    pieces = _overlapping_pieces(text, stops)
    pieces[0] = (units[0][0], pieces[0][1])  # what comes before the first full stop opens the first piece
    out: list[tuple[int, int]] = []
    for start, end in pieces:
        if _words(text, (start, end)) <= MAX_PIECE_WORDS:
            out.append((start, end))
        else:
            out += _overlapping_pieces(text, [u for u in units if start <= u[0] and u[1] <= end])
    return [_trim(text, s, e) for s, e in out]


def _overlapping_pieces(text: str, units: list[tuple[int, int, int]]) -> list[tuple[int, int]]:
    """Consecutive (start, end, words) units packed up to TARGET_WORDS, the last unit of a piece opening
    the next one."""
    pieces: list[tuple[int, int]] = []
    i = 0
    while i < len(units):
        j, words = i, 0
        while j < len(units) and (j == i or words + units[j][2] <= TARGET_WORDS):
            words += units[j][2]
            j += 1
        pieces.append((units[i][0], units[j - 1][1]))
        i = j if j >= len(units) or j - i == 1 else j - 1
    return pieces


def _split_sentence(text: str, sentence: Sentence, block: _Block) -> list[tuple[int, int]]:
    """The sentence inside the block, as one piece; a "sentence" longer than MAX_WORDS (clauses joined by
    ";" with no full stop) as its clauses, and a clause still too long cut after every TARGET_WORDS
    words: the embedder reads 512 tokens at most."""
    start, end = max(block.start, sentence.start), min(block.end, sentence.end)
    if len(text[start:end].split()) <= MAX_WORDS:
        return [(start, end)]
    out: list[tuple[int, int]] = []
    for a, b in sentence.clauses:
        a, b = max(a, start), min(b, end)
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


def chunk_document(
    text: str, doc_key: str, meta: ReportMeta, sentences: list[Sentence], id_prefix: str = ""
) -> list[Chunk]:
    """Chunks of a report (`sentences` are the text's, from the one splitter); ids are
    `<id_prefix or doc_key>:<position>`."""
    chunks: list[Chunk] = []
    for block in _pack(_blocks(text)):
        for start, end in _split_long(text, block, sentences):
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


class ChunkFinder:
    """The first chunk holding a character offset, found by bisection: a report's chunks come in text
    order, each ending no earlier than the one before (neighbours overlap by one unit), so a long
    report is not scanned once per fact."""

    def __init__(self, chunks: list[Chunk]) -> None:
        self.chunks = chunks
        self.ends = [c.end for c in chunks]
        pairs = list(itertools.pairwise(chunks))
        self.ordered = all(a.start <= b.start and a.end <= b.end for a, b in pairs)

    def at(self, offset: int) -> Chunk | None:
        if not self.ordered:  # never seen; kept so the answer stays the plain scan's
            return next((c for c in self.chunks if c.start <= offset < c.end), None)
        i = bisect.bisect_right(self.ends, offset)  # the first chunk ending after the offset
        return self.chunks[i] if i < len(self.chunks) and self.chunks[i].start <= offset else None

    def section_at(self, offset: int) -> str:
        """The section path of the chunk holding a character offset (for facts and citations)."""
        chunk = self.at(offset)
        return chunk.section if chunk else ""

    def overlapping(self, start: int, end: int) -> list[Chunk]:
        """The chunks sharing text with [start, end), in text order."""
        if not self.ordered:
            return [c for c in self.chunks if c.start < end and start < c.end]
        out = []
        for chunk in self.chunks[bisect.bisect_right(self.ends, start) :]:
            if chunk.start >= end:
                break
            out.append(chunk)
        return out

    def holding(self, spans: list[tuple[int, int]]) -> list[tuple[Chunk, tuple[int, int]]]:
        """(chunk, span) for every chunk and every span wholly inside it, in chunk order; `spans` in text
        order."""
        starts = [a for a, _ in spans]
        out: list[tuple[Chunk, tuple[int, int]]] = []
        for chunk in self.chunks:
            i = bisect.bisect_left(starts, chunk.start)
            while i < len(spans) and spans[i][0] < chunk.end:
                if spans[i][1] <= chunk.end:
                    out.append((chunk, spans[i]))
                i += 1
        return out
