"""English questions over Vietnamese reports, through the bilingual glossary (ingest/lexicon/glossary.tsv).

English questions are recognised, their glossary phrases translated for the dense query and added as
Vietnamese terms to the lexical one; English answers name the report's own Vietnamese terms with their
English gloss.
"""

from __future__ import annotations

import re
from functools import cache

from ingest.lexicon import GLOSSARY, ISSUERS, REPORT_NAMING, cues
from ingest.normalize import fold, has_diacritics

_ENGLISH_HINT_RE = re.compile(rf"\b(?:{'|'.join(map(re.escape, cues('english_hint')))})\b", re.IGNORECASE)
# A question naming a glossary term that names a report, a body or the question form does not search
# for it: every passage of a report would match it equally.
_NOT_EXPANDED = {fold(p) for p in (*cues("question_phrase"), *REPORT_NAMING, *ISSUERS["body_word"])}


def looks_english(text: str) -> bool:
    """English when most words have no Vietnamese marks (names like "Phú Thọ" may) and common English
    words appear."""
    words = text.split()
    marked = sum(1 for w in words if has_diacritics(w))
    return len(_ENGLISH_HINT_RE.findall(text)) >= 2 and marked <= 0.3 * len(words)


@cache
def _phrases() -> tuple[tuple[re.Pattern[str], str, str], ...]:
    """(english phrase as a whole-word pattern, vietnamese term, gloss), longest phrase first; compiled
    once (there are more phrases than Python's pattern cache holds)."""
    ordered = sorted(
        ((p, vi, gloss) for en, vi, gloss in GLOSSARY for p in en), key=lambda item: -len(item[0])
    )
    return tuple(
        (re.compile(rf"(?<![\w]){re.escape(p)}(?![\w])", re.IGNORECASE), vi, gloss)
        for p, vi, gloss in ordered
    )


def glossary_terms(text: str) -> list[tuple[str, str]]:
    """(vietnamese, english gloss) for every glossary phrase in an English text; longest phrases first."""
    lowered = f" {text.lower()} "
    found: list[tuple[str, str]] = []
    for pattern, vi, gloss in _phrases():
        if pattern.search(lowered):
            lowered = pattern.sub(" ", lowered)
            if (vi, gloss) not in found:
                found.append((vi, gloss))
    return found


def expand_query(text: str) -> str:
    """An English query gets the Vietnamese terms it names appended; other queries pass unchanged."""
    if not looks_english(text):
        return text
    terms = [v for vi, _ in glossary_terms(text) for v in vi.split("|") if fold(v) not in _NOT_EXPANDED]
    return f"{text} ({'; '.join(terms)})" if terms else text


@cache
def vietnamese_terms() -> tuple[tuple[str, str], ...]:
    """(Vietnamese term, English gloss) for every term and variant ("chỉ tiêu|phấn đấu"), longest first."""
    pairs = {(variant, gloss) for _, vi, gloss in GLOSSARY for variant in vi.split("|")}
    return tuple(sorted(pairs, key=lambda pair: (-len(pair[0]), pair[0])))


def english_gloss(vietnamese: str) -> str | None:
    key = fold(vietnamese)
    return next((gloss for vi, gloss in vietnamese_terms() if fold(vi) == key), None)


def translate_terms(text: str) -> str:
    """Replace each glossary phrase of an English text by its Vietnamese term (longest phrases first)."""
    out = f" {text} "
    for pattern, vi, _ in _phrases():
        out = pattern.sub(vi.replace("|", " "), out)
    return out.strip()
