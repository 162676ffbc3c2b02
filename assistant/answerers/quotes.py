"""Extractive answers: the best whole sentences of the retrieved passages, quoted and grouped by report."""

from __future__ import annotations

from assistant.answerers.base import Draft, Library
from assistant.labels import answer_label
from assistant.question import Question, QuestionKind, has_cue
from assistant.wording import english_terms, phrase
from ingest.chunking import parse_heading
from ingest.lexicon import cues, words_regex
from ingest.names import names_a_person
from ingest.normalize import collapse_spaces, fold
from ingest.types import Evidence, Passage, Retrieval

MIN_COVERAGE = 0.45  # share of the question's informative words a sentence must hold to answer it
# Compound words of the question form (pyvi joins them too): never the thing asked about.
_QUESTION_COMPOUNDS = frozenset(fold(p).replace(" ", "_") for p in cues("question_phrase"))
_CAUSE_RE = words_regex(cues("cause_marker"))
# (ratio to the best score, floor) a sentence needs to be quoted; a cause is often stated in other words
# than the question's, so why-answers keep weaker sentences.
_KEEP = {QuestionKind.WHY: (0.25, 0.2), QuestionKind.LIST: (0.45, 0.3), QuestionKind.REPORTS: (0.45, 0.3)}
_LIMIT = {QuestionKind.WHY: 4, QuestionKind.LIST: 9}
REPORTS_LISTED = 6
ITEMS_AFTER_COLON = 8
GLOSSED_TERMS = 8


