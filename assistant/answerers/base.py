"""The answerers' one interface and the library of report text and figures they read.

An answerer takes a parsed Question and the passages search found and returns a Draft (answer lines with
[n] markers and the Evidence each marker cites) or None when it cannot answer. The engine tries them in
order, then checks every number of the draft against what it cites (assistant/citations.py).
"""

from __future__ import annotations

import bisect
from collections.abc import Callable, Mapping, Sequence
from collections.abc import Set as AbstractSet
from dataclasses import dataclass, field
from functools import cached_property, wraps
from typing import Protocol, TypeVar

from assistant.question import Question
from ingest.facts import answered_predicates, top_level
from ingest.span_words import fact_words, section_words
from ingest.tokens import token_set
from ingest.types import (
    Evidence,
    Fact,
    FactWords,
    ProcessedReport,
    ReportMeta,
    Retrieval,
    Section,
    SectionWords,
    Sentence,
    TableRow,
)
from vectorstore.derived import fact_id, fact_position
from vectorstore.lexical import LexicalIndex
from vectorstore.restore import MAX_N, written_forms
from vectorstore.restore import WORD_RE as RUN_WORD_RE


@dataclass
class Draft:
    """Answer lines ([n] markers point into `evidence`, counted from 1) and whether they answer."""

    lines: list[str]
    evidence: list[Evidence]
    found: bool = True
    derived: tuple[float, ...] = ()  # figures computed from cited ones (a difference): not in any passage
    tallies: tuple[int, ...] = ()  # how many reports the answer says it searched or left out: no claims
    table: list[TableRow] = field(default_factory=list)


class HoldsTraits(Protocol):
    _traits: dict[str, dict[int, object]]  # once_per_figure's, by the trait's name


Owner = TypeVar("Owner", bound=HoldsTraits)
T = TypeVar("T")


def once_per_figure(method: Callable[[Owner, Fact], T]) -> Callable[[Owner, Fact], T]:
    """A trait of a figure that no question changes, computed once per figure. Keyed by the figure's id:
    the snapshot that owns the object holds its figures as long as it lives."""
    name = method.__name__

    @wraps(method)
    def once(self: Owner, fact: Fact) -> T:
        memo = self._traits.setdefault(name, {})
        if id(fact) not in memo:
            memo[id(fact)] = method(self, fact)
        return memo[id(fact)]  # type: ignore[return-value]

    return once


class Answerer(Protocol):
    def answer(self, q: Question, found: Retrieval) -> Draft | None: ...


FACT_CANDIDATES = 3000  # a cost bound, not a choice of answer: the gold sets' reports hold fewer figures


