"""Sections as answers: a question asking for a part of a report (its lessons, shortcomings, causes,
difficulties, tasks, targets) or for a list is answered with the items of the section that holds them,
each cut to its lead clause and cited, with how many there are. Sections are chosen by a fitted model over
the part they play, the question's words in their heading and items, and their meaning."""

from __future__ import annotations

import re
from collections.abc import Set as AbstractSet

from assistant.answerers.base import Draft, Library
from assistant.answerers.model import model
from assistant.labels import answer_label
from assistant.question import Question, QuestionKind
from assistant.wording import count_word, part_name, phrase, quote_line
from ingest.normalize import collapse_spaces
from ingest.numbers import numbers_in
from ingest.sentences import sentences_within
from ingest.span_words import token_set_of
from ingest.tokens import token_set
from ingest.types import Evidence, Retrieval, Section

MIN_ITEMS = 2
MAX_ITEMS = 12
MAX_REPORTS = 3
SCORED_REPORTS = 30  # a cost bound: more reports in scope than this, their sections scored in this many
LEAD_WORDS = 30  # an item's first sentence longer than this is cut at its first ";" or ":"
# ... unless its later clauses state figures ("85% chi bộ ...; trên 85% đảng viên ...; dưới 2%"): each is a
# claim of its own (a list of targets), kept whole up to this length.
FIGURES_ITEM_WORDS = 60
# An item about what the question narrows the part to ("shortcomings in inspection work") is quoted whole
# up to this length: its later sentences are the answer, not detail.
TOPIC_ITEM_WORDS = 120
# An item this short is quoted whole, whatever its sentences: its second clause or sentence is often the
# point ("...chưa đồng đều; điểm thi vào lớp 10 môn Tiếng Anh còn thấp"), and the whole is a few lines.
WHOLE_ITEM_WORDS = 60
FEW_ITEMS = 4  # a section of this many items or fewer has each quoted whole up to TOPIC_ITEM_WORDS
LABEL_WORDS = 6  # "a) Nguyên nhân khách quan:": a label before its colon is a few words


