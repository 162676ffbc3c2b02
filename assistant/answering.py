"""The extractive answerer: no language model. Counts come from the numeric facts, per report; other
questions are answered with the best sentences of the retrieved passages, quoted and grouped by report.
Every answer goes through the citation check before it is returned."""

from __future__ import annotations

import bisect
import re
from collections.abc import Callable
from dataclasses import dataclass, replace

from assistant.citations import drop_unsupported_lines
from assistant.question import Question
from assistant.types import Answer, Citation, Fact, Passage, ReportMeta
from assistant.wording import count_word, gloss, phrase, report_label
from ingest.chunking import parse_heading
from ingest.fact_vocabulary import KNOWN_PREDICATES
from ingest.facts import predicate_matches, top_level
from ingest.normalize import fold
from ingest.numbers import format_number
from vectorstore.scope import strip_naming
from vectorstore.textproc import (
    ABBREVIATIONS,
    PERSON_NAME_RE,
    STOPWORDS,
    document_tokens,
)

MIN_FACT_SCORE = 2.0
FACT_MIN_COVERAGE = 0.3  # share of the question's words near a figure
MIN_COVERAGE = 0.45  # share of the question's informative words a sentence must hold to answer it
_QUESTION_WORDS = {
    "bao", "nhieu", "may", "nao", "gi", "sao", "vi", "tai", "the", "nhu", "hay", "duoc", "bi", "co", "thi",
    "how", "many", "much", "what", "which", "who", "when", "why", "were", "was", "did", "does", "of",
    "in", "and", "to", "a", "an", "is", "are", "for", "from", "by", "with", "about", "that", "this", "some",
    "their", "they", "them", "hold", "name", "end", "up", "being", "according", "report", "reports", "cao", "theo", "trong", "tu", "ve", "cua",
    "noi", "nhac", "toi", "den", "de", "cap", "sanh", "mention", "mentions", "discuss", "discusses", "say", "says",
}  # fmt: skip
_WORDS_RE = re.compile(r"[\w&]+")
_YEAR_WORD_RE = re.compile(r"(19|20)\d{2}")
_TERM_RANGE_RE = re.compile(r"\b(19|20)\d{2}\s*[-–]\s*(19|20)\d{2}\b")
# Compound words of the question form (pyvi joins them too): never the thing asked about.
_QUESTION_COMPOUNDS = {
    "bao_nhieu", "the_nao", "nhu_the_nao", "vi_sao", "tai_sao", "la_gi", "ra_sao", "nhung_gi", "nao_do",
    "so_voi", "so_sanh", "the_ban", "de_cap", "nhac_toi", "nhac_den", "noi_ve", "noi_den",
}  # fmt: skip
# Verbs that set the scene ("sau hợp nhất", "trong triển khai") more often than they name what was
# counted: a figure with another verb still answers.
_CONTEXT_VERBS = {
    "merge",
    "establish",
    "implement",
    "organize",
    "manage",
    "build",
    "apply",
    "complete",
    "achieve",
}
_PREDICATE_FORMS: dict[str, list[str]] = {}
for _form, _key in KNOWN_PREDICATES.items():
    _PREDICATE_FORMS.setdefault(_key, []).append(_form)
_PEOPLE_UNITS = {"dong chi", "nguoi"}
_PEOPLE_NOUNS = {"dang vien", "uy vien", "can bo", "cong chuc", "thanh vien", "nguoi", "dong chi"}
_WHY_WORDS = {"nguyen", "nhan", "ly", "do"}
_REPORT_WORDS = {
    "bao_cao",
    "so_ket",
    "tong_ket",
    "kiem_diem",
    "nhiem_ky",
    "giua_nhiem",
}  # how reports are named
_LINE_RE = re.compile(r"[^\n]+")
_SENTENCE_CUT_RE = re.compile(r"(?<=[.!?…])\s+(?=[\"“(]?[A-ZĐÀ-Ỹ])")
_CAUSE_WORDS = ("nguyên nhân", "do ", "dẫn đến", "vì ", "chưa", "hạn chế", "khó khăn", "yếu kém")