class QuoteAnswerer:
    """The sentences of the retrieved passages that hold most of the question's content words, quoted
    verbatim and grouped by report; what a sentence announces ("như sau:") comes with it."""

    def __init__(self, library: Library, known) -> None:
        self.lib = library
        self.known = known

    def answer(self, q: Question, found: Retrieval) -> Draft | None:
        if not q.informative:
            return None  # nothing in the question to look for in the reports
        scored = self._scored(q, found)
        if not scored or scored[0][1].score < MIN_COVERAGE or self._names_absent_concept(q):
            return None
        chosen = self._choose(q, scored)
        if q.asks_who and has_cue("post", q.text):
            # "Who is the secretary?" is answered by a name, not by sentences about the post.
            chosen = [(ev, s) for ev, s in chosen if names_a_person(s)]
            if not chosen:
                return None
        return Draft(self._quote_lines(q, chosen), [ev for ev, _ in chosen])

    def _scored(self, q: Question, found: Retrieval) -> list[tuple[float, Evidence, str]]:
        scored: list[tuple[float, Evidence, str]] = []
        figures_only = q.kind in (QuestionKind.COUNT, QuestionKind.COMPARISON)
        title_weight = 0.9 if q.kind in (QuestionKind.LIST, QuestionKind.WHY) else 0.7
        for prior, ev, sentence, title in self._sentences(found.passages):
            if figures_only and not any(ch.isdigit() for ch in sentence):
                continue  # a sentence without a figure does not answer "how many"
            # A sentence under a heading that matches the question ("Bài học kinh nghiệm") answers it too.
            coverage = max(self.lib.overlap(q, sentence), title_weight * self.lib.overlap(q, title)) / 3.0
            if q.kind is QuestionKind.WHY and _CAUSE_RE.search(sentence):
                coverage += 0.1
            if q.kind is QuestionKind.WHY and has_cue("why", f"{ev.section} {title}"):
                coverage += 0.2  # a section of causes answers a why-question
            if q.asks_who and names_a_person(sentence):
                coverage += 0.3
            ev.score = coverage
            scored.append((coverage + 0.2 * prior, ev, sentence))
        scored.sort(key=lambda item: -item[0])
        return scored

    def _sentences(self, passages: list[Passage]) -> list[tuple[float, Evidence, str, str]]:
        """Every whole sentence touching the retrieved passages (a chunk edge may cut one), with its
        passage's rank prior and the title of its section; each sentence once, headings left out."""
        out: list[tuple[float, Evidence, str, str]] = []
        seen: set[tuple[str, int]] = set()
        for rank, passage in enumerate(passages):
            chunk = passage.chunk
            title = chunk.title
            text = self.lib.text(chunk.doc_key)
            for start, end in self.lib.quote_spans(chunk.doc_key):
                if end <= chunk.start or start >= chunk.end:
                    continue
                sentence = text[start:end]
                if _is_heading(sentence) or _is_label(sentence):
                    # A label line ("Nguyên nhân khách quan:") titles the sentences after it.
                    title = sentence if _is_label(sentence) else title
                    continue
                if (chunk.doc_key, start) in seen:
                    continue
                seen.add((chunk.doc_key, start))
                out.append(
                    (1.0 / (rank + 2), Evidence(chunk.doc_key, start, end, chunk.section), sentence, title)
                )
        return out

    def _names_absent_concept(self, q: Question) -> bool:
        """A compound word of the question that no report uses ("trí tuệ nhân tạo"): nothing answers it."""
        return any(not self.known(c) and c not in _QUESTION_COMPOUNDS for c in q.compounds)

    def _choose(self, q: Question, scored: list[tuple[float, Evidence, str]]) -> list[tuple[Evidence, str]]:
        best = scored[0][0]
        ratio, floor = _KEEP.get(q.kind, (0.6, 0.3))
        keep = [(ev, s) for score, ev, s in scored if score >= ratio * best and ev.score >= floor]
        if q.kind is QuestionKind.REPORTS:  # the best sentence of each report that has one
            per_report: dict[str, tuple[Evidence, str]] = {}
            for ev, s in keep:
                per_report.setdefault(ev.doc_key, (ev, s))
            return list(per_report.values())[:REPORTS_LISTED]
        limit = _LIMIT.get(q.kind, 2)
        chosen: list[tuple[Evidence, str]] = []
        for ev, s in keep:
            for item in [(ev, s), *self._follow_on(q, ev, s)]:
                if not any(
                    item[0].doc_key == c.doc_key and item[0].start < c.end and c.start < item[0].end
                    for c, _ in chosen
                ):
                    chosen.append(item)
            if len(chosen) >= limit:
                break
        return chosen[:limit]

    def _follow_on(self, q: Question, ev: Evidence, sentence: str) -> list[tuple[Evidence, str]]:
        """What a sentence announces comes after it: the items after "... như sau:", and for a why-question
        the sentence after the one that restates it ("trong điều kiện có nhiều khó khăn." -> the causes)."""
        count = (
            ITEMS_AFTER_COLON if sentence.rstrip().endswith(":") else 1 if q.kind is QuestionKind.WHY else 0
        )
        if not count:
            return []
        after = [(s, e) for s, e in self.lib.quote_spans(ev.doc_key) if s >= ev.end][:count]
        text = self.lib.text(ev.doc_key)
        return [(Evidence(ev.doc_key, s, e, ev.section, ev.score), text[s:e]) for s, e in after]

    def _quote_lines(self, q: Question, chosen: list[tuple[Evidence, str]]) -> list[str]:
        lines: list[str] = []
        by_report: dict[str, list[int]] = {}
        for i, (ev, _) in enumerate(chosen, start=1):
            by_report.setdefault(ev.doc_key, []).append(i)
        if q.kind is QuestionKind.REPORTS:
            lines.append(phrase(q.lang, "reports_mention"))
        elif q.lang == "en":
            lines.append(phrase("en", "quotes_why" if q.kind is QuestionKind.WHY else "quotes"))
        for key, numbers in by_report.items():
            lines.append(f"**{answer_label(self.lib.meta(key), q.lang)}**:")
            for n in numbers:
                quote = collapse_spaces(chosen[n - 1][1])
                # English answers name the passage's terms in English; the quote stays the report's own.
                tag = english_terms(quote) if q.lang == "en" else ""
                lines.append(f"- {f'({tag}) ' if tag else ''}«{quote}» [{n}]")
        return lines


def _is_label(sentence: str) -> bool:
    """A short line introducing what follows: "* Nguyên nhân khách quan:", "Phương hướng:"."""
    stripped = sentence.strip(" *_-•+\n")
    return len(stripped.split()) <= 8 and stripped.endswith(":")


def _is_heading(sentence: str) -> bool:
    """A heading line alone; a heading joined to the sentence under it is that sentence."""
    if "\n" in sentence.strip():
        return False
    return len(sentence.split()) <= 20 and (parse_heading(sentence) is not None or sentence.isupper())
