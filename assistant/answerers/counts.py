"""Counts and comparisons: a report's figures that answer the question, scored and described, one
line per report, never summed across reports."""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import replace
from functools import lru_cache
from typing import TypeVar

from assistant.answerers.base import Draft, Library, once_per_figure
from assistant.answerers.figure_labels import FigureLabels
from assistant.answerers.model import Model, expit, logit, model
from assistant.labels import answer_label, kind_name
from assistant.question import TIME_UNITS, Question, QuestionKind, is_measured
from assistant.wording import approximate, count_word, english_word, gloss, phrase
from ingest.facts import CLOSED_ASIDE_RE, canonical_predicate, predicate_matches
from ingest.glossary import english_participle
from ingest.lexicon import (
    NUMBER_WORDS,
    OPPOSED_QUALIFIERS,
    PREDICATES,
    RATING_NAMES,
    STOPWORDS,
    alternation,
    number_words,
    predicates_flagged,
    units_tagged,
)
from ingest.normalize import collapse_spaces, fold
from ingest.numbers import format_number, numbers_in, same_number
from ingest.periods import TERM_RE, YEAR_RE, single_years, spans_in, terms_in, without_terms
from ingest.qualifiers import opposed, qualified
from ingest.ratings import RATING
from ingest.sections import FORWARD_ROLES
from ingest.span_words import token_set_of
from ingest.tokens import words
from ingest.types import Evidence, Fact, FactPart, ReportMeta, Retrieval, TableRow

T = TypeVar("T")
# A count across more reports than this is answered with a table too; the lines show the best ones only.
TABLE_FROM = 5
SHOWN_REPORTS = 10
CLOSE_FIGURES = 1.0
CLOSE_SIDES = 2.0  # another sentence's figure is a side of a comparison when this close (log-odds)
LEAD_REACH = 500  # characters back from a figure's sentence that a lead ending in ":" may date it from
LEAD_WORDS = 12  # "Kết quả xếp loại năm 2019:": a lead is short
_LEAD_OPENING_RE = re.compile(r"[.;:]\s|\n\n")  # where the sentence before a lead ends
COMPARED_SIDES = 3  # another figure of the same sentence joins when this close (in log-odds) to the best
# Verbs that set the scene ("sau hợp nhất", "trong triển khai") more often than they name what was
# counted: a figure with another verb still answers.
_SCENE_VERBS = predicates_flagged("scene")
_PREDICATE_FORMS: dict[str, list[str]] = {}
for _form, _key in PREDICATES.items():
    _PREDICATE_FORMS.setdefault(_key, []).append(_form)
# The same forms folded and padded, as a sentence's folded words are searched for them.
_FOLDED_FORMS = {key: [f" {' '.join(words(f))} " for f in forms] for key, forms in _PREDICATE_FORMS.items()}
_PASSIVE = frozenset(number_words("passive"))
_PLAN_WORDS = tuple(f" {w} " for w in number_words("plan"))
_PEOPLE_UNITS = {fold(u) for u in units_tagged("people")}


_PERSON_NOUNS = {fold(u) for u in units_tagged("person")}


_folded = lru_cache(maxsize=100_000)(fold)  # what figures count: a few thousand phrases, asked of often


# A year opening a sentence or a clause ("Năm 2023, ...", "; đến hết năm 2024 ...", "..., năm 2023 kết nạp 329"):
# the figures after it are of that year, whatever year the report is of.
_OPENING_YEAR_RE = re.compile(
    rf"(?:^|[;:(\n,])[\s\-–+*•]*(?:(?:{'|'.join(sorted(number_words('year_lead'), key=len, reverse=True))})\s+)?"
    rf"(?:(?:\d+|{'|'.join(NUMBER_WORDS['vi'][1:])})\s+tháng\s+(?:(?:đầu|cuối)\s+)?)?"  # "4 tháng cuối năm 2020 kết nạp 96"
    rf"năm\s+((?:19|20)\d{{2}})\b",
    re.IGNORECASE,
)
# The year a figure is compared with is not its own: "tăng 31 so với cùng kỳ năm 2024".
_COMPARED_YEAR_RE = re.compile(
    rf"\b(?:{alternation(number_words('compared_with'))})\s+(?:cùng\s+kỳ\s+)?(?:năm\s+)?(?:19|20)\d{{2}}\b",
    re.IGNORECASE,
)
LABEL_REACH = 25  # characters after a plan word within which its own figure stands: "chỉ tiêu 1.100"


def _governs(before: str, plan_word: str) -> bool:
    """A plan word before the figure makes it a plan, unless every time it labels a figure of its own
    ("đạt 113,5% chỉ tiêu (chỉ tiêu 1.100 đảng viên), trong đó ... chiếm 71,2%": 71,2% is a result)."""
    at = before.find(plan_word)
    while at >= 0:
        after = YEAR_RE.sub(
            " ", before[at + len(plan_word) : at + len(plan_word) + LABEL_REACH].split(",")[0]
        )
        if not any(ch.isdigit() for ch in after):  # "phấn đấu đến năm 2030 ...": a year is no figure
            return True
        at = before.find(plan_word, at + 1)
    return False


TABLE_HEAD = {
    "vi": ("Báo cáo", "Cơ quan ban hành", "Tỉnh", "Nhiệm kỳ / năm", "Số liệu"),
    "en": ("Report", "Issuing body", "Province", "Term / year", "Figure"),
}


def _table_head(lang: str) -> list[str]:
    head = TABLE_HEAD[lang]
    return ["| " + " | ".join(head) + " |", "|" + "---|" * len(head)]


def _table_line(meta: ReportMeta, figures: str, lang: str) -> str:
    """A report's row of the answer's Markdown table: one line, so the citation check reads it alone."""
    cells = (kind_name(meta.kind, lang), meta.issuing_body or meta.doc, meta.province, meta.term, figures)
    return "| " + " | ".join(collapse_spaces(c).replace("|", "/") for c in cells) + " |"


Features = dict[str, float]