@dataclass
class Library:
    """The indexed reports as the answerers read them: text, metadata, sentences and figures, with the
    lexical index's IDF to weigh the question's words. Built once per index load."""

    reports: Mapping[str, ProcessedReport]
    idf_table: Mapping[str, float]
    fact_index: LexicalIndex | None = None  # the figures' words (vectorstore/derived.py); None: scan all
    vocabulary: Mapping[str, str] | None = None  # the restorer's sequences (vectorstore/restore.py)
    _quote_spans: dict[str, list[tuple[int, int]]] = field(default_factory=dict, repr=False)
    _top_by_sentence: dict[str, dict[tuple[int, int], list[Fact]]] = field(default_factory=dict, repr=False)
    # Tokens of older records' figures and sections, by the id of the record's object (held for the load).
    _span_words: dict[int, FactWords | SectionWords] = field(default_factory=dict, repr=False)
    _last_weights: tuple[Question, dict[str, float], float] | None = field(default=None, repr=False)

    def text(self, key: str) -> str:
        return self.reports[key].text

    def meta(self, key: str) -> ReportMeta:
        return self.reports[key].meta

    @property
    def metas(self) -> dict[str, ReportMeta]:
        return {key: r.meta for key, r in self.reports.items()}

    def section_role(self, key: str, path: str) -> str:
        """The part the section at this path plays (results, targets, tasks ...), or ""."""
        return self._roles[key].get(path, "")

    @cached_property
    def _roles(self) -> dict[str, dict[str, str]]:
        out: dict[str, dict[str, str]] = {}
        for key, report in self.reports.items():
            roles = out.setdefault(key, {})
            for section in report.sections:
                roles.setdefault(section.path, section.role)
        return out

    def facts(self, key: str) -> list[Fact]:
        return self._facts[key]

    @cached_property
    def _facts(self) -> dict[str, list[Fact]]:
        """Each report's facts, none from a sentence addressed to the reader (ingest makes none; an index
        written otherwise must not answer one either)."""
        return {
            key: [f for f in r.facts if not self.addressed(key, f.sentence_start, f.sentence_end)]
            for key, r in self.reports.items()
        }

    @cached_property
    def top_facts(self) -> dict[str, list[Fact]]:
        """Totals and stand-alone figures (not breakdown parts), per report."""
        return {key: top_level(facts) for key, facts in self._facts.items()}

    def sentences(self, key: str) -> list[Sentence]:
        """The report's sentences that an answer may quote: never one addressed to the reader (ingest/
        instructions.py). Every answerer picks its sentences here, or checks its spans with `addressed`."""
        return self._reported[key]

    @cached_property
    def _reported(self) -> dict[str, list[Sentence]]:
        return {key: [s for s in r.sentences if not s.addressed] for key, r in self.reports.items()}

    @cached_property
    def _addressed(self) -> dict[str, list[tuple[int, int]]]:
        return {
            key: [(s.start, s.end) for s in r.sentences if s.addressed] for key, r in self.reports.items()
        }

    def addressed(self, key: str, start: int, end: int) -> bool:
        """A span touches a sentence addressed to the reader: it must not be quoted nor give a figure."""
        return any(a < end and start < b for a, b in self._addressed.get(key, ()))

    @cached_property
    def _sentence_starts(self) -> dict[str, list[int]]:
        return {key: [s.start for s in r.sentences] for key, r in self.reports.items()}

    def headings_over(self, key: str, offset: int) -> str:
        """The headings of every section holding the offset, outermost first: a part headed "Phương
        hướng, nhiệm vụ năm 2025" dates the figures under it."""
        text = self.text(key)
        over = sorted(
            (s for s in self.reports[key].sections if s.start <= offset < s.end), key=lambda s: s.start
        )
        return " ".join(_with_title_line(text, *s.title) for s in over)

    def sentence_of(self, key: str, offset: int) -> tuple[int, int]:
        """The whole sentence (not the clause a fact was read from) holding a character offset."""
        sentences = self.reports[key].sentences
        i = bisect.bisect_right(self._sentence_starts[key], offset) - 1
        if i >= 0 and offset < sentences[i].end:
            return sentences[i].start, sentences[i].end
        return offset, offset

    def top_facts_beside(self, fact: Fact) -> list[Fact]:
        """The totals and stand-alone figures of the figure's sentence (itself among them when it is one),
        in the report's order: asked of each figure an answer gives, looked up, not scanned."""
        key = fact.doc_key
        by_sentence = self._top_by_sentence.get(key)
        if by_sentence is None:
            by_sentence = {}
            for other in self.top_facts[key]:
                by_sentence.setdefault(self.sentence_of(key, other.start), []).append(other)
            self._top_by_sentence[key] = by_sentence
        return by_sentence.get(self.sentence_of(key, fact.start), [])

    def same_sentence(self, a: Fact, b: Fact) -> bool:
        return a.doc_key == b.doc_key and self.sentence_of(a.doc_key, a.start) == self.sentence_of(
            b.doc_key, b.start
        )

    def quote_spans(self, key: str) -> list[tuple[int, int]]:
        """The report's sentences as quoted: short lines (a heading, a signature "TM. ĐẢNG ỦY / BÍ THƯ /
        name") join each other and the next sentence, as alone they say nothing; none addressed to the
        reader."""
        if key not in self._quote_spans:
            self._quote_spans[key] = _merge_short(self.text(key), self.reports[key].sentences)
        return self._quote_spans[key]

    def writes(self, folded_words: str) -> bool:
        """Some report writes these words in a row (folded, whole words): a compound the segmenter joined
        otherwise in the question than in the report ("lãnh đạo cụ thể" + "hóa") is still written there.
        Looked up in the restorer's table of every 1-3-word sequence (built once per change of the index,
        where folding the whole archive per load took seconds); a longer run is taken as written when
        each of its 3-word windows is."""
        run = RUN_WORD_RE.findall(folded_words)
        vocabulary = self.sequences
        return bool(run) and all(
            " ".join(run[i : i + MAX_N]) in vocabulary for i in range(max(1, len(run) - MAX_N + 1))
        )

    @cached_property
    def sequences(self) -> Mapping[str, str]:
        """Every folded 1-3-word sequence of the reports (to its written form): the index's, or made here."""
        return (
            self.vocabulary
            if self.vocabulary is not None
            else written_forms([r.text for r in self.reports.values()])
        )

    @cached_property
    def idf(self) -> Callable[[str], float]:
        """IDF of a token from the lexical index; unknown tokens weigh like the rarest."""
        ceiling = max(self.idf_table.values(), default=1.0)
        table = self.idf_table
        return lambda token: max(0.1, table.get(token, ceiling))

    def overlap(
        self, q: Question, text: str | AbstractSet[str], also: AbstractSet[str] = frozenset()
    ) -> float:
        """3 × the IDF-weighted share of the question's content words found in a text or among its tokens
        (or among those and `also`'s), 3 when the question has none: nothing to miss."""
        weights, total = self._weights(q)
        if not total:
            return 3.0
        present = token_set(text) if isinstance(text, str) else text
        # The question's few words looked up in the sets: this runs for every candidate figure, most of
        # which hold none of them.
        hit = weights.keys() & present
        if also:
            hit |= weights.keys() & also
        if not hit:
            return 0.0
        return 3.0 * sum(w for t, w in weights.items() if t in hit) / total

    def _weights(self, q: Question) -> tuple[dict[str, float], float]:
        """The question's content words with their IDF, and their sum: the last question's kept, as every
        figure and section it is asked of needs them."""
        last = self._last_weights
        if last is not None and last[0] is q:
            return last[1], last[2]
        weights = {w: self.idf(w) for w in q.informative}
        total = sum(self.idf(w) for w in q.informative)  # a word asked twice weighs twice
        self._last_weights = (q, weights, total)
        return weights, total

    @cached_property
    def _by_predicate(self) -> dict[str, dict[str, set[int]]]:
        """Verb asked → report → the places in its record of the figures stated with that verb (or with
        one of its kinds: a reprimand is a discipline)."""
        out: dict[str, dict[str, set[int]]] = {}
        for key, report in self.reports.items():
            for position, fact in enumerate(report.facts):
                for verb in answered_predicates(fact.predicate) if fact.predicate else ():
                    out.setdefault(verb, {}).setdefault(key, set()).add(position)
        return out

    def candidate_facts(
        self,
        q: Question,
        found: Retrieval,
        within: Sequence[str] | None = None,
        doing: Sequence[str] = (),
    ) -> dict[str, list[Fact]]:
        """The figures a question may be answered by, per report (those `within`, or all) in order: those
        whose words share most with the question's (at most FACT_CANDIDATES: the figure model then scores a
        bounded number however large the archive or the scope), those in sentences search found near it
        in meaning, and every figure stated with a verb of `doing` (when the verb asked decides, all that
        may answer, however many reports state one: a table across the archive must miss none). Every
        figure when the reports hold no more than that bound, or with no figures matrix."""
        keys = list(self.reports) if within is None else list(within)
        held = len(self.fact_index.ids) if self.fact_index is not None and within is None else None
        if held is None:
            held = sum(len(self.reports[key].facts) for key in keys)
        if self.fact_index is None or held <= FACT_CANDIDATES:
            return {key: self.facts(key) for key in keys}  # within the bound: every figure
        allowed = None
        if within is not None:
            allowed = {fact_id(key, i) for key in keys for i in range(len(self.reports[key].facts))}
        chosen: dict[str, set[int]] = {}
        for fid, _score in self.fact_index.search(" ".join(q.informative), FACT_CANDIDATES, allowed):
            key, position = fact_position(fid)
            chosen.setdefault(key, set()).add(position)
        in_scope = set(keys)
        for verb in doing:
            for key, positions in self._by_predicate.get(verb, {}).items():
                if key in in_scope:
                    chosen.setdefault(key, set()).update(positions)
        for key in (k for k in found.sentences if k in in_scope):
            for position, fact in enumerate(self.reports[key].facts):
                if found.meaning(key, fact.sentence_start, fact.sentence_end) > found.floor:
                    chosen.setdefault(key, set()).add(position)
        out: dict[str, list[Fact]] = {}
        for key in keys:
            if key in chosen:
                record = self.reports[key].facts
                facts = [record[i] for i in sorted(chosen[key])]
                out[key] = [f for f in facts if not self.addressed(key, f.sentence_start, f.sentence_end)]
        return out

    def fact_words(self, fact: Fact) -> FactWords:
        """The figure's tokens as ingest segmented them; segmented here, once, for older records."""
        if fact.words is not None:
            return fact.words
        cached = self._span_words.get(id(fact))
        if cached is None:
            cached = self._span_words[id(fact)] = fact_words(self.text(fact.doc_key), fact)
        return cached

    def section_words(self, key: str, section: Section) -> SectionWords:
        """The section's tokens as ingest segmented them; segmented here, once, for older records."""
        if section.words is not None:
            return section.words
        cached = self._span_words.get(id(section))
        if cached is None:
            cached = self._span_words[id(section)] = section_words(self.text(key), section)
        return cached


