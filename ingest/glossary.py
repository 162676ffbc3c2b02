"""English questions over Vietnamese reports, through the bilingual glossary (ingest/lexicon/glossary.tsv).

English questions are recognised, their glossary phrases translated for the dense query and added as
Vietnamese terms to the lexical one; English answers name the report's own Vietnamese terms with their
English gloss.
"""

from __future__ import annotations

import re
from functools import cache
from typing import NamedTuple

from ingest.lexicon import ENGLISH_STOPWORDS, GLOSSARY, ISSUERS, REPORT_NAMING, cues
from ingest.normalize import collapse_spaces, fix_tone_placement, fold, has_diacritics
from ingest.tokens import lone_syllables

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
        (re.compile(rf"(?<![\w]){re.escape(p)}{_plural(p)}(?![\w])", re.IGNORECASE), vi, gloss)
        for p, vi, gloss in ordered
    )


def _plural(phrase: str) -> str:
    """English nouns take "s" or "es" ("asset declarations"); abbreviations ("S&T") and phrases already
    ending in "s" do not."""
    return "(?:e?s)?" if phrase[-1:].islower() and not phrase.endswith("s") else ""


_WORD_RE = re.compile(r"[\w&]+(?:[-.,][\w&]+)*")


class LexicalQuery(NamedTuple):
    text: str
    share: float  # the share of the question's content words the text stands for (1.0 for Vietnamese)


def lexical_query(text: str) -> LexicalQuery:
    """What an English question can match in Vietnamese text word for word: the Vietnamese terms of its
    glossary phrases, and the words a Vietnamese text writes the same way — names, numbers, abbreviations,
    anything with Vietnamese marks ("Luther", "2015", "10-CT/TW", "Phú Thọ"). English words themselves
    would only match Vietnamese syllables that fold the same ("the" / "thế", "to" / "tổ"), so the rest of
    the question is not in it: `share` says how much of the question it stands for. Other queries pass
    unchanged."""
    if not looks_english(text):
        return LexicalQuery(text, 1.0)
    content = _content_words(text)
    rest = f" {text} "
    terms: list[str] = []
    for pattern, vi, _ in _phrases():
        if pattern.search(rest):
            rest = pattern.sub(" ", rest)
            terms += [v for v in vi.split("|") if fold(v) not in _NOT_EXPANDED and v not in terms]
    kept = [w for w in _WORD_RE.findall(rest) if _written_alike(w)]
    uncovered = [w for w in _content_words(rest) if w not in kept]
    share = 1.0 - len(uncovered) / len(content) if content else 1.0
    return LexicalQuery(" ".join([*terms, *kept]), share)


def _content_words(text: str) -> list[str]:
    return [w for w in _WORD_RE.findall(text) if w.lower() not in ENGLISH_STOPWORDS]


def _written_alike(word: str) -> bool:
    """A word of an English question that a Vietnamese text would write as it is."""
    if word.lower() in ENGLISH_STOPWORDS:
        return False
    return word[0].isupper() or any(ch.isdigit() for ch in word) or "&" in word or has_diacritics(word)


@cache
def vietnamese_terms() -> tuple[tuple[str, str], ...]:
    """(Vietnamese term, English gloss) for every term and variant ("chỉ tiêu|phấn đấu"), longest first; a
    term glossed twice ("sinh viên": students, university students) in the same order in every process."""
    pairs = {(variant, gloss) for _, vi, gloss in GLOSSARY for variant in vi.split("|")}
    return tuple(sorted(pairs, key=lambda pair: (-len(pair[0]), pair[0], pair[1])))


def english_gloss(vietnamese: str) -> str | None:
    """The gloss of a Vietnamese term as written (marks and all: "nam" is not "năm")."""
    return _glosses().get(_marked(vietnamese))


@cache
def _glosses() -> dict[str, str]:
    """Each term as compared, to its gloss: the longest-first order's first, as every answer line asks."""
    out: dict[str, str] = {}
    for vi, gloss in vietnamese_terms():
        out.setdefault(_marked(vi), gloss)
    return out


