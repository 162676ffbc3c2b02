"""The lexicon: all the language and Party-report vocabulary the assistant uses, read once from the data
files in `ingest/lexicon/` (see its README). Logic modules take their words from here and never list
words themselves, so adapting the assistant to a new body or province means editing data, not code.

File formats: `.txt` one entry per line; `.tsv` tab-separated columns; `.json` for the report kinds. In
`.txt` and `.tsv` files, lines starting with "#" and blank lines are comments. Words are lower case with the
modern tone placement ("ủy", "hòa") unless a file says otherwise; "folded" means lower case without
diacritics ("dang vien"), the form used to match text typed without them.
"""

from __future__ import annotations

import importlib.util
import json
import re
import unicodedata
from collections.abc import Iterable
from functools import cache
from pathlib import Path

DATA_DIR = Path(__file__).with_name("lexicon")
LETTER = r"[^\W\d_]"  # a letter of any script: what may not touch a whole word


def _lines(name: str) -> list[str]:
    text = (DATA_DIR / name).read_text(encoding="utf-8")
    return [line.rstrip("\n") for line in text.splitlines() if line.strip() and not line.startswith("#")]


def _table(name: str) -> list[list[str]]:
    """Rows of a TSV file; missing trailing columns read as ""."""
    return [line.split("\t") for line in _lines(name)]


def _roles(name: str) -> dict[str, tuple[str, ...]]:
    """A `role<TAB>phrase` file as {role: phrases in file order}."""
    out: dict[str, list[str]] = {}
    for role, phrase, *_ in _table(name):
        out.setdefault(role, []).append(phrase)
    return {role: tuple(phrases) for role, phrases in out.items()}


def _column(row: list[str], i: int) -> str:
    return row[i].strip() if len(row) > i else ""


# --- lexical search ----------------------------------------------------------------------------------------
# Abbreviations common in Party reports: folded abbreviation -> the words it stands for ("bch" -> "ban chấp hành").
ABBREVIATIONS: dict[str, str] = {row[0]: row[1] for row in _table("abbreviations.tsv")}
# Vietnamese function words (folded) left out of lexical search.
STOPWORDS: frozenset[str] = frozenset(w for w in _lines("stopwords.txt") if " " not in w)
# Function phrases of several syllables ("tất cả", "hiện nay"), folded: not what a question asks about.
STOP_PHRASES: tuple[tuple[str, ...], ...] = tuple(
    tuple(w.split()) for w in _lines("stopwords.txt") if " " in w
)
# English function words: never what an English question asks about.
ENGLISH_STOPWORDS: frozenset[str] = frozenset(_lines("english_stopwords.txt"))
# Question words typed without diacritics -> as written, for restoring a query's marks.
RESTORE_WORDS: dict[str, str] = {row[0]: row[1] for row in _table("restore_words.tsv")}

