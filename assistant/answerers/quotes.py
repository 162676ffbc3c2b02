"""Extractive answers: the best whole sentences of the retrieved passages, quoted and grouped by report."""

from __future__ import annotations

from assistant.answerers.base import Draft, Library
from assistant.answerers.model import logit, model
from assistant.labels import answer_label
from assistant.question import Question, QuestionKind, has_cue
from assistant.wording import phrase, quote_line
from ingest.lexicon import cues, words_regex
from ingest.names import names_a_person
from ingest.normalize import fold
from ingest.sections import names_opposite_part, parse_heading
from ingest.types import Evidence, Passage, Retrieval

# Compound words of the question form (pyvi joins them too): never the thing asked about.
_QUESTION_COMPOUNDS = frozenset(fold(p).replace(" ", "_") for p in cues("question_phrase"))
_CAUSE_RE = words_regex(cues("cause_marker"))
# How far below the best sentence (in the sentence model's log-odds) another may still be quoted; a cause is
# often stated in other words than the question's, so why-answers keep weaker sentences.
KEEP_MARGIN = 2.5
_KEEP = {QuestionKind.WHY: 5.0, QuestionKind.LIST: 3.5, QuestionKind.REPORTS: 3.5}
_LIMIT = {QuestionKind.WHY: 4, QuestionKind.LIST: 9}
REPORTS_LISTED = 6
ITEMS_AFTER_COLON = 8


class QuoteAnswerer:
    """The sentences of the retrieved passages that hold most of the question's content words, quoted
    verbatim and grouped by report; what a sentence announces ("như sau:") comes with it."""

    def __init__(self, library: Library, known) -> None:
        self.lib = library
        self.known = known

    def answer(self, q: Question, found: Retrieval) -> Draft | None:
        scored = self._scored(q, found)
        if not scored or not self.accepts(q, scored) or self._names_absent_concept(q):
            return None
        chosen = self._choose(q, scored)
        if q.asks_who and has_cue("post", q.text):
            # "Who is the secretary?" is answered by a name, not by sentences about the post.
            chosen = [(ev, s) for ev, s in chosen if names_a_person(s)]
            if not chosen:
                return None
        return Draft(self._quote_lines(q, chosen), [ev for ev, _ in chosen])

    def candidates(self, q: Question, found: Retrieval) -> list[tuple[Evidence, str, dict[str, float]]]:
        """The sentences that may answer, with what the sentence model weighs of each."""
        figures_only = q.kind in (QuestionKind.COUNT, QuestionKind.COMPARISON)
        out = []
        for prior, ev, sentence, title in self._sentences(found.passages):
            if figures_only and not any(ch.isdigit() for ch in sentence):
                continue  # a sentence without a figure does not answer "how many"
            out.append((ev, sentence, self.features(q, ev, sentence, title, prior, found)))
        return out

    def features(
        self, q: Question, ev: Evidence, sentence: str, title: str, prior: float, found: Retrieval
    ) -> dict[str, float]:
        """The question's words in the sentence (or in the heading it stands under: "Bài học kinh nghiệm"
        answers a question about lessons), its meaning, the rank of its passage, and what a why- or
        who-question looks for."""
        title_weight = 0.9 if q.kind in (QuestionKind.LIST, QuestionKind.WHY) else 0.7
        words = max(self.lib.overlap(q, sentence), title_weight * self.lib.overlap(q, title)) / 3.0
        why = q.kind is QuestionKind.WHY
        return {
            "words": words if q.informative else 0.0,
            "english_words": words if q.informative and q.lang == "en" else 0.0,
            "no_words": float(not q.informative),  # nothing of the question to look for word by word
            "meaning": found.relative_meaning(ev.doc_key, ev.start, ev.end),
            "prior": prior,
            "cause": float(why and bool(_CAUSE_RE.search(sentence))),
            "cause_section": float(why and has_cue("why", f"{ev.section} {title}")),
            "name": float(q.asks_who and names_a_person(sentence)),
            # "năm qua có nhiều thuận lợi" does not answer a question about the difficulties
            "other_part": float(bool(q.part) and names_opposite_part(q.part, f"{title} {sentence}")),
        }

    def _scored(self, q: Question, found: Retrieval) -> list[tuple[float, Evidence, str]]:
        """Candidates by the sentence model's score (log-odds; its probability kept as each evidence's
        score), best first."""
        m = model("sentence")
        scored: list[tuple[float, Evidence, str]] = []
        for ev, sentence, values in self.candidates(q, found):
            ev.score = m.probability(values)
            scored.append((logit(ev.score), ev, sentence))
        scored.sort(key=lambda item: -item[0])
        return scored

    @staticmethod
    def accept_features(q: Question, scored: list[tuple[float, Evidence, str]]) -> dict[str, float]:
        """What the decision to answer at all weighs: how well the best sentence scores, by how much it
        leads the next, and whether the question had words to look for."""
        top = scored[0][0]
        return {
            "score": top,
            "lead": top - scored[1][0] if len(scored) > 1 else 0.0,
            "no_words": float(not q.informative),
            "english": float(q.lang == "en"),
        }

    def accepts(self, q: Question, scored: list[tuple[float, Evidence, str]]) -> bool:
        m = model("sentence_accept")
        return m.probability(self.accept_features(q, scored)) >= m.threshold

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
        return any(
            not self.known(c) and c not in _QUESTION_COMPOUNDS and not self.lib.writes(c.replace("_", " "))
            for c in q.compounds
        )

    def _choose(self, q: Question, scored: list[tuple[float, Evidence, str]]) -> list[tuple[Evidence, str]]:
        best = scored[0][0]
        margin = _KEEP.get(q.kind, KEEP_MARGIN)
        keep = [(ev, s) for score, ev, s in scored if score >= best - margin]
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
                lines.append(quote_line(chosen[n - 1][1], q.lang, n, q.text))
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
