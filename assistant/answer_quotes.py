"""Extractive answers: the best whole sentences of the retrieved passages, quoted and grouped by
report, and what a report states about itself, cited where it stands."""

from __future__ import annotations

import re

from assistant.answer_words import _WORDS_RE, Evidence
from assistant.question import Question
from assistant.types import Passage
from assistant.wording import phrase, report_label
from ingest.chunking import parse_heading
from ingest.normalize import fold
from vectorstore.textproc import PERSON_NAME_RE

MIN_COVERAGE = 0.45  # share of the question's informative words a sentence must hold to answer it
# Compound words of the question form (pyvi joins them too): never the thing asked about.
_QUESTION_COMPOUNDS = {
    "bao_nhieu", "the_nao", "nhu_the_nao", "vi_sao", "tai_sao", "la_gi", "ra_sao", "nhung_gi", "nao_do",
    "so_voi", "so_sanh", "the_ban", "de_cap", "nhac_toi", "nhac_den", "noi_ve", "noi_den",
}  # fmt: skip
_LINE_RE = re.compile(r"[^\n]+")
_SENTENCE_CUT_RE = re.compile(r"(?<=[.!?…])\s+(?=[\"“(]?[A-ZĐÀ-Ỹ])")
_POST_RE = re.compile(
    r"\b(bi thu|giam doc|chu tich|truong ban|chu nhiem|secretary|director|chair(man)?|head)\b"
)
_CAUSE_WORDS = ("nguyên nhân", "do ", "dẫn đến", "vì ", "chưa", "hạn chế", "khó khăn", "yếu kém")


class QuoteAnswers:
    """Expects from the host: texts, metas, known, _sentence_cache and _overlap."""

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
        if q.asks_who and _POST_RE.search(fold(q.text)):
            # "Who is the secretary?" is answered by a name, not by sentences about the post.
            chosen = [(ev, s) for ev, s in chosen if PERSON_NAME_RE.search(s)]
            if not chosen:
                return [], [], False
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


def _is_label(sentence: str) -> bool:
    """A short line introducing what follows: "* Nguyên nhân khách quan:", "Phương hướng:"."""
    stripped = sentence.strip(" *_-•+\n")
    return len(stripped.split()) <= 8 and stripped.endswith(":")


def _is_heading(sentence: str) -> bool:
    """A heading line alone; a heading joined to the sentence under it is that sentence."""
    if "\n" in sentence.strip():
        return False
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