# --- figures -------------------------------------------------------------------------------------------------
# Opposed time qualifiers (folded): side -> (its opposite, the English words that ask for the side).
OPPOSED_QUALIFIERS: dict[str, tuple[str, frozenset[str]]] = {
    row[0]: (row[1], frozenset(_column(row, 2).split())) for row in _table("opposed_qualifiers.tsv")
}
# Rating levels of organisations and members: level -> (folded Vietnamese phrases, English words asking it).
RATINGS: dict[str, tuple[tuple[str, ...], frozenset[str]]] = {
    row[0]: (tuple(row[1].split("|")), frozenset(w for w in _column(row, 2).split("|") if w))
    for row in _table("ratings.tsv")
}
# How answers name each rating level: level -> {"vi": ..., "en": ...}.
RATING_NAMES: dict[str, dict[str, str]] = {
    row[0]: {"vi": _column(row, 3), "en": _column(row, 4)} for row in _table("ratings.tsv")
}
# Levels of administration of an award or event: level -> (folded Vietnamese phrases, English words asking it).
LEVELS: dict[str, tuple[tuple[str, ...], frozenset[str]]] = {
    row[0]: (tuple(row[1].split("|")), frozenset(w for w in _column(row, 2).split("|") if w))
    for row in _table("levels.tsv")
}
# Who does what a figure counts: kind -> (folded phrases, whether the kind is an organ of a committee).
AGENTS: dict[str, tuple[tuple[str, ...], bool]] = {
    row[0]: (tuple(row[1].split("|")), _column(row, 2) == "organ") for row in _table("agents.tsv")
}
# Verb phrases that say what a figure counts: surface form -> canonical key ("xử lý kỷ luật" -> "discipline").
PREDICATES: dict[str, str] = {row[0]: row[1] for row in _table("predicates.tsv")}
_KEYS = _table("predicate_keys.tsv")
# A form of an action -> the action ("reprimand" -> "discipline").
PREDICATE_PARENT: dict[str, str] = {row[0]: _column(row, 1) for row in _KEYS if _column(row, 1)}
# Canonical key -> its flags (adjacent, state, scene, formable; see predicate_keys.tsv).
PREDICATE_FLAGS: dict[str, frozenset[str]] = {
    row[0]: frozenset(f for f in _column(row, 2).split(",") if f) for row in _KEYS
}
# English stems in questions -> canonical key, in file order.
ENGLISH_PREDICATES: dict[str, str] = {row[0]: row[1] for row in _table("english_predicates.tsv")}
_UNITS = _table("units.tsv")
# Nouns a number counts, and the tags of each (asked, generic, people, person, time).
UNIT_TAGS: dict[str, frozenset[str]] = {
    row[0]: frozenset(t for t in _column(row, 1).split(",") if t) for row in _UNITS
}
UNITS: frozenset[str] = frozenset(UNIT_TAGS)
# Words around numbers by role (noun_stop, reference, year_before, ...; see number_context.tsv).
NUMBER_CONTEXT: dict[str, tuple[str, ...]] = _roles("number_context.tsv")
# (vietnamese, "before" or "after", english): words that make a figure approximate or a bound.
APPROXIMATIONS: tuple[tuple[str, str, str], ...] = tuple(
    (row[0], row[1], _column(row, 2)) for row in _table("approximations.tsv")
)
# Small numbers in words, by language: NUMBER_WORDS["en"][3] == "three".
NUMBER_WORDS: dict[str, tuple[str, ...]] = {
    "vi": tuple(row[1] for row in _table("number_words.tsv")),
    "en": tuple(row[2] for row in _table("number_words.tsv")),
}

# --- English -------------------------------------------------------------------------------------------------
# (english phrases, vietnamese term with "|" between variants, short english gloss).
GLOSSARY: tuple[tuple[tuple[str, ...], str, str], ...] = tuple(
    (tuple(row[0].split("|")), row[1], row[2]) for row in _table("glossary.tsv")
)

# --- places, bodies, people, documents ----------------------------------------------------------------------
_PROVINCES = _table("provinces.tsv")
# Provinces and centrally-run cities, before and after the 2025 merger.
PROVINCES: tuple[str, ...] = tuple(row[0] for row in _PROVINCES)
# Province -> the province it was merged into on 1 July 2025.
PROVINCE_MERGED_INTO: dict[str, str] = {row[0]: _column(row, 1) for row in _PROVINCES if _column(row, 1)}
# Issuing bodies: head, organ, connector and not_final words (see issuers.tsv).
ISSUERS: dict[str, tuple[str, ...]] = _roles("issuers.tsv")
# Kinds of document by the letters of their number: code -> (Vietnamese name, English names).
DOCUMENT_KINDS: dict[str, tuple[str, tuple[str, ...]]] = {
    row[0]: (row[1], tuple(row[2].split("|"))) for row in _table("document_kinds.tsv")
}
_PEOPLE = _roles("people.tsv")
SURNAMES: tuple[str, ...] = _PEOPLE["surname"]
NOT_PEOPLE: tuple[str, ...] = _PEOPLE.get("not_a_person", ())
# The head of a Party document: title words ("BÁO CÁO") and header lines that are never the title.
DOCUMENT_HEADER: dict[str, tuple[str, ...]] = _roles("document_header.tsv")
# Lines of website furniture: "chrome" lines and "related" news headers (case-folded).
WEB_CHROME: dict[str, tuple[str, ...]] = _roles("web_chrome.tsv")
_KINDS = json.loads((DATA_DIR / "report_kinds.json").read_text(encoding="utf-8"))
# Kinds of Party document, in matching order: {"kind", "vi", "en", "title": [...], "question": [...]}.
REPORT_KINDS: tuple[dict, ...] = tuple(_KINDS["kinds"])
# Folded title starts that make a document a news article.
NEWS_START: tuple[str, ...] = tuple(_KINDS["news_start"])
# How questions name a report as such (folded): "bao cao so ket", "term review".
REPORT_NAMING: tuple[str, ...] = tuple(_KINDS["naming"])