class FigureScores:
    """Each figure's probability of answering, computed when first asked for: the best figure's sentence
    companions are scored, not every figure of the report. A figure is first read for its cheap features;
    when even the highest values of the others could not lift it to the level asked, it is not read
    further (most candidates of a large archive: their words are few of the question's)."""

    def __init__(
        self,
        first: Callable[[Fact], Features | None],
        rest: Callable[[Fact, Features], Features],
        highest: Callable[[Features], Features],
        fitted: Model | None = None,
    ) -> None:
        self._first, self._rest, self._highest = first, rest, highest  # first: None never answers
        self._model = fitted or model("figure")
        self._known: dict[int, float] = {}
        self._firsts: dict[int, Features | None] = {}

    def _first_of(self, fact: Fact) -> Features | None:
        if id(fact) not in self._firsts:
            self._firsts[id(fact)] = self._first(fact)
        return self._firsts[id(fact)]

    def __call__(self, fact: Fact) -> float:
        known = self._known.get(id(fact))
        if known is None:
            first = self._first_of(fact)
            known = 0.0 if first is None else self._model.probability(first | self._rest(fact, first))
            self._known[id(fact)] = known
        return known

    def never(self, fact: Fact) -> bool:
        """The figure never answers the question (its probability is 0)."""
        return self._first_of(fact) is None

    def reaches(self, fact: Fact, level: float) -> bool:
        """The figure's probability is at least `level` (> 0); read in full only when it may be."""
        if id(fact) not in self._known:
            first = self._first_of(fact)
            if first is None or self._model.ceiling(first, self._highest(first)) < level:
                return False
        return self(fact) >= level


@lru_cache(maxsize=20_000)  # a heading is over many sentences
def _heading_words(section: str) -> tuple[str, ...]:
    return tuple(words(section))


