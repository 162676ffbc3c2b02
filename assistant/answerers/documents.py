"""Which document a report cites: "Kế hoạch nào ...?", "Chương trình ... mang số hiệu gì?". The answer is
the sentence holding a number of the kind asked (KH a plan, CTr a programme: ingest/lexicon/
document_kinds.tsv) nearest the question in words and meaning, with that number; numbers the question
itself names are what it already knows, never the answer."""

from __future__ import annotations

import re

from assistant.answerers.base import Draft, Library
from assistant.labels import answer_label
from assistant.question import Question
from assistant.wording import phrase, quote_line
from ingest.metadata import document_codes
from ingest.types import Evidence, Retrieval

REPORTS_SEARCHED = 3  # with no report named: the reports of this many best passages


class DocumentAnswerer:
    def __init__(self, library: Library) -> None:
        self.lib = library
        self._codes: dict[str, list[tuple[int, int, str]]] = {}  # per report, read once per index load

    def answer(self, q: Question, found: Retrieval) -> Draft | None:
        best = self.best_document(q, found)
        if best is None:
            return None
        _score, ev, code = best
        sentence = self.lib.text(ev.doc_key)[ev.start : ev.end]
        label = answer_label(self.lib.meta(ev.doc_key), q.lang)
        dated = _date_after(sentence, sentence.find(code) + len(code)) if code in sentence else ""
        named = f"{code} ({phrase(q.lang, 'dated', date=dated)})" if dated else code
        return Draft([f"**{label}**: {named}", quote_line(sentence, q.lang, 1, q.text)], [ev])

    def best_document(self, q: Question, found: Retrieval) -> tuple[float, Evidence, str] | None:
        """(score, sentence, number) of the best sentence citing a document of the kind asked: the question's
        words in it (0–3) plus its meaning on the scale of what search found (0–3)."""
        known = {_plain(c) for c in re.findall(r"\S+", q.text)}
        candidates: list[tuple[float, int, Evidence, str]] = []  # (meaning part, order, sentence, number)
        for key in self._reports(q, found):
            text = self.lib.text(key)
            if key not in self._codes:
                self._codes[key] = document_codes(text)
            codes = [(a, b) for a, b, kind in self._codes[key] if kind in q.documents]
            for a, b in codes:
                code = text[a:b]
                if _plain(code) in known:
                    continue
                start, end = _clause(text, *self.lib.sentence_of(key, a), a)
                meaning = 3.0 * found.relative_meaning(key, start, end)
                candidates.append((meaning, len(candidates), Evidence(key, start, end, ""), code))
        # Nearest in meaning first; the words (0-3) are read only while they could still lift a sentence
        # above the best so far. The first of equal scores wins, as in the order they were found.
        best: tuple[float, int, Evidence, str] | None = None
        for meaning, order, ev, code in sorted(candidates, key=lambda c: (-c[0], c[1])):
            if best is not None and meaning + 3.0 < best[0]:
                break
            score = self.lib.overlap(q, self.lib.text(ev.doc_key)[ev.start : ev.end]) + meaning
            if best is None or score > best[0] or (score == best[0] and order < best[1]):
                best = (score, order, ev, code)
        if best is None:
            return None
        return best[0], self._dated_mention(best[2], best[3]), best[3]

    def _dated_mention(self, ev: Evidence, code: str) -> Evidence:
        """The clause citing the same document with its date ("Nghị quyết số 05-NQ/TU ngày 12/10/2021 ...",
        often the title), when the chosen one gives none: the fullest citation of the document."""
        text = self.lib.text(ev.doc_key)
        if _date_after(text, text.find(code, ev.start, ev.end) + len(code)):
            return ev
        for a, b, _kind in self._codes.get(ev.doc_key, []):
            if text[a:b] == code and _date_after(text, b):
                return Evidence(ev.doc_key, *_clause(text, *self.lib.sentence_of(ev.doc_key, a), a), "")
        return ev

    def _reports(self, q: Question, found: Retrieval) -> list[str]:
        if q.scope:
            return list(q.scope)
        return list(dict.fromkeys(p.chunk.doc_key for p in found.passages))[:REPORTS_SEARCHED]


# "05-NQ/TU ngày 12/10/2021", "số 19-CTr/HU, ngày 25 tháng 11 năm 2021": the date a document number is cited with.
_DATE_AFTER_RE = re.compile(
    r"\s*,?\s*ngày\s+(\d{1,2}[/.-]\d{1,2}[/.-](?:19|20)\d{2}|\d{1,2}\s+tháng\s+\d{1,2}\s+năm\s+(?:19|20)\d{2})",
    re.IGNORECASE,
)


def _date_after(text: str, at: int) -> str:
    """The date written right after a document's number, "" when none is."""
    match = _DATE_AFTER_RE.match(text, at)
    return match.group(1) if match else ""


def _clause(text: str, start: int, end: int, at: int) -> tuple[int, int]:
    """The part of the sentence between semicolons that holds the offset: a sentence listing two
    documents ("... số 12-CTr/HU; Ủy ban Kiểm tra ... số 03-CTr/UBKTHU") cites each in its own clause."""
    left = text.rfind(";", start, at)
    right = text.find(";", at, end)
    begin = left + 1 if left >= 0 else start
    while begin < at and text[begin].isspace():
        begin += 1
    return begin, (right + 1 if right >= 0 else end)


def _plain(code: str) -> str:
    return re.sub(r"[\s.,;:()]", "", code).upper()