@dataclass
class Evidence:
    """A verbatim span of a report that an answer line cites."""

    doc_key: str
    start: int
    end: int
    section: str
    score: float = 0.0


class Answerer:
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

    # --- counts --------------------------------------------------------------------------------------
    def _fact_score(self, q: Question, fact: Fact, facts: list[Fact]) -> float:
        """How well a figure answers the question: the verb asked about (required when the question
        names it), the thing counted, and the words around the figure."""
        counted = f"{fact.subject} {fact.unit}"
        context = self.texts[fact.doc_key][fact.sentence_start : fact.sentence_end] + " " + fact.section
        score = 0.0
        if q.predicates:
            if any(self._does(fact, key) for key in q.predicates):
                score += 3.0
            elif not q.inherited_predicates and not set(q.predicates) <= _CONTEXT_VERBS:
                return 0.0  # asked how many were disciplined: a figure of another action is no answer
        if q.units:
            score += 2.0 if self._unit_hit(q, fact) else 1.0 if self._people_for_people(q, fact) else -1.5
        words_near = self._overlap(q, f"{context} {counted}")
        if words_near < 3.0 * FACT_MIN_COVERAGE:
            return 0.0  # the figure counts something, but not what the question is about
        score += self._overlap(q, context) + 2.0 * self._overlap(q, counted) / 3.0
        if fact in top_level(facts):
            score += 0.5  # a total before its parts, unless the question names the part's verb
        if q.wants_target and fact.target is not None:
            score += 1.5
        if q.wants_list and len(self._siblings(fact)) > 1:
            score += 2.0
        return score

    @staticmethod
    def _does(fact: Fact, key: str) -> bool:
        """The figure answers the verb asked about: its own verb, or the verb inside what it counts
        ("04 lớp bồi dưỡng lý luận chính trị" answers a question about "bồi dưỡng")."""
        if predicate_matches(fact.predicate, key):
            return True
        counted = f" {fact.subject.lower()} "
        return any(f" {form} " in counted for form in _PREDICATE_FORMS.get(key, ()))

    @staticmethod
    def _people_for_people(q: Question, fact: Fact) -> bool:
        """ "05 đồng chí" may answer "bao nhiêu ủy viên": reports count people as "đồng chí"."""
        return fold(fact.unit) in _PEOPLE_UNITS and any(u in _PEOPLE_NOUNS for u in q.units)

    @staticmethod
    def _named_in_question(q: Question, fact: Fact) -> bool:
        """The question names what this figure counts ("... thẻ căn cước và tài khoản định danh?")."""
        words = [w for w in _WORDS_RE.findall(fold(fact.subject)) if w not in STOPWORDS]
        if len(words) <= len(fact.unit.split()):
            return False  # just the unit ("đảng viên"): every question about members names it
        asked = set(q.words)
        return sum(w in asked for w in words) >= 0.6 * len(words)

    @staticmethod
    def _unit_hit(q: Question, fact: Fact) -> bool:
        """A share answers a share question only; a count answers a question naming what it counts."""
        if fact.unit == "%":
            return "%" in q.units
        counted = fold(f"{fact.subject} {fact.unit}")
        return any(u in counted for u in q.units if u != "%")

    def _overlap(self, q: Question, text: str) -> float:
        """3 × the IDF-weighted share of the question's informative words found in `text` (3 when the
        question has none: nothing to miss)."""
        words = q.informative
        if not words:
            return 3.0
        present = set(document_tokens(text))
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

    def _report_figures(self, q: Question, key: str) -> tuple[float, list[Fact]] | None:
        """A report's answer: its best figure, with the other figures of the same sentence the question
        also asks for ("bao nhiêu lượt tổ chức và đảng viên") or the list it belongs to."""
        facts = self.facts.get(key, [])
        scores = {id(f): self._fact_score(q, f, facts) for f in facts if self._same_year(q, f)}
        ranked = sorted(
            (f for f in facts if scores.get(id(f), 0.0) >= MIN_FACT_SCORE), key=lambda f: -scores[id(f)]
        )
        if not ranked:
            return None
        fact = ranked[0]
        top = scores[id(fact)]
        chosen = self._siblings(fact) if q.wants_list or not q.units else [fact]
        share = self._share_of(fact)
        for other in top_level(facts):
            if other in chosen or other is share or not self._same_sentence(fact, other):
                continue
            if any(p.value == fact.value for p in other.breakdown):
                continue  # the total the chosen figure is part of
            close = scores.get(id(other), 0.0) >= max(MIN_FACT_SCORE, top - 1.0)
            if close or q.wants_several or self._named_in_question(q, other):
                chosen.append(other)
        return top, sorted(chosen, key=lambda f: f.start)

    def _best_facts(self, q: Question, scope: list[str] | None) -> list[tuple[float, list[Fact]]]:
        """Each report's figures, best report first; without a named report, only reports whose figure
        counts the same thing (or answers the same verb) as the best one."""
        found = [r for r in (self._report_figures(q, key) for key in scope or list(self.facts)) if r]
        found.sort(key=lambda r: -r[0])
        if found and not scope:
            top = found[0][0]
            found = [found[0]] + [
                (s, fs) for s, fs in found[1:] if s >= 0.75 * top and any(self._on_topic(q, f) for f in fs)
            ]
        return found

    def _on_topic(self, q: Question, fact: Fact) -> bool:
        if q.units and not self._unit_hit(q, fact):
            return False
        return not q.predicates or any(self._does(fact, k) for k in q.predicates)

    def _same_year(self, q: Question, fact: Fact) -> bool:
        """A year named in the question must stand near the figure (sentence, section, title or date),
        as a year, not inside a term "2020 - 2025": a figure of another year is not an answer."""
        if not q.years:
            return True
        meta = self.metas[fact.doc_key]
        context = self.texts[fact.doc_key][fact.sentence_start : fact.sentence_end]
        around = _TERM_RANGE_RE.sub(" ", f"{context} {fact.section} {meta.title} {meta.date}")
        return all(year in around for year in q.years)

    def _count(self, q: Question, scope: list[str] | None) -> tuple[list[str], list[Evidence], bool]:
        best = self._best_facts(q, scope)
        if not best:
            return [], [], False
        lines: list[str] = []
        evidence: list[Evidence] = []
        if len(best) > 1:
            lines.append(phrase(q.lang, "per_report", n=count_word(len(scope or self.metas), q.lang)))
        for score, figures in best:
            first = figures[0]
            start = min(f.sentence_start for f in figures)
            end = max(f.sentence_end for f in figures)
            evidence.append(Evidence(first.doc_key, start, end, first.section, score))
            statement = "; ".join(self._describe(f, q.lang) for f in figures)
            label = report_label(self.metas[first.doc_key], q.lang)
            prefix = "- " if len(best) > 1 else ""
            lines.append(f"{prefix}**{label}**: {statement} [{len(evidence)}]")
        if len(best) > 1 and len(best) < len(scope or self.metas):
            lines.append(phrase(q.lang, "others_silent"))
        return lines, evidence, True

    def _siblings(self, fact: Fact) -> list[Fact]:
        """A list of counts after one verb ("hỗ trợ xây dựng 02 chỉ dẫn địa lý, 05 nhãn hiệu ...") is
        answered whole."""
        facts = top_level(self.facts[fact.doc_key])
        same = [
            f for f in facts if self._same_sentence(f, fact) and f.predicate == fact.predicate and f.predicate
        ]
        return same if len(same) > 1 and len({f.unit for f in same}) > 1 else [fact]

    def _share_of(self, fact: Fact) -> Fact | None:
        """ "23 đồng chí (chiếm 34.84%)": the share stated right after a count belongs to it."""
        if fact.unit == "%":
            return None
        for other in self.facts[fact.doc_key]:
            if other.unit == "%" and self._same_sentence(other, fact) and 0 < other.start - fact.end < 20:
                return other
        return None

    def _describe(self, fact: Fact, lang: str) -> str:
        """ "xử lý kỷ luật 50 đảng viên (trong đó khiển trách: 30, ...; chỉ tiêu: 400)" """
        number = format_number(fact.value, lang)
        qualifier = f"{fact.qualifier} " if fact.approx and fact.qualifier else ""
        noun = fact.subject if fact.unit and fact.subject.lower().startswith(fact.unit.lower()) else fact.unit
        if fact.unit == "%":
            amount = f"{qualifier}{number}%"
            what = f"{gloss(fact.subject, lang)}: " if fact.subject else ""
        else:
            amount = f"{qualifier}{number} {gloss(noun, lang)}".strip()
            what = ""
        verb = gloss(fact.predicate, lang)
        head = f"{what}{verb} {amount}".strip() if verb and not what else f"{what}{amount}"
        if not verb and not what and fact.subject and fact.subject != noun:
            head = f"{gloss(fact.subject, lang)}: {amount}"
        extras: list[str] = []
        share = self._share_of(fact)
        if share is not None:
            extras.append(f"{format_number(share.value, lang)}%")
        if fact.breakdown:
            parts = ", ".join(
                f"{gloss(p.label, lang)}: {format_number(p.value, lang)}" for p in fact.breakdown
            )
            extras.append(f"{phrase(lang, 'of_which')} {parts}")
        if fact.target is not None:
            unit = "%" if fact.unit == "%" else f" {fact.unit}"
            extras.append(f"{phrase(lang, 'target')}: {format_number(fact.target, lang)}{unit}".strip())
        return head + (f" ({'; '.join(extras)})" if extras else "")

    # --- what a report says about itself -------------------------------------------------------------
    def _metadata(self, q: Question, scope: list[str] | None) -> tuple[list[str], list[Evidence], bool]:
        """Which province, which document number: read from the report's own text, cited where it
        stands; a report that does not state it gets "not found", never a guess."""
        keys = scope or []
        if len(keys) != 1:
            return [], [], False
        meta = self.metas[keys[0]]
        value = meta.province if q.kind == "province" else meta.doc_number
        text = self.texts[keys[0]]
        at = text.find(value) if value else -1
        if at < 0:
            return [], [], False
        start, end = _sentence_around(text, at, at + len(value))
        line = phrase(q.lang, q.kind, label=report_label(meta, q.lang), value=value) + " [1]"
        return [line], [Evidence(keys[0], start, end, "")], True

    # --- extractive ----------------------------------------------------------------------------------
    def _sentence_of(self, key: str, offset: int) -> tuple[int, int]:
        """The whole sentence (not the clause a fact was read from) holding a character offset."""
        spans = self._doc_sentences(key)
        i = bisect.bisect_right([start for start, _ in spans], offset) - 1
        return spans[i] if i >= 0 and offset < spans[i][1] else (offset, offset)

    def _same_sentence(self, a: Fact, b: Fact) -> bool:
        return a.doc_key == b.doc_key and self._sentence_of(a.doc_key, a.start) == self._sentence_of(
            b.doc_key, b.start
        )

    def _doc_sentences(self, key: str) -> list[tuple[int, int]]:
        if key not in self._sentence_cache:
            self._sentence_cache[key] = _merge_short(self.texts[key], sentence_spans(self.texts[key]))
        return self._sentence_cache[key]

    def _sentences(self, passages: list[Passage]) -> list[tuple[float, Evidence, str, str]]:
        """Every whole sentence touching the retrieved passages (a chunk edge may cut one), with its
        passage's rank prior and the title of its section; each sentence once, headings left out."""
        out: list[tuple[float, Evidence, str, str]] = []
        seen: set[tuple[str, int]] = set()
        for rank, passage in enumerate(passages):
            chunk = passage.chunk
            title = chunk.heading_context.rsplit(" > ", 1)[-1]
            for start, end in self._doc_sentences(chunk.doc_key):
                if end <= chunk.start or start >= chunk.end:
                    continue
                sentence = self.texts[chunk.doc_key][start:end]
                if _is_heading(sentence) or _is_label(sentence):
                    # A label line ("Nguyên nhân khách quan:") titles the sentences after it.
                    title = sentence if _is_label(sentence) else title
                    continue
                if (chunk.doc_key, start) in seen:
                    continue
                seen.add((chunk.doc_key, start))
                ev = Evidence(chunk.doc_key, start, end, chunk.section)
                out.append((1.0 / (rank + 2), ev, sentence, title))
        return out

    def _extract(
        self, q: Question, passages: list[Passage], scope: list[str] | None
    ) -> tuple[list[str], list[Evidence], bool]:
        if not q.informative:
            return [], [], False  # nothing in the question to look for in the reports
        scored: list[tuple[float, Evidence, str]] = []
        for prior, ev, sentence, title in self._sentences(passages):
            if q.kind in ("count", "comparison") and not any(ch.isdigit() for ch in sentence):
                continue  # a sentence without a figure does not answer "how many"
            # A sentence under a heading that matches the question ("Bài học kinh nghiệm") answers it too.
            title_weight = 0.9 if q.kind in ("list", "why") else 0.7  # items under a matching heading
            coverage = max(self._overlap(q, sentence), title_weight * self._overlap(q, title)) / 3.0
            if q.kind == "why" and any(w in sentence.lower() for w in _CAUSE_WORDS):
                coverage += 0.1
            if q.kind == "why" and "nguyen nhan" in fold(ev.section + " " + title):
                coverage += 0.2  # a section of causes answers a why-question
            if q.asks_who and PERSON_NAME_RE.search(sentence):
                coverage += 0.3
            ev.score = coverage
            scored.append((coverage + 0.2 * prior, ev, sentence))
        scored.sort(key=lambda item: -item[0])
        if not scored or scored[0][1].score < MIN_COVERAGE or self._names_absent_concept(q):
            return [], [], False
        chosen = self._choose(q, scored)
        return self._quote_lines(q, chosen), [ev for ev, _ in chosen], True

    def _names_absent_concept(self, q: Question) -> bool:
        """A compound word of the question that no report uses ("trí tuệ nhân tạo"): nothing answers it."""
        return any(not self.known(c) and c not in _QUESTION_COMPOUNDS for c in q.compounds)

    def _choose(self, q: Question, scored: list[tuple[float, Evidence, str]]) -> list[tuple[Evidence, str]]:
        best = scored[0][0]
        # A cause is often stated in other words than the question's: why-answers keep weaker sentences.
        ratio, floor = {"why": (0.25, 0.2), "list": (0.45, 0.3), "reports": (0.45, 0.3)}.get(
            q.kind, (0.6, 0.3)
        )
        keep = [(ev, s) for score, ev, s in scored if score >= ratio * best and ev.score >= floor]
        if q.kind == "reports":  # the best sentence of each report that has one
            per_report: dict[str, tuple[Evidence, str]] = {}
            for ev, s in keep:
                per_report.setdefault(ev.doc_key, (ev, s))
            return list(per_report.values())[:6]
        limit = {"why": 4, "list": 9}.get(q.kind, 2)
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
        count = 8 if sentence.rstrip().endswith(":") else 1 if q.kind == "why" else 0
        if not count:
            return []
        spans = self._doc_sentences(ev.doc_key)
        after = [(s, e) for s, e in spans if s >= ev.end][:count]
        text = self.texts[ev.doc_key]
        return [(Evidence(ev.doc_key, s, e, ev.section, ev.score), text[s:e]) for s, e in after]

    def _quote_lines(self, q: Question, chosen: list[tuple[Evidence, str]]) -> list[str]:
        lines: list[str] = []
        by_report: dict[str, list[int]] = {}
        for i, (ev, _) in enumerate(chosen, start=1):
            by_report.setdefault(ev.doc_key, []).append(i)
        if q.kind == "reports":
            lines.append(phrase(q.lang, "reports_mention"))
        for key, numbers in by_report.items():
            lines.append(f"**{report_label(self.metas[key], q.lang)}**:")
            for n in numbers:
                quote = " ".join(chosen[n - 1][1].split())
                lines.append(f"- «{quote}» [{n}]")
        if q.lang == "en":
            terms = _glossed_terms(" ".join(s for _, s in chosen))
            if terms:
                lines.append(f"{phrase('en', 'terms')}: " + "; ".join(terms))
        return lines

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