class CountAnswerer:
    """Counts from the numeric facts: each report's best figure for what the question counts, with its
    breakdown, share and target; the other figures of the same sentence the question also asks for."""

    def __init__(self, library: Library) -> None:
        self.lib = library
        self.labels = FigureLabels(library)
        self._traits: dict[str, dict[int, object]] = {}  # once_per_figure's
        self._sentence_qualifiers: dict[tuple[str, int, int, str], frozenset[tuple[str, str]]] = {}
        self._last_owned: tuple[Question, frozenset[str]] | None = None

    def answer(self, q: Question, found: Retrieval) -> Draft | None:
        best = found.figures if found.figures is not None else self.best_figures(q, found)
        if not best:
            return None
        return self._lines(q, best, found)

    def excluded(self, q: Question, fact: Fact) -> bool:
        """Figures that never answer: another year than the one asked, a figure the question itself states,
        another action than the one asked ("how many were disciplined": a figure of admissions)."""
        if not self._same_year(q, fact) or not self._same_period(q, fact):
            return True
        if q.kind is QuestionKind.COUNT and any(same_number(fact.value, v) for v in q.stated):
            return True  # "tăng từ 300 triệu đồng trở lên": a figure the question states qualifies it
        if self.labels.rules_out(q, fact):
            return True  # another rating, level, part of the year; not done when done is asked
        if q.place and q.place not in token_set_of(self.lib.fact_words(fact).context):
            return True  # "huyện Văn Chấn" in a province's report: a figure not said of it is not its
        if q.part_of and q.kind is QuestionKind.COUNT and any(same_number(fact.value, v) for v in q.part_of):
            return True  # "Trong số đó bao nhiêu ...": a part of the figure answered before, not it again
        if q.whole_period and not q.periods and not self._of_the_term(fact):
            return True  # "từ đầu nhiệm kỳ đến nay": not one year's figure, nor the term before's
        if self._verb_decides(q):
            # A figure stated with no verb ("có 45 quần chúng ưu tú được đứng vào hàng ngũ của Đảng")
            # may still answer if its sentence tells of the action asked; one stated with another verb
            # does not, nor one in a sentence that never tells of it ("hiện có 34 tổ chức cơ sở đảng":
            # how many there are, not how many were rated).
            if fact.predicate and canonical_predicate(fact.predicate) not in _SCENE_VERBS:
                return not any(self._does(fact, key) for key in q.predicates)
            # a figure with no verb, or one that only sets the scene ("tỷ lệ thu hồi ... đạt trên 80%")
            return not self._does_any(fact, q.predicates) and not self._tells_of(fact, q.predicates)
        return False

    @staticmethod
    def _verb_decides(q: Question) -> bool:
        """The verb asked decides which figures may answer (see excluded)."""
        return bool(q.predicates) and not q.inherited_predicates and not set(q.predicates) <= _SCENE_VERBS

    def features(self, q: Question, fact: Fact, found: Retrieval) -> Features:
        """What the figure model weighs: the verb and the thing counted, the question's words around the
        figure (its clause, its section, what it counts), its meaning, and what the question asks for."""
        first = self._first_features(q, fact, found)
        return first | self._further_features(q, fact)

    def _first_features(self, q: Question, fact: Fact, found: Retrieval) -> Features:
        """The features cheap to read, and the question's words among all the figure's ("near"), which
        bounds those among its clause and among what it counts."""
        words = self.lib.fact_words(fact)
        unit = bool(q.units) and self._unit_hit(q, fact)
        planned = self._planned(fact)
        people = bool(q.units) and not unit and self._people_for_people(q, fact)
        return {
            "verb": float(bool(q.predicates) and any(self._does(fact, key) for key in q.predicates)),
            "unit": float(unit),
            "people": float(people),
            "unit_miss": float(bool(q.units) and not unit and not people),
            "near": self.lib.overlap(q, token_set_of(words.context), token_set_of(words.counted)) / 3.0,
            "target": float(q.wants_target and (fact.target is not None or planned)),
            "list": float(q.wants_list and len(self._siblings(fact)) > 1),
            "meaning": found.relative_meaning(fact.doc_key, fact.sentence_start, fact.sentence_end),
            "planned": float(not q.wants_target and planned),
            **self._agent_features(q, fact),
        }

    def _agent_features(self, q: Question, fact: Fact) -> Features:
        """Whether the body that did what the figure counts is the one the question names as the doer."""
        doer = self.labels.agent(fact) if q.agent else ""
        return {"agent": float(doer == q.agent != ""), "agent_miss": float(doer not in ("", q.agent))}

    def _further_features(self, q: Question, fact: Fact) -> Features:
        words = self.lib.fact_words(fact)
        return {
            "context": self.lib.overlap(q, token_set_of(words.context)) / 3.0,
            "counted": self.lib.overlap(q, token_set_of(words.counted)) / 3.0,
            "total": float(self._is_total(fact)),
            "local": self.lib.overlap(q, token_set_of(words.local)) / 3.0,
            "opposed": float(opposed(qualified(q.words), self._qualifiers(fact))),
            "unasked": self._unasked(q, fact),
        }

    def _unasked(self, q: Question, fact: Fact) -> float:
        """How much the figure's label narrows what it counts by words the question does not say ("đảng
        viên được kết nạp trong doanh nghiệp ngoài nhà nước" for "bao nhiêu đảng viên được kết nạp"): 0 to 1,
        a word a third."""
        unit = set(words(fact.unit))
        asked = set(q.words)
        extra = {w for w in self._counted_words(fact) if w not in unit and w not in asked}
        return min(1.0, len(extra) / 3)

    @staticmethod
    def _highest_further(first: Features) -> Features:
        """The most the further features can be: the question's words among a part of the figure's words
        are at most those among all of them; the rest are shares and flags (at most 1)."""
        return {
            "context": first["near"],
            "counted": first["near"],
            "total": 1.0,
            "local": 1.0,
            "opposed": 1.0,
            "unasked": 1.0,
        }

    def _qualifiers(self, fact: Fact) -> frozenset[tuple[str, str]]:
        # Those of its sentence under its heading, read once for all the sentence's figures.
        where = (fact.doc_key, fact.sentence_start, fact.sentence_end, fact.section)
        if where not in self._sentence_qualifiers:
            clause = self.lib.text(fact.doc_key)[fact.sentence_start : fact.sentence_end]
            self._sentence_qualifiers[where] = qualified((*words(clause), *_heading_words(fact.section)))
        return self._sentence_qualifiers[where]

    @once_per_figure
    def _of_the_term(self, fact: Fact) -> bool:
        """The figure may be of its report's whole term: no year opens its clause, and no other period is
        named nearest it ("(nhiệm kỳ 2015–2020 kết nạp 186)" is the term before's)."""
        if self._opening_year(fact):
            return False
        term = self.lib.meta(fact.doc_key).term
        start, _end = self.lib.sentence_of(fact.doc_key, fact.start)
        before = CLOSED_ASIDE_RE.sub(" ", self.lib.text(fact.doc_key)[start : fact.start])
        named = TERM_RE.findall(before)
        if not named or not term:
            return True
        first, last = (int(y) for y in named[-1])  # the period named nearest before the figure
        if TERM_RE.fullmatch(term):
            return term == f"{first}–{last}"
        return first <= int(term[:4]) <= last  # an annual report's term is the period holding its year

    @once_per_figure
    def _is_total(self, fact: Fact) -> bool:
        return fact in self.lib.top_facts_beside(fact)

    @once_per_figure
    def _planned(self, fact: Fact) -> bool:
        """The figure is a plan or a target: stated in a part looking ahead, or after "phấn đấu",
        "mục tiêu" in its sentence."""
        if self.lib.section_role(fact.doc_key, fact.section) in FORWARD_ROLES:
            return True
        before = f" {self.lib.text(fact.doc_key)[fact.sentence_start : fact.start].lower()} "
        return any(_governs(before, w) for w in _PLAN_WORDS)

    def _fact_score(self, q: Question, fact: Fact, found: Retrieval) -> float:
        """The probability that the figure answers the question (0 for figures that never do)."""
        return self._figure_scores(q, found)(fact)

    def _figure_scores(self, q: Question, found: Retrieval) -> FigureScores:
        return FigureScores(
            lambda f: None if self.excluded(q, f) else self._first_features(q, f, found),
            lambda f, first: self._further_features(q, f),
            self._highest_further,
        )

    @staticmethod
    def _does(fact: Fact, key: str) -> bool:
        """The figure answers the verb asked about: its own verb, or the verb inside what it counts
        ("06 lớp bồi dưỡng nghiệp vụ" answers a question about "bồi dưỡng")."""
        if predicate_matches(fact.predicate, key):
            return True
        counted = f" {fact.subject.lower()} "
        return any(f" {form} " in counted for form in _PREDICATE_FORMS.get(key, ()))

    def _does_any(self, fact: Fact, keys: tuple[str, ...]) -> bool:
        return any(self._does(fact, key) for key in keys)

    def _tells_of(self, fact: Fact, keys: tuple[str, ...]) -> bool:
        """The figure's sentence (or table cell) writes one of the verbs asked about, in any of its forms."""
        sentence = self._sentence_words(fact)
        return any(form in sentence for key in keys for form in _FOLDED_FORMS.get(key, ()))

    @once_per_figure
    def _sentence_words(self, fact: Fact) -> str:
        """The words of the figure's sentence, and of its table row and column ("Kết nạp (đảng viên)")."""
        sentence = self.lib.text(fact.doc_key)[fact.sentence_start : fact.sentence_end]
        return f" {' '.join(words(f'{fact.cell} {sentence}'))} "

    @staticmethod
    def _people_for_people(q: Question, fact: Fact) -> bool:
        """ "09 đồng chí" may answer "bao nhiêu thành viên": reports count people as "đồng chí"; and
        "02 đảng viên" may answer "mấy người": a question may count people as "người"."""
        unit = _folded(fact.unit)
        if unit in _PEOPLE_UNITS:
            return any(u in _PERSON_NOUNS for u in q.units)
        return unit in _PERSON_NOUNS and any(u in _PEOPLE_UNITS for u in q.units)

    def _named_in_question(self, q: Question, fact: Fact) -> bool:
        """The question names what this figure counts ("... hộ nghèo và hộ cận nghèo?")."""
        counted = self._counted_words(fact)
        unit = set(words(fact.unit))
        beyond = [w for w in counted if w not in unit]
        if not beyond:
            return False  # just the unit ("đảng viên"): every question about members names it
        asked = set(q.words)  # and what it counts beyond its unit ("nữ" of "đảng viên nữ")
        return all(sum(w in asked for w in ws) >= 0.6 * len(ws) for ws in (counted, beyond))

    @once_per_figure
    def _counted_words(self, fact: Fact) -> tuple[str, ...]:
        return tuple(w for w in words(fact.subject) if w not in STOPWORDS)

    def _unit_hit(self, q: Question, fact: Fact) -> bool:
        """A share answers a share question only; a count answers a question naming what it counts. What
        is measured rather than counted ("bao nhiêu nguồn lực", no unit of the lexicon) is named before
        its figure: "Tổng nguồn lực huy động ... đạt 2.486,5 tỷ đồng"."""
        if fact.unit == "%":
            return "%" in q.units
        if self._units_named(q, fact):
            return True
        unit = _folded(fact.unit)
        if len(unit.split()) >= 2 and any(u.startswith(f"{unit} ") for u in q.units):
            return True  # "kiến nghị" counts what "kiến nghị của cử tri" asks, narrowed by the rest
        measured = [u for u in q.units if u != "%" and is_measured(u)]
        if not measured or _folded(fact.unit) in TIME_UNITS:
            return False  # "trong 3 năm ... nguồn lực": a duration measures no amount
        return any(f" {u} " in self._words_before(fact) for u in measured)

    @once_per_figure
    def _words_before(self, fact: Fact) -> str:
        """The folded words of the figure's clause before it, padded."""
        return f" {' '.join(words(self.lib.text(fact.doc_key)[fact.sentence_start : fact.start]))} "

    def _report_figures(
        self, q: Question, found: Retrieval, key: str, candidates: list[Fact] | None = None
    ) -> tuple[float, list[Fact]] | None:
        """A report's answer: its best figure among the candidates (all its figures when none are given),
        with the other figures of the same sentence the question also asks for ("bao nhiêu hộ và nhân
        khẩu") or the list it belongs to."""
        facts = self.lib.facts(key) if candidates is None else candidates
        threshold = model("figure").threshold
        scores = self._figure_scores(q, found)
        ranked = sorted((f for f in facts if scores.reaches(f, threshold)), key=lambda f: -scores(f))
        if not ranked:
            return None
        fact = ranked[0]
        top = scores(fact)
        if not (q.wants_several or q.wants_list or q.kind is QuestionKind.COMPARISON):
            fact = self._part_asked(q, fact) or fact
        listed = self._siblings(fact) if q.wants_list or not q.units else [fact]
        chosen = [f for f in listed if f is fact or not scores.never(f)]  # not those of another year
        chosen += self._companions(q, fact, chosen, scores)
        # "... bao nhiêu, còn ... bao nhiêu?", or a comparison inside one report (across reports, each
        # report's best figure is its side).
        within = q.kind is QuestionKind.COMPARISON and (not q.scope or len(q.scope) == 1)
        several = within or q.wants_several
        # Its own sentence may hold both sides already ("341 đảng viên là giảng viên, 126 ... là sinh viên").
        both = within and any(
            f.unit == fact.unit and self._units_named(q, f) - self._units_named(q, fact) for f in chosen
        )
        # "bao nhiêu tổ chức đảng và bao nhiêu đảng viên": one sentence naming every thing asked answers it
        both = both or (q.wants_several and self._names_every_unit(q, chosen))
        if several and not both and not (q.wants_target and fact.target is not None):
            # Compared with a target: no other side. The threshold decides whether the report answers at
            # all; another side need only be close to its best figure.
            # Only figures this close can be sides (_other_sides).
            close = expit(logit(top) - CLOSE_SIDES)
            sides = sorted((f for f in facts if scores.reaches(f, close)), key=lambda f: -scores(f))
            for side in self._other_sides(fact, chosen, sides, scores):
                chosen.append(side)  # with the figures of its sentence asked for, as the best one has
                chosen += self._companions(q, side, chosen, scores)
            for side in self._sides_named(q, fact, chosen, facts, scores):
                chosen.append(side)  # "trước hợp nhất ..., còn sau hợp nhất ...": each side asked has one
                chosen += self._companions(q, side, chosen, scores)
            for side in self._years_sides(q, fact, chosen, ranked, scores):  # the figures that answer
                chosen.append(side)  # "năm 2019 so với năm 2016": each year asked has one
        ordered = sorted(chosen, key=lambda f: f.start)
        return top, [fact, *(f for f in ordered if f is not fact)]

    def _sides_named(
        self, q: Question, fact: Fact, chosen: list[Fact], facts: list[Fact], scores: FigureScores
    ) -> list[Fact]:
        """When the question names both sides of a qualifier ("trước hợp nhất ..., còn sau hợp nhất ..."),
        the best figure of each side no chosen figure is of, counting what the best one counts."""
        asked = qualified(q.words)
        if not any((OPPOSED_QUALIFIERS[side][0], word) in asked for side, word in asked):
            return []  # one side named: the figures of the other are ruled out, not wanted
        added: list[Fact] = []
        for pair in asked:
            if any(pair in self._qualifiers(f) for f in [*chosen, *added]):
                continue
            of_side = [
                f
                for f in facts
                if f.unit == fact.unit and pair in self._qualifiers(f) and not scores.never(f)
            ]
            if of_side:
                added.append(max(of_side, key=scores))
        return added

    def _years_sides(
        self, q: Question, fact: Fact, chosen: list[Fact], facts: list[Fact], scores: FigureScores
    ) -> list[Fact]:
        """A comparison of years within one report ("năm 2019 so với năm 2016"): the best of the figures
        that answer of each year asked that no chosen figure is of, counting in the best one's unit."""
        if q.kind is not QuestionKind.COMPARISON or len(q.years) < 2:
            return []
        added: list[Fact] = []
        for year in q.years:
            one = replace(q, years=(year,), kind=QuestionKind.COUNT)
            if any(self._same_year(one, f) for f in [*chosen, *added] if f.unit == fact.unit):
                continue
            of_year = [
                f for f in facts if f.unit == fact.unit and not scores.never(f) and self._same_year(one, f)
            ]
            if of_year:
                added.append(max(of_year, key=scores))
        return added

    def _part_asked(self, q: Question, fact: Fact) -> Fact | None:
        """The part of the figure's breakdown the question singles out: the one whose label has a word
        the question asks, beyond what the total counts, that no other part's label has (of "37 Huy
        hiệu Đảng, gồm: 01 Huy hiệu 70 năm, ..., 09 Huy hiệu 50 năm, ...", "how many were 50-year
        badges" asks for the 09)."""
        if len(fact.breakdown) < 2:
            return None
        labels = [{w for w in words(part.label) if w not in STOPWORDS} for part in fact.breakdown]
        asked = set(q.words).difference(words(fact.subject))  # what the total counts singles out none
        named = [
            part
            for i, (part, own) in enumerate(zip(fact.breakdown, labels, strict=True))
            if own.difference(*(other for j, other in enumerate(labels) if j != i)) & asked
        ]
        if len(named) != 1:
            return None
        return next(
            (
                other
                for other in self.lib.facts(fact.doc_key)
                if other.start > fact.start
                and other.value == named[0].value
                and self.lib.same_sentence(other, fact)
                and other not in self.lib.top_facts_beside(fact)
            ),
            None,
        )

    def _companions(self, q: Question, fact: Fact, chosen: list[Fact], scores: FigureScores) -> list[Fact]:
        """The other figures of the figure's sentence the question also asks for ("bao nhiêu hộ và nhân
        khẩu"): nearly as good as the figure, named by the question, or any when it asks for several."""
        near_top = max(model("figure").threshold, expit(logit(scores(fact)) - CLOSE_FIGURES))
        found: list[Fact] = []
        for other in self.lib.top_facts_beside(fact):
            if other in chosen or other in found:
                continue
            if any(other is self._share_of(f) for f in (fact, *chosen, *found)):
                continue  # "(chiếm 0,31%)": stated with the count it is the share of
            if any(p.value == fact.value for p in other.breakdown) or scores.never(other):
                continue  # the total the chosen figure is part of, or a figure that never answers
            asked = q.wants_several or self._named_in_question(q, other)
            if asked or (
                scores.reaches(other, near_top)
                and not self._narrower_unasked(q, other, fact)
                and not self._labelled_apart(q, fact, other)
            ):
                found.append(other)
        return found

    def _labelled_apart(self, q: Question, fact: Fact, other: Fact) -> bool:
        """Items of a list each labelled before its figure ("Hội Liên hiệp Phụ nữ 31.240 hội viên, Hội Nông
        dân 28.615 hội viên"): the question names a word only the chosen figure's label has, and none only
        the other's has. Not when figures are compared (the other may be the other side)."""
        if q.kind is QuestionKind.COMPARISON:
            return False
        own, theirs = self._label(fact), self._label(other)
        asked = set(q.words)
        return bool((own - theirs) & asked) and not (theirs - own) & asked and bool(theirs - own)

    @once_per_figure
    def _label(self, fact: Fact) -> frozenset[str]:
        """The words between the figure and the separator before it in its sentence: what it is of."""
        text = self.lib.text(fact.doc_key)
        start = max(fact.sentence_start, *(text.rfind(mark, 0, fact.start) + 1 for mark in ",;:("))
        return frozenset(w for w in words(text[start : fact.start]) if w not in STOPWORDS and w.isalpha())

    def _narrower_unasked(self, q: Question, other: Fact, fact: Fact) -> bool:
        """The other figure counts a narrower kind of what the chosen one counts, by a word the question
        does not ask ("17 đảng viên nữ" beside "26 đảng viên" for "bao nhiêu đảng viên"): a part of it."""
        if _folded(other.unit) != _folded(fact.unit):
            return False
        extra = set(self._counted_words(other)) - set(self._counted_words(fact))
        return bool(extra - set(q.words))

    def _other_sides(
        self, fact: Fact, chosen: list[Fact], ranked: list[Fact], scores: FigureScores
    ) -> list[Fact]:
        """A comparison within one report: the best figures of other sentences counting the same thing,
        nearly as good as the best ("trước hợp nhất ... 08 đồng chí", "sau hợp nhất ... 11 đồng chí")."""
        sides: list[Fact] = []
        for other in (f for f in ranked if f is not fact):
            if len({self.lib.sentence_of(f.doc_key, f.start) for f in [*chosen, *sides]}) >= COMPARED_SIDES:
                break
            if other.unit != fact.unit or any(self.lib.same_sentence(other, f) for f in [*chosen, *sides]):
                continue
            if logit(scores(other)) >= logit(scores(fact)) - CLOSE_SIDES:
                sides.append(other)
        return sides

    def best_figures(self, q: Question, found: Retrieval) -> list[tuple[float, list[Fact]]]:
        """Each report's figures, best report first; without a named report, only reports whose figure
        counts the same thing (or answers the same verb) as the best one."""
        scope = list(q.scope) if q.scope else None
        doing = q.predicates if self._verb_decides(q) else ()
        candidates = self.lib.candidate_facts(q, found, scope, doing)
        best = [r for key, fs in candidates.items() if (r := self._report_figures(q, found, key, fs))]
        best.sort(key=lambda r: -r[0])
        if best and not scope:
            best = [best[0]] + [(s, fs) for s, fs in best[1:] if any(self._on_topic(q, f) for f in fs)]
        return best

    def _on_topic(self, q: Question, fact: Fact) -> bool:
        if q.units and not self._unit_hit(q, fact):
            return False
        return not q.predicates or any(self._does(fact, k) for k in q.predicates)

    def _same_year(self, q: Question, fact: Fact) -> bool:
        """A year named in the question must stand near the figure (sentence, section, title or date),
        as a year, not inside a term "2020 - 2025": a figure of another year is not an answer."""
        meta = self.lib.meta(fact.doc_key)
        years = self._years_for(q, meta.term)
        if not years:
            return True
        dated = self._opening_year(fact)
        if dated and dated not in years:
            return False  # "Năm 2023, ... là 41 đồng chí" in a report of 2024: a figure of 2023
        if self._of_a_period(fact) and not any(y in self._sentence_years(fact) for y in years):
            return False  # "Từ đầu nhiệm kỳ 2020–2025 đến nay đã kết nạp 198": of the term, not of a year
        context = self._sentence_for(fact)
        headings = self.lib.headings_over(fact.doc_key, fact.start)  # "PHƯƠNG HƯỚNG, NHIỆM VỤ NĂM 2025"
        lead = self._lead_for(fact)
        around = without_terms(
            f"{lead} {context} {fact.cell} {fact.section} {headings} {meta.title} {meta.date}"
        )
        named = [year in around for year in years]
        # A comparison of years ("2020 ... so với 2021"), or a figure asked for each ("năm 2023 bao nhiêu,
        # còn năm 2024 bao nhiêu"), has each figure in one of them.
        return any(named) if q.kind is QuestionKind.COMPARISON or q.wants_several else all(named)

    @once_per_figure
    def _lead_for(self, fact: Fact) -> str:
        """A short lead ending in ":" that the figure's sentence follows in the same paragraph, no other
        year said between: "Kết quả xếp loại năm 2019: Về chi bộ, ... Về đảng viên, ... 58 đồng chí" (the
        lead dates what follows it)."""
        text = self.lib.text(fact.doc_key)
        colon = text.rfind(":", max(0, fact.sentence_start - LEAD_REACH), fact.sentence_start)
        if colon < 0 or "\n\n" in text[colon : fact.sentence_start]:
            return ""
        if single_years(text[colon : fact.sentence_start]):
            return ""
        window = max(0, colon - LEAD_REACH)
        ends = [m.end() for m in _LEAD_OPENING_RE.finditer(text, window, colon)]
        lead = text[ends[-1] if ends else window : colon]
        return lead if len(lead.split()) <= LEAD_WORDS else ""

    @once_per_figure
    def _sentence_for(self, fact: Fact) -> str:
        """The figure's sentence without the asides of other figures: "kết nạp 47 đảng viên ... (năm 2023
        kết nạp 38 đảng viên)" does not make 47 a figure of 2023. An aside of dates only ("(tính đến
        31/12/2023)") still dates the figure it follows."""
        text = self.lib.text(fact.doc_key)
        sentence = text[fact.sentence_start : fact.sentence_end]

        def blank(aside: re.Match[str]) -> str:
            at = fact.sentence_start + aside.start()
            holds_figure = at <= fact.start < fact.sentence_start + aside.end()
            own_figures = [
                raw
                for *_, raw in numbers_in(aside.group(), quantities_only=True)
                if not YEAR_RE.fullmatch(raw)
            ]
            return aside.group() if holds_figure or not own_figures else " "

        return _COMPARED_YEAR_RE.sub(" ", CLOSED_ASIDE_RE.sub(blank, sentence))

    def _same_period(self, q: Question, fact: Fact) -> bool:
        """A period named in the question ("giai đoạn 2016–2020") is the one named nearest the figure (its
        sentence before it, its headings), else the report's own or its title's: a report of 2021–2025 does
        not count what 2016–2020 did. A figure of one year is not the period's."""
        meta = self.lib.meta(fact.doc_key)
        if not q.periods:
            return True
        if not q.years and self._opening_year(fact):
            return False  # "Năm 2024, đã giải quyết 489 kiến nghị": one year's, not the period's
        near = self._periods_near(fact)
        if near and not near & set(q.periods):
            return False  # under "ĐÁNH GIÁ NHIỆM KỲ 2020–2025" in a report to the 2025–2030 congress
        return meta.term in q.periods or any(p in near | self._periods_named(meta.title) for p in q.periods)

    @once_per_figure
    def _periods_near(self, fact: Fact) -> frozenset[str]:
        """The periods named before the figure in its sentence (not in an aside closed before it) or in
        the headings over it."""
        start, _end = self.lib.sentence_of(fact.doc_key, fact.start)
        before = CLOSED_ASIDE_RE.sub(" ", self.lib.text(fact.doc_key)[start : fact.start])
        return self._periods_named(f"{before} {self.lib.headings_over(fact.doc_key, fact.start)}")

    @staticmethod
    def _periods_named(text: str) -> frozenset[str]:
        return frozenset(terms_in(text)) | frozenset(spans_in(text))

    @once_per_figure
    def _opening_year(self, fact: Fact) -> str:
        """The year that opens the figure's sentence, clause or open parenthesis before it ("(cùng kỳ năm
        2024 kỷ luật 296"), "" when none does; a parenthesis closed before the figure dates nothing after it."""
        if fact.cell and (named := single_years(fact.cell)):
            return named[-1]  # a table's row or column says the year ("2023 | ...", "6 tháng đầu năm 2024")
        start, _end = self.lib.sentence_of(fact.doc_key, fact.start)
        before = CLOSED_ASIDE_RE.sub(" ", self.lib.text(fact.doc_key)[start : fact.start])
        found = _OPENING_YEAR_RE.findall(before)
        return found[-1] if found else ""

    @once_per_figure
    def _year_of(self, fact: Fact) -> str:
        """The year a figure is of: the one opening its sentence or clause, else its report's year."""
        return self._opening_year(fact) or self.lib.meta(fact.doc_key).term

    @once_per_figure
    def _of_a_period(self, fact: Fact) -> bool:
        """The figure's sentence, up to it, names a period of several years ("nhiệm kỳ 2020–2025")."""
        start, _end = self.lib.sentence_of(fact.doc_key, fact.start)
        return bool(TERM_RE.search(self.lib.text(fact.doc_key), start, fact.start))

    @once_per_figure
    def _sentence_years(self, fact: Fact) -> frozenset[str]:
        """The years the figure's sentence names on their own (not inside a term)."""
        start, end = self.lib.sentence_of(fact.doc_key, fact.start)
        return frozenset(single_years(self.lib.text(fact.doc_key)[start:end]))

    def _years_for(self, q: Question, term: str) -> tuple[str, ...]:
        """The years a report's figures must be of. Comparing reports ("Đảng bộ Khối ... so với Đảng bộ Sở
        năm 2020"), a year that is one report's own year (its annual report) is said of that report only."""
        if q.kind is not QuestionKind.COMPARISON or not q.scope or len(q.scope) < 2:
            return q.years
        owned = self._owned_years(q)
        return q.years if term in owned else tuple(y for y in q.years if y not in owned)

    def _owned_years(self, q: Question) -> frozenset[str]:
        """The years asked that are some report's own in scope: the last question's kept, as each of its
        figures asks (a scope may hold hundreds of reports)."""
        last = self._last_owned  # read once: another thread may be answering another question
        if last is None or last[0] is not q:
            last = self._last_owned = (
                q,
                frozenset({self.lib.meta(k).term for k in q.scope or ()} & set(q.years)),
            )
        return last[1]

    def _lines(self, q: Question, best: list[tuple[float, list[Fact]]], found: Retrieval) -> Draft:
        """One line per report (its figures, each sentence cited), and for a comparison what it computes.
        Each report's figures come best first."""
        searched = len(q.scope or self.lib.reports)
        lines: list[str] = []
        evidence: list[Evidence] = []
        cited: list[tuple[list[Fact], int]] = []  # the figures of each cited sentence, with its marker
        markers: dict[str, int] = {}  # each report's first marker
        # Across many reports a comparison is a table too: describing every report's figures grew with the
        # archive (10 s for 469 reports at 100k chunks, measured); it computes with the sides shown.
        tabled = len(best) > TABLE_FROM
        shown = best[:SHOWN_REPORTS]
        if len(best) > 1:
            lines.append(phrase(q.lang, "per_report", n=count_word(searched, q.lang)))
        if tabled:
            lines += _table_head(q.lang)
        for score, figures in shown:
            markers[figures[0].doc_key] = len(evidence) + 1
            statements = []
            for group in self._by_sentence(sorted(figures, key=lambda f: f.start)):
                start = min(f.sentence_start for f in group)
                end = max(f.sentence_end for f in group)
                evidence.append(Evidence(group[0].doc_key, start, end, group[0].section, score))
                cited.append((group, len(evidence)))
                statements.append("; ".join(self._describe(f, q.lang) for f in group) + f" [{len(evidence)}]")
            meta = self.lib.meta(figures[0].doc_key)
            if tabled:
                lines.append(_table_line(meta, "; ".join(statements), q.lang))
                continue
            prefix = "- " if len(best) > 1 else ""
            lines.append(f"{prefix}**{answer_label(meta, q.lang)}**: {'; '.join(statements)}")
        more = len(best) - len(shown)
        if more > 0:
            lines.append(phrase(q.lang, "more_in_table", n=more, total=len(best)))
        if 1 < len(best) < searched:
            lines.append(phrase(q.lang, "others_silent"))
        derived: tuple[float, ...] = ()
        if q.kind is QuestionKind.COMPARISON:
            shown_ids = {id(f) for group, _ in cited for f in group}
            sides = [f for f in self._sides(q, shown, found) if id(f) in shown_ids]
            line, derived = self._comparison(q, cited, sides)
            lines += [line] if line else []
        table = self._table(best, markers, q.lang) if tabled else []
        tallies = (searched, len(best), more)
        return Draft(lines, evidence, derived=derived, tallies=tallies, table=table)

    def _table(
        self, best: list[tuple[float, list[Fact]]], markers: dict[str, int], lang: str
    ) -> list[TableRow]:
        """A row per report, best first: its best figure, what it counts, its breakdown and sentence."""
        rows = []
        for _score, figures in best:
            fact = figures[0]
            meta = self.lib.meta(fact.doc_key)
            breakdown = "; ".join(f"{p.label}: {format_number(p.value, lang)}" for p in fact.breakdown)
            rows.append(
                TableRow(
                    report=meta.doc,
                    issuing_body=meta.issuing_body,
                    province=meta.province,
                    term=meta.term,
                    counted=fact.subject,
                    action=fact.predicate,
                    figure=fact.value,
                    unit=fact.unit,
                    breakdown=breakdown,
                    quote=collapse_spaces(
                        self.lib.text(fact.doc_key)[fact.sentence_start : fact.sentence_end]
                    ),
                    marker=markers.get(fact.doc_key),
                )
            )
        return rows

    def _by_sentence(self, figures: list[Fact]) -> list[list[Fact]]:
        groups: dict[tuple[int, int], list[Fact]] = {}
        for f in figures:
            groups.setdefault(self.lib.sentence_of(f.doc_key, f.start), []).append(f)
        return list(groups.values())

    def _sides(self, q: Question, best: list[tuple[float, list[Fact]]], found: Retrieval) -> list[Fact]:
        """The figures a comparison sets against each other: each report's best when two reports answer;
        within one report its best figure and the best other one counting in the same unit ("120 lượt tổ
        chức đảng" against "175 lượt tổ chức", "trước hợp nhất 8" against "sau hợp nhất 11"), a result
        against a plan when the question asks about targets."""
        if len(best) != 1:
            return [figures[0] for _, figures in best]
        lead, *others = best[0][1]
        alike = [f for f in others if f.unit == lead.unit]
        if len(q.years) == 2:  # "2025 so với cùng kỳ 2024": a side of each year, when the report has both
            alike = [f for f in alike if self._year_of(f) != self._year_of(lead)] or alike
        # "how many are lecturers and how many are students": the other side counts another one asked
        named = self._units_named(q, lead)
        alike = [f for f in alike if self._units_named(q, f) - named] or alike
        if q.wants_target:  # results against targets: a side of each kind, when the report states both
            alike = [f for f in alike if self._planned(f) != self._planned(lead)] or alike
        if not alike:
            return [lead]
        return [lead, max(alike, key=lambda f: self._fact_score(q, f, found))]

    def _names_every_unit(self, q: Question, chosen: list[Fact]) -> bool:
        """The figures count every one of two or more different things the question asks for."""
        asked = {u for u in q.units if u != "%"}
        named = set().union(*(self._units_named(q, f) for f in chosen))
        kinds = {f.unit for f in chosen}
        return len(asked) >= 2 and len(kinds) >= 2 and asked <= named

    @staticmethod
    def _units_named(q: Question, fact: Fact) -> set[str]:
        """The units asked that the figure counts, by its unit or its label ("đảng viên (giảng viên)")."""
        counted = _folded(f"{fact.subject} {fact.unit}")
        return {u for u in q.units if u != "%" and u in counted}

    def _comparison(
        self, q: Question, cited: list[tuple[list[Fact], int]], sides: list[Fact]
    ) -> tuple[str, tuple[float, ...]]:
        """What a comparison computes, stated with the cited figures: the best figure against its target
        ("vượt 2"), or two sides counting the same thing against each other ("8 và 5, chênh lệch 3"); ""
        when there is nothing to compute."""
        marker = {id(f): n for group, n in cited for f in group}
        target = next((f for f in sides if f.target is not None), None)
        if q.wants_target and target is not None:
            diff = target.value - target.target
            key = "above_target" if diff > 0 else "below_target" if diff < 0 else "at_target"
            a, t, d = (format_number(v, q.lang) for v in (target.value, target.target, abs(diff)))
            return phrase(q.lang, key, a=a, t=t, d=d, unit=target.unit) + f" [{marker[id(target)]}]", (
                abs(diff),
            )
        if len(sides) == 2 and sides[0].unit == sides[1].unit:
            first, second = sides
            diff = abs(first.value - second.value)
            a, b, d = (format_number(v, q.lang) for v in (first.value, second.value, diff))
            unit = (english_word(first.unit) or first.unit) if q.lang == "en" else first.unit
            line = phrase(q.lang, "difference", a=a, b=b, d=d, unit=unit)
            cites = " ".join(f"[{n}]" for n in dict.fromkeys((marker[id(first)], marker[id(second)])))
            return f"{line} {cites}", (diff,)
        return "", ()

    def _siblings(self, fact: Fact) -> list[Fact]:
        """A list of counts after one verb ("xây dựng 03 trường học, 12 km đường ...") is
        answered whole."""
        facts = self.lib.top_facts[fact.doc_key]
        same = [
            f
            for f in facts
            if self.lib.same_sentence(f, fact) and f.predicate == fact.predicate and f.predicate
        ]
        return same if len(same) > 1 and len({f.unit for f in same}) > 1 else [fact]

    @once_per_figure
    def _share_of(self, fact: Fact) -> Fact | None:
        """ "17 đồng chí (chiếm 21,5%)": the share stated right after a count belongs to it."""
        if fact.unit == "%":
            return None
        for other in self.lib.facts(fact.doc_key):
            if other.unit == "%" and self.lib.same_sentence(other, fact) and 0 < other.start - fact.end < 20:
                return other
        return None

    def _describe(self, fact: Fact, lang: str) -> str:
        """ "xử lý kỷ luật 50 đảng viên (trong đó khiển trách: 30, ...; chỉ tiêu: 400)"; in English
        "50 party members (đảng viên) disciplined (xử lý kỷ luật) (of which khiển trách/reprimand 30, ...)"."""
        if lang == "en" and fact.unit != "%" and english_word(fact.unit):
            return self._describe_en(fact)
        number = format_number(fact.value, lang)
        qualifier = fact.qualifier if fact.approx else ""
        noun = fact.subject if fact.unit and fact.subject.lower().startswith(fact.unit.lower()) else fact.unit
        rated = RATING_NAMES[level][lang] if (level := self.labels.rating(fact)) else ""
        if rated and RATING.levels_at(words(fact.subject)):
            rated = ""  # "đảng viên không hoàn thành nhiệm vụ: dưới 0,5%": its label says it already
        if fact.unit == "%":
            amount = approximate(f"{number}%", qualifier, lang)
            what = f"{gloss(fact.subject, lang)} {rated}".strip() + ": " if fact.subject or rated else ""
        else:
            amount = approximate(f"{number} {gloss(noun, lang)}".strip(), qualifier, lang)
            what = ""
        if rated and not what:  # "13 đảng viên không hoàn thành nhiệm vụ": the level, not the verb
            return f"{amount} {rated}" + self._extras(
                fact, lang, lambda p: f"{gloss(p.label, lang)}: {format_number(p.value, lang)}"
            )
        verb = gloss(fact.predicate, lang)
        after = self._verb_after(fact)
        if after and not what:
            head = f"{amount} {gloss(after, lang)}"  # "45 quần chúng ưu tú được đứng vào hàng ngũ của Đảng"
        elif verb and not what:
            head = f"{verb} {amount}".strip()
        else:
            head = f"{what}{amount}"
        if not verb and not what and fact.subject and fact.subject != noun:
            head = f"{gloss(fact.subject, lang)}: {amount}"
        return head + self._extras(
            fact, lang, lambda p: f"{gloss(p.label, lang)}: {format_number(p.value, lang)}"
        )

    def _verb_after(self, fact: Fact) -> str:
        """The verb as the report wrote it when it follows the figure ("... được đứng vào hàng ngũ của
        Đảng"), so the figure is stated in the report's order; "" when it comes first."""
        if not fact.predicate:
            return ""
        text = self.lib.text(fact.doc_key)
        tail = text[fact.end : fact.sentence_end]
        at = tail.lower().find(fact.predicate.lower())
        before = text[fact.sentence_start : fact.start].lower()
        if at < 0 or fact.predicate.lower() in before:
            return ""
        lead = tail[:at].split()
        passive = lead[-1] if lead and lead[-1].lower() in _PASSIVE else ""  # "được", "bị"
        return f"{passive} {tail[at : at + len(fact.predicate)]}".strip()

    def _extras(self, fact: Fact, lang: str, part: Callable[[FactPart], str]) -> str:
        """ "(34.84%; trong đó khiển trách: 30, ...; chỉ tiêu: 400 đảng viên)": the share, the breakdown
        (each part written by `part`) and the target that go with a figure."""
        extras: list[str] = []
        share = self._share_of(fact)
        if share is not None:
            extras.append(f"{format_number(share.value, lang)}%")
        if fact.breakdown:
            extras.append(f"{phrase(lang, 'of_which')} {', '.join(part(p) for p in fact.breakdown)}")
        if fact.target is not None:
            unit = "%" if fact.unit == "%" else f" {fact.unit}"
            extras.append(f"{phrase(lang, 'target')}: {format_number(fact.target, lang)}{unit}".strip())
        return f" ({'; '.join(extras)})" if extras else ""

    def _describe_en(self, fact: Fact) -> str:
        """In English, the report's term in parentheses only for the key term (the verb, else the thing
        counted): "50 party members disciplined (xử lý kỷ luật) (of which reprimand 30, ...)"."""
        number = approximate(format_number(fact.value, "en"), fact.qualifier if fact.approx else "", "en")
        noun = english_word(fact.unit) or fact.unit
        verb = (
            (english_participle(fact.predicate) or english_word(fact.predicate)) if fact.predicate else None
        )
        if level := self.labels.rating(fact):  # "13 party members rated 'did not complete tasks' (không ...)"
            names = RATING_NAMES[level]
            head = f"{number} {noun} rated '{names['en']}' ({names['vi']})"
        elif fact.predicate:
            key = f"{verb} ({fact.predicate})" if verb else f"({fact.predicate})"
            head = " ".join(p for p in (number, noun, key) if p)
        else:
            subject = fact.subject if fact.subject.lower() != fact.unit.lower() else ""
            head = " ".join(p for p in (number, noun, f"({subject})" if subject else "") if p)
        return head + self._extras(
            fact, "en", lambda p: f"{english_word(p.label) or p.label} {format_number(p.value, 'en')}"
        )