MIN_QUOTE_WORDS = 4


def _merge_short(text: str, sentences) -> list[tuple[int, int]]:
    merged: list[tuple[int, int]] = []
    run_start: int | None = None
    for sentence in sentences:
        start, end = sentence.start, sentence.end
        if sentence.addressed:
            run_start = None  # never quoted, nor joined to what is: the short lines before it go with it
            continue
        if len(text[start:end].split()) < MIN_QUOTE_WORDS:
            run_start = start if run_start is None else run_start
            continue
        merged.append((start if run_start is None else run_start, end))
        run_start = None
    if run_start is not None and sentences:
        merged.append((run_start, sentences[-1].end))
    return merged


HEADING_WORDS = 20  # a longer "heading" is a sentence the section opens with: it dates nothing beyond itself


def _with_title_line(text: str, start: int, end: int) -> str:
    """A heading with the capitalised line under it: "Phần thứ hai" is titled by "PHƯƠNG HƯỚNG, NHIỆM VỤ
    NĂM 2025" on its own line."""
    title = text[start:end].split(":")[0]  # "b) Công tác phát triển đảng viên: Năm 2024, ...": its head only
    if len(title.split()) > HEADING_WORDS:
        return ""
    line_end = text.find("\n", end + 1)
    after = text[end : line_end if line_end > 0 else len(text)].strip()
    return f"{title} {after}" if after.isupper() else title
