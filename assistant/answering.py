"""The extractive answerer: no language model. Counts come from the numeric facts, per report; other
questions are answered with the best sentences of the retrieved passages, quoted and grouped by report.
Every answer goes through the citation check before it is returned. The counts are in answer_counts,
the quotes in answer_quotes; this module holds the entry point and the question's words."""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import replace
from functools import lru_cache

from assistant.answer_counts import CountAnswers
from assistant.answer_quotes import QuoteAnswers
from assistant.answer_words import Evidence
from assistant.citations import drop_unsupported_lines
from assistant.question import Question
from assistant.types import Answer, Citation, Fact, Passage, ReportMeta
from assistant.wording import phrase, report_label
from ingest.facts import top_level
from ingest.normalize import YEAR_RE, fold
from vectorstore.scope import strip_naming
from vectorstore.textproc import ABBREVIATIONS, STOPWORDS, document_tokens

_QUESTION_WORDS = {
    "bao", "nhieu", "may", "nao", "gi", "sao", "vi", "tai", "the", "nhu", "hay", "duoc", "bi", "co", "thi",
    "how", "many", "much", "what", "which", "who", "when", "why", "were", "was", "did", "does", "of",
    "in", "and", "to", "a", "an", "is", "are", "for", "from", "by", "with", "about", "that", "this", "some",
    "their", "they", "them", "hold", "name", "end", "up", "being", "according", "report", "reports", "cao", "theo", "trong", "tu", "ve", "cua",
    "noi", "nhac", "toi", "den", "de", "cap", "sanh", "mention", "mentions", "discuss", "discusses", "say", "says",
}  # fmt: skip
_WHY_WORDS = {"nguyen", "nhan", "ly", "do"}
_REPORT_WORDS = {
    "bao_cao",
    "so_ket",
    "tong_ket",
    "kiem_diem",
    "nhiem_ky",
    "giua_nhiem",
}  # how reports are named