# --- the parts of a report ------------------------------------------------------------------------------------
# Role (results, shortcomings, causes, lessons, difficulties, tasks, targets) -> its phrases, Vietnamese and English.
SECTION_ROLES: dict[str, tuple[str, ...]] = _roles("section_roles.tsv")
# Parts that answer opposite questions: role asked -> the roles opposed to it.
OPPOSED_ROLES: dict[str, frozenset[str]] = {
    row[0]: frozenset(_column(row, 1).split()) for row in _table("opposed_roles.tsv")
}
# Parts whose "why" is asked of their causes (results, shortcomings).
EXPLAINED_ROLES: frozenset[str] = frozenset(_lines("explained_roles.txt"))
# Words opening the items of an enumeration without numbers ("một là", "thứ hai").
ENUMERATIONS: tuple[str, ...] = tuple(_lines("enumerations.txt"))

# --- text addressed to the reader ------------------------------------------------------------------------
_ADDRESSED = _table("addressed_to_reader.tsv")
# Role (opener, override, say, that, copula, instructions, prior, agent, reader, persona, vocative, meta) ->
# phrases: the parts of a sentence that commands an assistant or a reader instead of reporting.
ADDRESSED_TO_READER: dict[str, tuple[str, ...]] = _roles("addressed_to_reader.tsv")
# The phrases of that file matched only with their diacritics (their folded form is another common word).
ADDRESSED_AS_WRITTEN: frozenset[str] = frozenset(
    row[1] for row in _ADDRESSED if "as_written" in _column(row, 2)
)

# --- questions -----------------------------------------------------------------------------------------------
# Cue phrases of each kind of question (count, why, across, ...; see question_cues.tsv).
QUESTION_CUES: dict[str, tuple[str, ...]] = _roles("question_cues.tsv")


def cues(role: str) -> tuple[str, ...]:
    """The question cue phrases of one role; a KeyError names a role missing from question_cues.tsv."""
    return QUESTION_CUES[role]


def number_words(role: str) -> tuple[str, ...]:
    """The words of one role of number_context.tsv."""
    return NUMBER_CONTEXT[role]


def units_tagged(tag: str) -> frozenset[str]:
    return frozenset(unit for unit, tags in UNIT_TAGS.items() if tag in tags)


def predicates_flagged(flag: str) -> frozenset[str]:
    return frozenset(key for key, flags in PREDICATE_FLAGS.items() if flag in flags)


def alternation(phrases: Iterable[str]) -> str:
    """A regex alternation of phrases, longest first, any run of spaces inside a phrase matching \\s+."""
    ordered = sorted(set(phrases), key=lambda p: (-len(p), p))
    return "|".join(re.escape(p).replace(r"\ ", r"\s+") for p in ordered)


def words_regex(phrases: Iterable[str], flags: int = re.IGNORECASE, plural: bool = False) -> re.Pattern[str]:
    """Any of the phrases as whole words: no letter may touch them (a digit may). With `plural`, a phrase
    may end in "s" or "es" (English plurals and verb forms: "targets", "compares"); no Vietnamese syllable
    ends in "s", so folded Vietnamese phrases match as before."""
    suffix = "(?:e?s)?" if plural else ""
    return re.compile(rf"(?<!{LETTER})(?:{alternation(phrases)}){suffix}(?!{LETTER})", flags)


_TONE_MARKS = "\u0300\u0301\u0303\u0309\u0323"


def tone_key(word: str) -> str:
    """A key equal for both tone placements ("hòa"/"hoà", "ủy"/"uỷ"): each syllable's tone mark moved last."""
    out = []
    for syllable in word.lower().split():
        decomposed = unicodedata.normalize("NFD", syllable)
        base = unicodedata.normalize("NFC", "".join(c for c in decomposed if c not in _TONE_MARKS))
        out.append(base + "".join(c for c in decomposed if c in _TONE_MARKS))
    return " ".join(out)


@cache
def dictionary_words() -> frozenset[str]:
    """Multi-syllable Vietnamese words from pyvi's word list (tone-placement independent, see `tone_key`), to
    guess where an unknown unit ends ("tài khoản ngân hàng" -> "tài khoản"). Empty without pyvi."""
    spec = importlib.util.find_spec("pyvi")
    if spec is None or not spec.submodule_search_locations:
        return frozenset()
    path = Path(next(iter(spec.submodule_search_locations))) / "models" / "words.txt"
    try:
        lines = path.read_text(encoding="utf-8").splitlines()
    except OSError:
        return frozenset()
    return frozenset(tone_key(w) for w in lines if " " in w.strip() and w.count(" ") < 4)
