"""The words the answerers weigh around a figure and in a section, segmented once at ingest: word
segmentation (pyvi) is the costliest step of scoring, and at question time it would run over every
candidate figure and section of the archive."""

from __future__ import annotations

from dataclasses import replace
from functools import lru_cache

from ingest.tokens import token_set
from ingest.types import Fact, FactWords, Section, SectionWords

AROUND = 60  # characters each side of a figure that describe it


def local_span(text: str, fact: Fact) -> tuple[int, int]:
    """The words right around a figure, inside its clause: what tells it from the clause's other figures
    ("05 chi bộ hoàn thành tốt nhiệm vụ, 02 chi bộ hoàn thành xuất sắc")."""
    start = max(
        fact.sentence_start, text.rfind(",", fact.sentence_start, fact.start) + 1, fact.start - AROUND
    )
    end = min(fact.sentence_end, fact.end + AROUND)
    comma = text.find(",", fact.end, end)
    return start, comma if comma > 0 else end


def joined_tokens(text: str) -> str:
    """A text's token set, stored: its tokens in order, once each, joined by spaces (a token never holds
    one: compounds are joined by "_")."""
    return " ".join(sorted(token_set(text)))


@lru_cache(maxsize=200_000)
def token_set_of(joined: str) -> frozenset[str]:
    """The set a joined_tokens() string stands for: read when scored, kept for the spans scored most."""
    return frozenset(joined.split())


LABEL_WORDS = (
    6  # "- Phường Hải Minh: diện tích ...; Đảng bộ phường có 498 đảng viên": a short label and a colon
)


def item_label(text: str, start: int) -> str:
    """The label a line opens with, when a clause at `start` follows it on the same line ("- Phường Hải
    Minh: ...; Đảng bộ phường có ... 498 đảng viên"): it says whose every figure of the line is."""
    line = text.rfind("\n", 0, start) + 1
    colon = text.find(":", line, start)
    if colon < 0 or len(text[line:colon].split()) > LABEL_WORDS:
        return ""
    return text[line:colon]


def fact_words(text: str, fact: Fact) -> FactWords:
    clause = text[fact.sentence_start : fact.sentence_end]
    label = item_label(text, fact.sentence_start) if fact.sentence_start > 0 else ""
    return FactWords(
        context=joined_tokens(f"{label} {fact.cell} {clause} {fact.section}"),
        counted=joined_tokens(f"{fact.subject} {fact.unit}"),
        local=joined_tokens(text[slice(*local_span(text, fact))]),
    )


def section_words(text: str, section: Section) -> SectionWords:
    title = text[section.title[0] : section.title[1]]
    return SectionWords(
        title=joined_tokens(f"{section.path} {title}"),
        items=tuple(joined_tokens(text[a:b]) for a, b in section.items),
    )


def with_fact_words(text: str, facts: list[Fact]) -> list[Fact]:
    return [replace(f, words=fact_words(text, f)) for f in facts]


def with_section_words(text: str, sections: list[Section]) -> list[Section]:
    return [replace(s, words=section_words(text, s)) for s in sections]