class Answerer(CountAnswers, QuoteAnswers):
    def __init__(
        self,
        texts: dict[str, str],
        metas: dict[str, ReportMeta],
        facts: dict[str, list[Fact]],
        idf: Callable[[str], float],
        known: Callable[[str], bool],
    ) -> None:
        self.texts = texts
        self.metas = metas
        self.facts = facts
        # Totals and stand-alone figures (not breakdown parts), worked out once per index load.
        self.top_facts = {key: top_level(report_facts) for key, report_facts in facts.items()}
        self.idf = idf
        self.known = known
        self._sentence_cache: dict[str, list[tuple[int, int]]] = {}

    # --- entry point ---------------------------------------------------------------------------------
    def answer(self, q: Question, passages: list[Passage], scope: list[str] | None) -> Answer:
        q = replace(q, informative=tuple(self._informative(q, scope)))
        if q.kind in ("province", "doc_number"):
            lines, evidence, found = self._metadata(q, scope)
        elif q.kind in ("count", "comparison"):
            lines, evidence, found = self._count(q, scope)
            if not found and (q.kind == "comparison" or not self._count_scope_is_strict(q, scope)):
                lines, evidence, found = self._extract(q, passages, scope)
        else:
            lines, evidence, found = self._extract(q, passages, scope)
        if not found:
            lines, evidence = self._not_found(q, passages, scope)
        return self._finish(q, lines, evidence, found, passages, scope)

    def _count_scope_is_strict(self, q: Question, scope: list[str] | None) -> bool:
        """A count asked of a named report is not answered from prose: a missing figure is "not found"."""
        return bool(scope) or bool(q.predicates)

    # --- the question's words -----------------------------------------------------------------------
    def _overlap(self, q: Question, text: str) -> float:
        """3 × the IDF-weighted share of the question's informative words found in `text` (3 when the
        question has none: nothing to miss)."""
        words = q.informative
        if not words:
            return 3.0
        present = _token_set(text)
        total = sum(self.idf(w) for w in words)
        return 3.0 * sum(self.idf(w) for w in words if w in present) / total

    def _informative(self, q: Question, scope: list[str] | None) -> list[str]:
        """The question's content words: abbreviations expanded; words naming the report in scope and
        words the reports never use (untranslated English, typos) say nothing about which sentence answers."""
        own = _strip_terms(strip_naming(_spelled_out(q.words), [self.metas[k] for k in scope or []]))
        words = list(own)
        words += [f"{a}_{b}" for a, b in zip(own, own[1:], strict=False)]  # compounds: "chuyen_doi"
        words += [c for c in q.compounds if set(c.split("_")) <= set(own)]
        ignored = _QUESTION_WORDS | (_WHY_WORDS if q.kind == "why" else set())
        return [
            w
            for w in dict.fromkeys(words)
            if w not in STOPWORDS
            and w not in _REPORT_WORDS
            and not set(w.split("_")) <= ignored
            # A Vietnamese word the reports never use is evidence the answer is not there; an untranslated
            # English word or an unseen compound is not.
            and (self.known(w) or (q.lang == "vi" and ("_" not in w or w in q.compounds)))
        ]

    # --- not found -----------------------------------------------------------------------------------
    def _not_found(
        self, q: Question, passages: list[Passage], scope: list[str] | None
    ) -> tuple[list[str], list[Evidence]]:
        if scope and len(scope) == 1:
            head = phrase(q.lang, "not_found_scoped", label=report_label(self.metas[scope[0]], q.lang))
        else:
            head = phrase(q.lang, "not_found")
        # The closest passages are offered as such, by place only: quoting them in the answer could put a
        # number from another report or year next to the question. They are cited so they can be read.
        closest = passages[:3]
        lines = [head]
        if closest:
            lines.append(phrase(q.lang, "closest"))
            lines += [
                f"- {' — '.join(filter(None, (report_label(p.chunk.meta, q.lang), p.chunk.section)))} [{n}]"
                for n, p in enumerate(closest, start=1)
            ]
        evidence = [Evidence(p.chunk.doc_key, p.chunk.start, p.chunk.end, p.chunk.section) for p in closest]
        return lines, evidence

    # --- assembly ------------------------------------------------------------------------------------
    def _finish(
        self,
        q: Question,
        lines: list[str],
        evidence: list[Evidence],
        found: bool,
        passages: list[Passage],
        scope: list[str] | None,
    ) -> Answer:
        citations = [self._citation(n, ev) for n, ev in enumerate(evidence, start=1)]
        supports = [c.text for c in citations] + [c.label for c in citations]
        text, dropped = drop_unsupported_lines("\n".join(lines), supports, q.lang)
        if found and dropped and not re.search(r"\[\d+\]", text):  # every claim withdrawn
            lines, evidence = self._not_found(q, passages, scope)
            return self._finish(q, lines, evidence, False, passages, scope)
        return Answer(question=q.text, text=text, found=found, citations=citations, passages=passages)

    def _citation(self, n: int, ev: Evidence) -> Citation:
        meta = self.metas[ev.doc_key]
        return Citation(
            n=n,
            doc=meta.doc,
            title=meta.label(),
            section=ev.section,
            text=self.texts[ev.doc_key][ev.start : ev.end],
            start=ev.start,
            end=ev.end,
            score=ev.score,
            doc_key=ev.doc_key,
            label=report_label(meta, "vi"),
        )


def _spelled_out(words: tuple[str, ...]) -> list[str]:
    """Abbreviations replaced by their words, in place: "so khcn" -> "so khoa hoc va cong nghe"."""
    out: list[str] = []
    for word in words:
        out.extend(ABBREVIATIONS[word].split() if word in ABBREVIATIONS else [word])
    return [fold(w) for w in out]


def _strip_terms(words: list[str]) -> list[str]:
    """A term "nhiệm kỳ 2020 - 2025" names the report's period, not what is asked: taken out."""
    out: list[str] = []
    for word in words:
        if YEAR_RE.fullmatch(word) and out and YEAR_RE.fullmatch(out[-1]):
            out.pop()
            if out[-2:] == ["nhiem", "ky"]:
                del out[-2:]
            continue
        out.append(word)
    return out


@lru_cache(maxsize=50_000)
def _token_set(text: str) -> frozenset[str]:
    """Tokens of a sentence; the same sentences come back question after question, segmented once."""
    return frozenset(document_tokens(text))


def idf_from(table: dict[str, float]) -> Callable[[str], float]:
    """IDF of a token from the lexical index; unknown tokens weigh like the rarest."""
    ceiling = max(table.values(), default=1.0)
    return lambda token: max(0.1, table.get(token, ceiling))