def _is_label(sentence: str) -> bool:
    """A short line introducing what follows: "* Nguyên nhân khách quan:", "Phương hướng:"."""
    stripped = sentence.strip(" *_-•+\n")
    return len(stripped.split()) <= 8 and stripped.endswith(":")


def _is_heading(sentence: str) -> bool:
    return len(sentence.split()) <= 20 and (parse_heading(sentence) is not None or sentence.isupper())


def sentence_spans(text: str) -> list[tuple[int, int]]:
    """Whole sentences for quoting: lines, cut after ".", "!" or "?" when a capital follows."""
    spans: list[tuple[int, int]] = []
    for line in _LINE_RE.finditer(text):
        start = line.start()
        for cut in _SENTENCE_CUT_RE.finditer(line.group()):
            spans.append((start, line.start() + cut.start()))
            start = line.start() + cut.end()
        if line.end() > start:
            spans.append((start, line.end()))
    return [(s, e) for s, e in spans if text[s:e].strip()]


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
        if _YEAR_WORD_RE.fullmatch(word) and out and _YEAR_WORD_RE.fullmatch(out[-1]):
            out.pop()
            if out[-2:] == ["nhiem", "ky"]:
                del out[-2:]
            continue
        out.append(word)
    return out


def _merge_short(text: str, spans: list[tuple[int, int]]) -> list[tuple[int, int]]:
    """Short lines (a heading, a signature "TM. ĐẢNG ỦY / BÍ THƯ / name") join each other and the next
    sentence: alone they say nothing."""
    merged: list[tuple[int, int]] = []
    run_start: int | None = None
    for start, end in spans:
        if len(text[start:end].split()) < 4:
            run_start = start if run_start is None else run_start
            continue
        merged.append((start if run_start is None else run_start, end))
        run_start = None
    if run_start is not None:
        merged.append((run_start, spans[-1][1]))
    return merged


def _sentence_around(text: str, start: int, end: int) -> tuple[int, int]:
    left = max(text.rfind(".", 0, start), text.rfind("\n", 0, start)) + 1
    stops = [i for i in (text.find(".", end), text.find("\n", end)) if i != -1]
    right = min(stops) + 1 if stops else len(text)
    while left < start and text[left].isspace():
        left += 1
    return left, min(right, len(text))


def _glossed_terms(text: str) -> list[str]:
    from vectorstore.glossary import vietnamese_terms

    folded = " " + " ".join(_WORDS_RE.findall(fold(text))) + " "
    found = []
    for vi, english in vietnamese_terms():  # specific terms first
        if f" {fold(vi)} " in folded and english not in ("how many",):
            found.append(f"{vi} = {english}")
    return found[:8]


def idf_from(table: dict[str, float]) -> Callable[[str], float]:
    """IDF of a token from the lexical index; unknown tokens weigh like the rarest."""
    ceiling = max(table.values(), default=1.0)
    return lambda token: max(0.1, table.get(token, ceiling))