class SectionAnswerer:
    def __init__(self, library: Library) -> None:
        self.lib = library

    def answer(self, q: Question, found: Retrieval) -> Draft | None:
        best = self.best_sections(q, found) if found.sections is None else found.sections
        if not best:
            return None
        lines: list[str] = []
        evidence: list[Evidence] = []
        for key, section, _p in best:
            leads = self._figures(key, section) if section.role == "results" else []
            leads = leads or self._leads(key, section, self._on_topic(q, key, section))
            if q.kind is QuestionKind.WHY and section.role == "causes":
                for start, end in self._explained(q, key, section, found):  # what is explained, then why
                    evidence.append(Evidence(key, start, end, ""))
                    lines.append(quote_line(self.lib.text(key)[start:end], q.lang, len(evidence), q.text))
            evidence.append(Evidence(key, *section.title, section.path))  # the heading is cited too
            lines.append(f"{self._head(q, key, section, len(leads))} [{len(evidence)}]")
            for start, end in leads:
                evidence.append(Evidence(key, start, end, section.path))
                lines.append(quote_line(self.lib.text(key)[start:end], q.lang, len(evidence), q.text))
        return Draft(lines, evidence)

    def best_sections(self, q: Question, found: Retrieval) -> list[tuple[str, Section, float]]:
        """The best section of each report in scope whose probability of answering passes the threshold,
        best first."""
        m = model("section")
        best: list[tuple[str, Section, float]] = []
        for key in self._reports_to_score(q, found):
            scored = [(m.probability(self.features(q, key, s, found)), s) for s in self.candidates(key)]
            if scored:
                p, section = max(scored, key=lambda ps: ps[0])
                if p >= m.threshold:
                    best.append((key, section, p))
        best.sort(key=lambda b: -b[2])
        return best[:1] if q.scope and len(q.scope) == 1 else best[:MAX_REPORTS]

    def _reports_to_score(self, q: Question, found: Retrieval) -> list[str]:
        """The reports in scope, or in a larger archive those holding the sentences nearest the question:
        a section that answers shares its meaning, and scoring every report's sections grew with the
        archive (a second a question at 100k chunks)."""
        keys = q.scope or list(self.lib.reports)
        if len(keys) <= SCORED_REPORTS:
            return keys
        nearest = {key: max(sim for *_, sim in spans) for key, spans in found.sentences.items() if spans}
        ranked = sorted((k for k in keys if k in nearest), key=lambda k: -nearest[k])[:SCORED_REPORTS]
        chosen = set(ranked)
        return [k for k in keys if k in chosen]

    def candidates(self, key: str) -> list[Section]:
        """The sections of a report that may answer: a list of items, not headed by a sentence addressed
        to the reader."""
        return [
            s
            for s in self.lib.reports[key].sections
            if len(s.items) >= MIN_ITEMS and not self.lib.addressed(key, *s.title)
        ]

    def features(self, q: Question, key: str, section: Section, found: Retrieval) -> dict[str, float]:
        tokens = self.lib.section_words(key, section)
        items = frozenset().union(*(token_set_of(t) for t in tokens.items[:MAX_ITEMS]))
        item_meaning = max((found.relative_meaning(key, a, b) for a, b in section.items), default=0.0)
        return {
            "part": float(bool(q.part) and section.role == q.part),
            "other_part": float(bool(q.part) and bool(section.role) and section.role != q.part),
            "title": self.lib.overlap(q, token_set_of(tokens.title)) / 3.0,
            "items": self.lib.overlap(q, items) / 3.0,
            "meaning": found.relative_meaning(key, *section.title),
            "item_meaning": item_meaning,
            "listed": float(section.level >= 6),
            "part_below": float(bool(q.part) and self._part_below(key, section, q.part)),
        }

    def _part_below(self, key: str, section: Section, part: str) -> bool:
        """A heading over sub-sections of several parts ("V. Hạn chế, nguyên nhân và bài học") holds the
        part asked for in one of them: that one answers, not the whole. A heading whose items all lie in
        sub-sections playing the part asked for still answers whole."""
        below = [
            s
            for s in self.lib.reports[key].sections
            if s.role == part
            and s.path != section.path
            and len(s.items) >= MIN_ITEMS
            and section.start <= s.start
            and s.end <= section.end
            and s.title[0] > section.title[0]
        ]
        return bool(below) and any(not any(s.start <= a < s.end for s in below) for a, _ in section.items)

    def _head(self, q: Question, key: str, section: Section, n: int) -> str:
        title = collapse_spaces(self.lib.text(key)[section.title[0] : section.title[1]])
        what = part_name(section.role or q.part, q.lang)
        return phrase(
            q.lang,
            "section_items",
            label=answer_label(self.lib.meta(key), q.lang),
            title=title,
            n=count_word(n, q.lang),
            what=what,
        )

    def _explained(self, q: Question, key: str, section: Section, found: Retrieval) -> list[tuple[int, int]]:
        """What a why-question's causes explain, as the report states it: the sentence of its body (not a
        heading, not the document's head) nearest the question outside the causes, in words and meaning,
        when it is nearer than every cause ("kết nạp 9 đảng viên mới, chưa đạt chỉ tiêu")."""
        sections = self.lib.reports[key].sections
        body_start = min((s.start for s in sections), default=0)
        titles = {s.title for s in sections}
        text = self.lib.text(key)
        inside, outside = [0.0], []
        for a, b, _sim in found.sentences.get(key, []):
            near = self.lib.overlap(q, text[a:b]) / 3.0 + found.relative_meaning(key, a, b)
            if section.start <= a < section.end:
                inside.append(near)
            elif a >= body_start and (a, b) not in titles:
                outside.append((near, a, b))
        best = max(outside, default=None)
        return [(best[1], best[2])] if best and best[0] > max(inside) else []

    def _figures(self, key: str, section: Section) -> list[tuple[int, int]]:
        """The sentences of a section of results that state figures: results are given in figures."""
        text = self.lib.text(key)
        inside = sentences_within(self.lib.sentences(key), section.title[1], section.end)
        spans = [(s.start, s.end) for s in inside if s.start >= section.title[1] and s.end <= section.end]
        return [(s, e) for s, e in spans if numbers_in(text[s:e], quantities_only=True)][:MAX_ITEMS]

    @staticmethod
    def _figures_throughout(text: str, start: int, end: int) -> bool:
        """A sentence of figure clauses, short enough to quote whole."""
        clauses = [c for c in re.split(r"[;:]", text[start:end]) if c.strip()]
        return (
            len(text[start:end].split()) <= FIGURES_ITEM_WORDS
            and len(clauses) > 1
            and all(numbers_in(c, quantities_only=True) for c in clauses)
        )

    def _on_topic(self, q: Question, key: str, section: Section) -> set[tuple[int, int]]:
        """The items about what the question narrows the part to: its content words that neither the
        heading (it says the part) nor the report's title and issuer (they name the report) say, found
        most in these items and not in all of them."""
        text = self.lib.text(key)
        meta = self.lib.meta(key)
        said = f"{section.path} {text[section.title[0] : section.title[1]]} {meta.title} {meta.issuing_body}"
        said_already = token_set(said)
        topic = [w for w in q.informative if w not in said_already]
        if not topic:
            return set()
        items = section.items[:MAX_ITEMS]
        tokens = [token_set_of(t) for t in self.lib.section_words(key, section).items]
        hits = {
            item: sum(self.lib.idf(w) for w in topic if w in words)
            for item, words in zip(items, tokens, strict=False)
        }
        most = max(hits.values(), default=0.0)
        on_topic = {item for item, hit in hits.items() if most and hit == most}
        return on_topic if len(on_topic) < len(items) else set()

    def _leads(
        self, key: str, section: Section, whole: AbstractSet[tuple[int, int]] = frozenset()
    ) -> list[tuple[int, int]]:
        """Each item's lead: its first sentence, cut at its first ";" or ":" when long; an item that is only
        a sentence addressed to the reader is left out. Items in `whole` are quoted whole when short
        enough."""
        text = self.lib.text(key)
        out = []
        # Asked without a topic, a few items are quoted whole up to the length of an item on topic; many, up
        # to a few lines each. Narrowed to a topic, the items on it are whole, the others by their lead.
        whole_words = TOPIC_ITEM_WORDS if len(section.items) <= FEW_ITEMS else WHOLE_ITEM_WORDS
        for start, end in section.items[:MAX_ITEMS]:
            inside = sentences_within(self.lib.sentences(key), start, end)
            first = inside[0] if inside else None
            s, e = (max(start, first.start), min(end, first.end)) if first else (start, end)
            paragraph = text.find("\n", e, end)  # an item's own text: its paragraph, not what follows it
            own = [x for x in inside if paragraph < 0 or x.end <= paragraph]
            if (start, end) in whole and len(text[s:end].split()) <= TOPIC_ITEM_WORDS:
                e = max(e, min(end, inside[-1].end)) if inside else end  # its sentences, not its bullet
            elif not whole and own and len(text[s : own[-1].end].split()) <= whole_words:
                e = max(e, min(end, own[-1].end))
            elif _labelled_list(text, s, e) and len(text[s:e].split()) <= TOPIC_ITEM_WORDS:
                pass  # "a) Khách quan: X; Y; Z": a label and the list it heads, each part an answer
            elif len(text[s:e].split()) > LEAD_WORDS and not self._figures_throughout(text, s, e):
                clauses = [c for c in (first.clauses if first else ()) if c[0] >= s]
                cut = next((c[1] for c in clauses if len(text[s : c[1]].split()) >= 8), e)
                colon = text.find(": ", s, e)
                e = min(cut, colon + 1) if colon > s and len(text[s:colon].split()) >= 8 else cut
            if not self.lib.addressed(key, s, e):
                out.append((s, e))
        return out


def _labelled_list(text: str, start: int, end: int) -> bool:
    """The sentence is a short label, a colon and a list of parts separated by ";"."""
    colon = text.find(":", start, end)
    return colon > start and len(text[start:colon].split()) <= LABEL_WORDS and ";" in text[colon:end]