def english_participle(vietnamese: str) -> str | None:
    """How English says a Vietnamese verb after what it counts ("50 members expelled"): the first "-ed"
    phrase of its glossary entry (its gloss when it has none); None for a term not in the glossary."""
    return _participles().get(_marked(vietnamese))


@cache
def _participles() -> dict[str, str]:
    """A term with no "-ed" phrase takes that of the term it ends on: "thi hành kỷ luật" (enforce
    discipline) is said as "kỷ luật" is, "disciplined"; else its gloss."""
    own: dict[str, str | None] = {}
    glosses: dict[str, str] = {}
    for english, vi, gloss in GLOSSARY:
        for variant in vi.split("|"):
            own.setdefault(_marked(variant), next((p for p in english if p.endswith("ed")), None))
            glosses.setdefault(_marked(variant), gloss)
    out: dict[str, str] = {}
    for term, participle in own.items():
        # the one it ends on: the thing done ("kỷ luật"), not the doing ("thi hành")
        held = [t for t, p in own.items() if p and t != term and f" {term} ".endswith(f" {t} ")]
        out[term] = participle or (own[max(held, key=len)] if held else None) or glosses[term]
    return out


def terms_in(text: str, in_order: bool = False) -> list[tuple[str, str]]:
    """(Vietnamese term, English gloss) of every glossary term the text writes, marks and all, never inside
    another one found: longest first, or in the order the text writes them."""
    rest = f" {_marked(text)} "
    found: list[tuple[int, str, str]] = []
    lone: set[str] | None = None  # segmented only when a one-syllable term is in the text
    for vi, gloss in vietnamese_terms():
        pattern = _term_re(vi)
        match = pattern.search(rest)
        if not match:
            continue
        if " " not in vi:
            # A one-syllable term inside a compound word is not the term: "sở" in "cơ sở", "nam" in "Hà Nam".
            lone = {_marked(w) for w in lone_syllables(text)} if lone is None else lone
            if _marked(vi) not in lone:
                continue
        rest = pattern.sub(lambda m: " " * len(m.group()), rest)  # blanked, so positions hold
        if gloss not in (g for _, _, g in found):
            found.append((match.start(), vi, gloss))
    return [(vi, gloss) for _, vi, gloss in (sorted(found) if in_order else found)]


def _marked(text: str) -> str:
    """Lower case, modern tone placement, single spaces: how terms are compared (never folded)."""
    return collapse_spaces(fix_tone_placement(text).lower())


@cache
def _term_re(term: str) -> re.Pattern[str]:
    return re.compile(rf"(?<![\w]){re.escape(_marked(term))}(?![\w])")


def head_term(phrase: str) -> tuple[str, str]:
    """The glossary phrase that ends an English noun phrase, as written there, and its Vietnamese term
    ("staff party members": "party members", "đảng viên"): English puts the head noun last. The phrase's
    last word and "" when that word is in no glossary phrase."""
    padded = f" {phrase.strip()} "
    for pattern, vi, _ in _phrases():
        found = list(pattern.finditer(padded))
        if found and not padded[found[-1].end() :].strip():
            return found[-1].group(), vi.split("|")[0]
    return (phrase.split() or [""])[-1], ""


@cache
def named_glosses(text: str) -> frozenset[str]:
    """The glosses of the glossary phrases an English text names."""
    return frozenset(gloss for pattern, _, gloss in _phrases() if pattern.search(text))


def translate_terms(text: str) -> str:
    """Replace each glossary phrase of an English text by its Vietnamese term (longest phrases first)."""
    out = f" {text} "
    for pattern, vi, _ in _phrases():
        out = pattern.sub(_spelled_once(vi), out)
    return out.strip()


@cache
def _spelled_once(variants: str) -> str:
    """A term's variants, each written once: "cấp ủy viên|cấp uỷ viên" are one word spelled two ways."""
    by_fold = {fold(v): v for v in reversed(variants.split("|"))}
    return " ".join(reversed(by_fold.values()))
