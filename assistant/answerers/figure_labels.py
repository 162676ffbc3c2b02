"""What a report states beside a figure that sets it apart from the figures next to it: the level it is
rated at ("hoàn thành tốt nhiệm vụ"), the level of administration of what it counts ("cấp huyện"), the body
that did it ("Ủy ban Kiểm tra ..."), whether it was done at all ("còn 178 ... chưa được giải quyết"), and the
part of a year it is of ("6 tháng đầu năm", "cùng kỳ", "cả năm"). Each is read once per figure; `rules_out`
says which figures a question's own labels exclude."""

from __future__ import annotations

import re
from typing import TypeVar

from assistant.answerers.base import Library, once_per_figure
from assistant.question import Question, has_cue
from ingest.agents import figure_agent
from ingest.facts import CLOSED_ASIDE_RE
from ingest.lexicon import number_words, words_regex
from ingest.ratings import LEVEL, RATING
from ingest.span_words import local_span
from ingest.tokens import words
from ingest.types import Fact
from ingest.undone import is_undone

T = TypeVar("T")
_PART_OF_YEAR_RE = words_regex(number_words("part_of_year"))


class FigureLabels:
    def __init__(self, library: Library) -> None:
        self.lib = library
        self._traits: dict[str, dict[int, object]] = {}  # once_per_figure's

    def rules_out(self, q: Question, fact: Fact) -> bool:
        """The question's labels exclude the figure: another rating level or level of administration, what
        was not done when what was done is asked, another part of the year than asked."""
        if q.predicates and not q.undone and self.undone(fact) and not self.rating(fact):
            return True  # "how many were resolved": not the "178 kiến nghị chưa được giải quyết"
        if q.rating and self.rating(fact) not in ("", q.rating):
            return True  # "hoàn thành tốt nhiệm vụ" asked: not the count rated "xuất sắc" beside it
        if q.level and self.level(fact) not in ("", q.level):
            return True  # "giáo viên dạy giỏi cấp tỉnh" asked: not the count "cấp huyện"
        if q.same_period and (self.whole_year(fact) or not self.same_period_of(q, fact)):
            return True  # "cùng kỳ năm 2024" asked: not "cả năm 2024", nor a figure of 2024 said otherwise
        return q.whole_year and self.part_of_year(fact)  # "cả năm 2024": not "6 tháng đầu năm"

    @once_per_figure
    def rating(self, fact: Fact) -> str:
        """The level the figure is rated at, read in the words right around it (its clause)."""
        return RATING.of_figure(*self._words_around(fact))

    @once_per_figure
    def level(self, fact: Fact) -> str:
        """The level of administration of what the figure counts ("cấp huyện"), read around it."""
        return LEVEL.of_figure(*self._words_around(fact))

    @once_per_figure
    def agent(self, fact: Fact) -> str:
        """The kind of body named as doing what the figure counts, in its clause (asides closed before it
        left out: they name other figures' doers)."""
        text = self.lib.text(fact.doc_key)
        before = CLOSED_ASIDE_RE.sub(" ", text[fact.sentence_start : fact.start])
        return figure_agent(words(before), words(text[fact.end : fact.sentence_end]))

    @once_per_figure
    def undone(self, fact: Fact) -> bool:
        """The figure counts what was not done, or not yet ("còn 178 ... chưa được giải quyết"); a rating
        ("không hoàn thành nhiệm vụ") is a level, read by `rating`."""
        text = self.lib.text(fact.doc_key)
        before = text[fact.sentence_start : fact.start]
        return is_undone(before, text[fact.end : fact.sentence_end], fact.predicate)

    @once_per_figure
    def part_of_year(self, fact: Fact) -> bool:
        """The figure is of part of a year: its sentence says so before it, or its report's title does
        and the sentence does not say "cả năm"."""
        start, _end = self.lib.sentence_of(fact.doc_key, fact.start)
        before = f"{fact.cell} {self.lib.text(fact.doc_key)[start : fact.start]}".lower()
        if _PART_OF_YEAR_RE.search(before):
            return True
        title = self.lib.meta(fact.doc_key).title.lower()
        return bool(_PART_OF_YEAR_RE.search(title)) and not has_cue("whole_year", before)

    @once_per_figure
    def whole_year(self, fact: Fact) -> bool:
        """The figure's clause says it is of a whole year ("cả năm 2024 kỷ luật 648")."""
        before = self.lib.text(fact.doc_key)[fact.sentence_start : fact.start]
        return has_cue("whole_year", re.split(r"[,;(]", before)[-1])

    def same_period_of(self, q: Question, fact: Fact) -> bool:
        """Asked about the same part of another year than its report's, the figure says it is of that
        part ("cùng kỳ năm 2024 thu 61.870.000 đồng" in a report of 2025)."""
        own = self.lib.meta(fact.doc_key).term
        if not q.years or own in q.years:
            return True
        start, _end = self.lib.sentence_of(fact.doc_key, fact.start)
        before = self.lib.text(fact.doc_key)[start : fact.start]
        return has_cue("same_period", before) or bool(
            fact.cell and _PART_OF_YEAR_RE.search(fact.cell.lower())
        )

    @once_per_figure
    def _words_around(self, fact: Fact) -> tuple[list[str], list[str]]:
        """The folded words right around the figure in its clause: before it and after it."""
        text = self.lib.text(fact.doc_key)
        start, end = local_span(text, fact)
        return words(text[start : fact.start]), words(text[fact.end : end])
