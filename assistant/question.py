"""Question understanding: language, kind, what is counted, the verbs asked about, the reports the question
names and its content words, and follow-ups resolved against the previous turn. A Question is complete
when parsed: search and the answerers only read it. The cue phrases are in the lexicon
(ingest/lexicon/question_cues.tsv)."""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field, replace
from enum import StrEnum
from functools import cache, cached_property
from itertools import dropwhile, takewhile

from ingest.agents import asked_agent
from ingest.glossary import head_term, looks_english, translate_terms
from ingest.lexicon import (
    DOCUMENT_KINDS,
    ENGLISH_PREDICATES,
    ENGLISH_STOPWORDS,
    EXPLAINED_ROLES,
    NUMBER_WORDS,
    PREDICATE_PARENT,
    PREDICATES,
    REPORT_NAMING,
    SECTION_ROLES,
    STOP_PHRASES,
    STOPWORDS,
    UNITS,
    alternation,
    cues,
    tone_key,
    units_tagged,
    words_regex,
)
from ingest.normalize import collapse_spaces, fold, has_diacritics, normalize_query
from ingest.numbers import numbers_in
from ingest.periods import YEAR_RE, single_years, spans_in, terms_in
from ingest.ratings import LEVEL, RATING
from ingest.tokens import acronyms, segmented_words, spelled_out, without_phrases, words
from ingest.types import Query, ReportMeta
from vectorstore.scope import mentioned_scope, name_index, report_scope, strip_naming


class QuestionKind(StrEnum):
    COUNT = "count"  # how many, what share
    COMPARISON = "comparison"  # figures compared with each other or a target
    WHY = "why"
    LIST = "list"
    REPORTS = "reports"  # which reports mention ...
    PROVINCE = "province"  # which province a report is from
    DOC_NUMBER = "doc_number"  # a report's document number
    FACT = "fact"  # anything else, answered by quoting


METADATA_KINDS = frozenset({QuestionKind.PROVINCE, QuestionKind.DOC_NUMBER})


@dataclass(frozen=True)
class ReportsView:
    """What question understanding needs of the index: the reports' metadata and whether a lexical token
    occurs in any report."""

    reports: Mapping[str, ReportMeta]
    known: Callable[[str], bool]
    # the reports whose text holds a lexical token
    mentioning: Callable[[str], frozenset[str]] = lambda _token: frozenset()

    @cached_property
    def names(self) -> dict[str, frozenset[str]]:
        """The reports by the words of their issuing bodies' names (vectorstore/scope.py)."""
        return name_index(self.reports)


@dataclass(frozen=True)
class Question:
    text: str  # the question as asked, normalised
    lang: str  # "vi" or "en"
    kind: QuestionKind
    predicates: tuple[str, ...] = ()  # canonical keys, e.g. ("discipline",)
    inherited_predicates: bool = False  # taken from the previous turn, not said in this question
    units: tuple[str, ...] = ()  # folded unit words, e.g. ("dang vien",)
    wants_target: bool = False
    wants_list: bool = False  # "mỗi hình thức bao nhiêu", "for each kind"
    wants_several: bool = False  # "how many ... and how many ...": every figure of the sentence
    years: tuple[str, ...] = ()  # single years named ("năm 2023"), not terms ("2020–2025")
    periods: tuple[str, ...] = ()  # terms named ("giai đoạn 2016–2020"), written as term_label writes them
    asks_who: bool = False
    rating: str = ""  # the one rating level asked about ("good": "hoàn thành tốt nhiệm vụ"), or ""
    level: str = ""  # the one level of administration asked about ("province": "cấp tỉnh"), or ""
    whole_year: bool = False  # asks about a whole year ("cả năm 2024"), not a part of it
    whole_period: bool = False  # asks about the whole term ("từ đầu nhiệm kỳ đến nay"), not one year of it
    same_period: bool = False  # asks about the same part of another year ("cùng kỳ năm 2024")
    part_of: tuple[float, ...] = ()  # a follow-up asks a part of this figure of the previous answer
    undone: bool = False  # asks about what was not done, or not yet ("còn bao nhiêu ... chưa giải quyết")
    agent: str = (
        ""  # the one kind of body asked about as the doer ("inspection": "Ủy ban Kiểm tra ..."), or ""
    )
    part: str = ""  # the part of a report asked for: lessons, shortcomings, causes, ... (lexicon), or ""
    names_part: bool = False  # the question names a part of a report, not only an event
    documents: tuple[str, ...] = ()  # kinds of cited document asked for, by their letters ("KH": which plan)
    # the figures the question itself states ("tăng từ 300 triệu đồng"), not years
    stated: tuple[float, ...] = ()
    across_reports: bool = False  # about all the reports: "những báo cáo nào ..."
    context: str = ""  # the previous question when this one follows up on it
    # folded words of the question, and of a follow-up's previous question (its topic; not its years)
    words: tuple[str, ...] = field(default_factory=tuple)
    compounds: tuple[str, ...] = ()  # its compound words ("nhan_tao"), when typed with diacritics
    user_scope: tuple[str, ...] | None = None  # report keys the user chose
    implied_scope: tuple[str, ...] | None = None  # report keys the question (with its context) names
    # a place inside the reports in scope the question is about ("huyện Văn Chấn" of a province's report),
    # as the token it is found by; its figures are those said of it
    place: str = ""
    informative: tuple[str, ...] = ()  # content words to look for in the reports

    @property
    def search_text(self) -> str:
        """What search gets: a follow-up carries its previous question's subject and report."""
        return f"{self.context} {self.text}".strip()

    @property
    def scope(self) -> tuple[str, ...] | None:
        """The reports the answer is about: the user's choice, else those the question names."""
        return self.user_scope or self.implied_scope

    @property
    def strict_count(self) -> bool:
        """A count asked of a named report, or of a named action, is not answered from prose: a missing
        figure is "not found"."""
        return bool(self.scope) or bool(self.predicates)

    def query(self) -> Query:
        """What search is asked for this question."""
        text = self.search_text
        return Query(
            text=text,
            user_scope=self.user_scope,
            implied_scope=self.implied_scope,
            english=self.lang == "en",
            wants_figures=is_count_question(text),
            # Who holds a post is answered by a person's full name; who did something is answered
            # wherever that is told, named or not.
            asks_who=is_who_question(text) and has_cue("post", text),
            across_reports=self.across_reports,
        )


# --- cues ------------------------------------------------------------------------------------------------
@cache
def _cue_patterns(role: str) -> tuple[re.Pattern[str] | None, re.Pattern[str] | None]:
    """(phrases with diacritics, matched on the question as typed; phrases without, matched folded)."""
    phrases = cues(role)
    marked = [p for p in phrases if has_diacritics(p)]
    plain = [p for p in phrases if not has_diacritics(p)]
    return (words_regex(marked) if marked else None, words_regex(plain, plural=True) if plain else None)


def has_cue(role: str, text: str) -> bool:
    marked, plain = _cue_patterns(role)
    return bool((marked and marked.search(text.lower())) or (plain and plain.search(fold(text))))


def _cue_phrases(role: str, text: str) -> list[str]:
    marked, plain = _cue_patterns(role)
    return (marked.findall(text.lower()) if marked else []) + (plain.findall(fold(text)) if plain else [])


def _cue_count(role: str, text: str) -> int:
    return len(_cue_phrases(role, text))


@cache
def _count_before_unit_re() -> re.Pattern[str]:
    """ "mấy đồng chí", "may lop": a number asked for by "mấy" and a unit."""
    units = {fold(u) for u in units_tagged("asked")}
    return words_regex(f"{lead} {unit}" for lead in cues("count_before_unit") for unit in units)


def is_count_question(text: str) -> bool:
    return has_cue("count", text) or _count_before_unit_re().search(fold(text)) is not None


def is_who_question(text: str) -> bool:
    return has_cue("who", text)


def _asks_against_target(text: str) -> bool:
    """ "Did the district reach its income target?": a yes/no question of a target sets the result against
    it (Vietnamese "có đạt chỉ tiêu ... không" is a comparison cue)."""
    first = re.match(r"\s*(\w+)", text.lower())
    return bool(first) and first.group(1) in cues("yes_no") and has_cue("target", text)


@cache
def _document_number_re() -> re.Pattern[str]:
    """ "the number of the ... report": what a document is numbered, not how many of something."""
    nouns = alternation(cues("document_noun"))
    return re.compile(
        rf"\bnumber\s+of\s+(?:the|this|that|its)\b(?:\s+\S+){{0,10}}?\s+(?:{nouns})\b(?!s)", re.I
    )


def asks_document_number(text: str) -> bool:
    return has_cue("doc_number", text) or (
        looks_english(text)
        and _document_number_re().search(text) is not None
        and not has_cue("how_many", text)
    )


def _kind(text: str, documents: tuple[str, ...]) -> QuestionKind:
    if has_cue("province", text):
        return QuestionKind.PROVINCE
    if asks_document_number(text) or documents:
        return QuestionKind.DOC_NUMBER
    count = is_count_question(text)
    if has_cue("across", text) and not count:
        return QuestionKind.REPORTS
    if count and has_cue("compare", text):
        return QuestionKind.COMPARISON  # "bao nhiêu ..., nhiều hơn hay ít hơn ...?": figures, compared
    if count:
        return QuestionKind.COUNT
    if has_cue("why", text):
        return QuestionKind.WHY  # "vì sao ... chưa đạt chỉ tiêu?": the causes, not the figures compared
    if has_cue("compare", text) and (has_cue("quantity", text) or has_cue("target", text)):
        # "số đảng viên ... so với chỉ tiêu thế nào?", "so với kế hoạch, doanh thu đạt ra sao?": figures
        return QuestionKind.COMPARISON
    if (has_cue("compare", text) and len(single_years(text)) >= 2) or _asks_against_target(text):
        return QuestionKind.COMPARISON  # "how did admissions in 2024 compare with 2023?": a figure a year
    if has_cue("list", text) or (has_cue("plural", text) and has_cue("which", text)):
        return QuestionKind.LIST
    return QuestionKind.FACT


# --- what is asked -----------------------------------------------------------------------------------------
_ASKED_UNITS = sorted({fold(u) for u in units_tagged("asked")}, key=len, reverse=True)
_PREDICATE_RE = words_regex(PREDICATES)
_ALL_FOLDED_PREDICATES = sorted({(fold(k), v) for k, v in PREDICATES.items()}, key=lambda kv: -len(kv[0]))
_FOLDED_PREDICATES = sorted(
    ((fold(k), v) for k, v in PREDICATES.items() if " " in k), key=lambda kv: -len(kv[0])
)


# What an English verb's stem may end with ("disciplin-ed", "-ary", "expuls-ion", "verif-ication"): not any
# word it starts ("elect" is not "electronic").
_ENGLISH_ENDINGS = "|".join(
    (
        *("s", "es", "e", "ed", "d", "ing", "ings", "ion", "ions", "ation", "ations", "ication", "ications"),
        *("ment", "ments", "ement", "ements", "ary", "er", "ers", "ors", "y", "ies", "ied", "al"),
        *("ance", "ances", "ence", "ences", "tion", "tions"),  # "reduc-tion"
    )
)


def question_predicates(question: str) -> list[str]:
    """Canonical predicate keys a question asks about, from Vietnamese (with or without diacritics) or
    English words. Without diacritics only multi-syllable forms are matched ("ky luat", not "mo")."""
    found: list[str] = []
    if question != fold(question):
        found += [PREDICATES[collapse_spaces(m.group()).lower()] for m in _PREDICATE_RE.finditer(question)]
    folded = " " + " ".join(re.findall(r"\w+", fold(question))) + " "
    for form, key in _FOLDED_PREDICATES:
        if f" {form} " in folded:
            found.append(key)
            folded = folded.replace(f" {form} ", " ")
    for stem, key in ENGLISH_PREDICATES.items():
        doubled = re.escape(stem[-1]) + "(?:ed|ing)"  # "expel-led", "admit-ted"
        if re.search(rf"\b{stem}(?:{_ENGLISH_ENDINGS}|{doubled})?\b", question, re.IGNORECASE):
            found.append(key)
    return list(dict.fromkeys(found))


def _narrowest(predicates: tuple[str, ...]) -> tuple[str, ...]:
    """ "kỷ luật bằng hình thức cảnh cáo": one figure asked of a form of an action is of that form, not of
    every form of the action."""
    return tuple(k for k in predicates if not any(PREDICATE_PARENT.get(other) == k for other in predicates))


def _vietnamese_view(text: str, english: bool) -> list[str]:
    """The question's folded words, English glossary phrases replaced by Vietnamese terms, abbreviations
    spelled out ("CCVC" -> "cong chuc vien chuc")."""
    return spelled_out(re.findall(r"[\w%&]+", translate_terms(text) if english else text))


@cache
def _count_lead_res() -> tuple[re.Pattern[str], re.Pattern[str]]:
    leads = cues("count_lead")
    marked = "|".join(re.escape(p) for p in leads if has_diacritics(p))
    plain = "|".join(re.escape(p) for p in leads if not has_diacritics(p))
    return (
        re.compile(rf"\b(?:{marked})\s+((?:[\w%]+[\s,]*){{1,3}})"),
        re.compile(rf"\b(?:{plain})\s+((?:[\w%]+\s*){{1,3}})"),
    )


def _counted_words(text: str) -> list[str]:
    """ "bao nhiêu bí thư, phó bí thư" -> ["bí", "thư"]: the noun the question counts, as typed.
    Read with diacritics when typed with them: folded, "bí thư" and "bị" look alike."""
    lowered = text.lower()
    marked = has_diacritics(lowered)
    marked_re, plain_re = _count_lead_res()
    match = marked_re.search(lowered) if marked else plain_re.search(fold(lowered))
    if not match:
        return []
    stops = {w if marked else fold(w) for w in cues("not_counted")}
    counted: list[str] = []
    for word in re.findall(r"[\w%]+", match.group(1)):
        if word in stops:
            break
        counted.append(word)
    # two syllables, or a longer unit of the lexicon ("lưu học sinh" is not "lưu học")
    longer = next((n for n in (4, 3) if fold(" ".join(counted[:n])) in _LEXICON_UNITS), 2)
    return counted[:longer]


_ENGLISH_WORD_RE = re.compile(r"[\w&'-]+|[^\w\s]")
ENGLISH_HEAD_WORDS = 4  # "how many appointed party committee members": the longest noun phrase read


def _english_counted(text: str) -> tuple[str, str]:
    """English names what it counts by the last word of the noun phrase after "how many" ("how many staff
    initiatives": initiatives; "staff" only says whose). Returns the question with the words before that
    head taken out, for reading its units, and the head's Vietnamese term ("" when the glossary has none:
    then nothing in the phrase is what is counted)."""
    leads = [lead for lead in cues("count_lead") if set(lead.split()) <= ENGLISH_STOPWORDS]  # English ones
    match = re.search(rf"\b(?:{'|'.join(map(re.escape, leads))})\b", text, re.IGNORECASE)
    if not match:
        return text, ""
    tokens = _ENGLISH_WORD_RE.findall(text[match.end() :])
    if tokens[:1] == ["of"] and tokens[1:2] and tokens[1].lower() in cues("followup_reference"):
        return text, ""  # "how many of them were disciplined": what was counted before; the rest is the verb
    if tokens[:1] in (["of"], ["in"]):  # "how many of the members", "how much in party fees": counted
        tokens = list(dropwhile(lambda t: t.lower() in ENGLISH_STOPWORDS, tokens[1:]))
    stops = {fold(w) for w in cues("not_counted")} | ENGLISH_STOPWORDS
    phrase = list(takewhile(lambda t: t[0].isalnum() and t.lower() not in stops, tokens))
    # A past-tense verb after the noun ends it: "how many individuals received certificates".
    verb = next((i for i, t in enumerate(phrase) if i and t.lower().endswith("ed")), len(phrase))
    phrase = " ".join(phrase[: min(verb, ENGLISH_HEAD_WORDS)])
    written, head = head_term(phrase)
    spoken = re.search(r"\s+".join(map(re.escape, phrase.split())), text) if phrase else None
    if not spoken:
        return text, head
    return text[: spoken.start()] + written + text[spoken.end() :], head


_UNIT_SPELLINGS: dict[str, set[str]] = {}
for _unit in units_tagged("asked"):
    _UNIT_SPELLINGS.setdefault(fold(_unit), set()).add(tone_key(_unit.lower()))


def _spelled_otherwise(unit: str, typed: str) -> bool:
    """A question typed with diacritics writes the unit's syllables with other marks: "xã Đông Phong" is a
    name, not "phòng"."""
    n = len(unit.split())
    written = [tone_key(w) for w in re.findall(r"\w+", typed.lower())]
    runs = {" ".join(written[i : i + n]) for i in range(len(written) - n + 1)}
    runs = {r for r in runs if fold(r) == unit}
    return bool(runs) and not runs & _UNIT_SPELLINGS.get(unit, set())


@cache
def _agent_unit_re(unit: str) -> re.Pattern[str]:
    """The unit after a word saying who ("do người dân", "by local people": a word or two between) or
    what an amount is per ("đầu người")."""
    who = "|".join(re.escape(fold(w)) for w in cues("not_counted_after"))
    per = "|".join(re.escape(fold(w)) for w in cues("per_unit"))
    return re.compile(rf" (?:(?:{who})(?: \w+){{0,2}}|{per}) {re.escape(unit)} ")


_LEXICON_UNITS = frozenset(fold(u) for u in UNITS)
TIME_UNITS = frozenset(fold(u) for u in units_tagged("time"))


def is_measured(noun: str) -> bool:
    """The noun asked is measured, not counted: no unit figures count in is it or starts it ("nguồn lực"
    is measured; "lượt tổ chức đảng" is counted in "lượt")."""
    return not any(noun == unit or noun.startswith(f"{unit} ") for unit in _LEXICON_UNITS)


def _answer_units(answer: str) -> tuple[str, ...]:
    """The units of the figures an answer states ("đạt 2.486,5 tỷ đồng" -> "ty dong"), in order."""
    folded = fold(answer)
    found = [
        (m.start(), unit)
        for unit in _LEXICON_UNITS - TIME_UNITS  # "trong 3 năm": how long, not what
        for m in re.finditer(rf"\d(?:[\d.,]*\d)?\s+{re.escape(unit)}(?!\w)", folded)
    ]
    return tuple(dict.fromkeys(unit for _at, unit in sorted(found)))


def _units(folded: str, counted: str = "", typed: str = "") -> tuple[str, ...]:
    """The units the question counts; `typed`, the question as typed when it has diacritics."""
    found: list[str] = [counted] if counted and counted not in _ASKED_UNITS else []
    padded = f" {folded} "
    for unit in _ASKED_UNITS:
        if f" {unit} " in padded and not (typed and _spelled_otherwise(unit, typed)):
            if _agent_unit_re(unit).search(padded) and padded.count(f" {unit} ") == 1:
                continue  # "phần do người dân đóng góp", "đầu người": who gave it, or per whom
            found.append(unit)
            padded = padded.replace(f" {unit} ", " ")
    if has_cue("share", folded) and "%" not in found:
        found.append("%")
    return tuple(found)


def asked_part(text: str, english: bool, kind: QuestionKind) -> str:
    """The part of a report the question asks for ("những bài học kinh nghiệm" -> lessons), by the
    lexicon's section roles (English phrases for English questions, Vietnamese ones folded otherwise). A
    question naming causes asks for them; so does a why-question, unless it names a part that is itself a
    reason (difficulties)."""
    hits = _part_hits(text, english)
    roles = {role for _, role in hits}
    if "causes" in roles:
        return "causes"  # "hạn chế do những nguyên nhân nào": the causes, whatever they are of
    if kind is QuestionKind.WHY and (not roles or roles & EXPLAINED_ROLES):
        return "causes"  # "vì sao còn hạn chế": the causes of the shortcomings
    return min(hits)[1] if hits else ""


def names_part(text: str, english: bool) -> bool:
    """The question names a part of a report ("vì sao còn hạn chế"), not only an event ("why were members
    disciplined"): a why-question of a part is answered by the section of its causes first."""
    return bool(_part_hits(text, english))


def _part_hits(text: str, english: bool) -> list[tuple[int, str]]:
    """(position, role) of each section role the question names."""
    asked = words(text)
    hits = []
    for role, phrases in SECTION_ROLES.items():
        for phrase in phrases:
            if has_diacritics(phrase) == english:
                continue  # an English phrase in a Vietnamese question, or the other way round
            target = words(phrase)
            n = len(target)
            at = [i for i in range(len(asked) - n + 1) if asked[i : i + n] == target]
            if at:
                hits.append((at[0], role))
    return hits


@cache
def _document_res() -> list[tuple[str, re.Pattern[str], re.Pattern[str]]]:
    """Per kind of document: how a Vietnamese question asks which one ("kế hoạch nào", "chương trình ...
    số hiệu gì"), and how an English one does ("which plan", "what resolution")."""
    which = "|".join(map(re.escape, (c for c in cues("which") if has_diacritics(c))))
    which_en = "|".join(map(re.escape, cues("which_document")))
    out = []
    for code, (vietnamese, english) in DOCUMENT_KINDS.items():
        vi_re = re.compile(rf"\b{re.escape(vietnamese)}(?:\s+[^\W\d]+)?\s+(?:{which})\b")
        # singular: "which plan" is one document; "what plans does it set" asks for its tasks
        en_re = re.compile(rf"\b(?:{which_en})\s+(?:\w+\s+)?(?:{'|'.join(map(re.escape, english))})\b")
        out.append((code, vi_re, en_re))
    return out


def asked_documents(text: str, english: bool, asks_number: bool) -> tuple[str, ...]:
    """The kinds of document the question asks which one of, by their letters: a kind named and asked
    "which" ("kế hoạch nào", "which plan"), or any kind named without its number when the question asks for
    a document number ("Chương trình ... mang số hiệu gì?"). A kind named with its number ("Chỉ thị
    33-CT/TW") names a known document: it is not what is asked."""
    lowered = text.lower()
    marks = "|".join(rf"{re.escape(m)}\s+" for m in sorted(cues("number_mark"), key=len, reverse=True))
    found = []
    for code, vi_re, en_re in _document_res():
        asked = en_re.search(lowered) if english else vi_re.search(lowered)
        if not asked and asks_number:
            names = DOCUMENT_KINDS[code][1] if english else (DOCUMENT_KINDS[code][0],)
            kind = "|".join(map(re.escape, names))
            asked = re.search(rf"\b(?:{kind})s?\b(?!\s+(?:{marks})?\d)", lowered)
        if asked:
            found.append(code)
    return tuple(found)


def _asked_agent(text: str, english: bool, units: tuple[str, ...]) -> str:
    """The kind of body the question names as the doer of the verb it asks about, read up to a contrast
    ("rather than by ..."); not a body it counts."""
    contrast = re.search(rf"(?:{alternation(cues('contrast'))})", text, re.IGNORECASE)
    asked = _vietnamese_view(text[: contrast.start()] if contrast else text, english)
    return asked_agent(asked, _verbs_at(asked), [tuple(fold(c).split()) for c in cues("count_lead")], units)


def _verbs_at(folded_words: list[str]) -> set[int]:
    """Where the words hold a verb the lexicon knows (its first word's position)."""
    joined = f" {' '.join(folded_words)} "
    starts = {
        joined[: m.start() + 1].count(" ") - 1
        for form, _key in _ALL_FOLDED_PREDICATES
        for m in re.finditer(re.escape(f" {form} "), joined)
    }
    return starts


def stated_figures(text: str, english: bool) -> tuple[float, ...]:
    """The figures the question states, digits or (in English) small numbers in words ("five years"):
    what it asks about is qualified by them, so none of them is the answer. Years say when, not how many."""
    found = [v for v, *_ in numbers_in(text, quantities_only=True) if not YEAR_RE.fullmatch(f"{v:.0f}")]
    if english:
        spelled = NUMBER_WORDS["en"]
        found += [float(spelled.index(w)) for w in re.findall(r"[a-z]+", text.lower()) if w in spelled[2:]]
    return tuple(dict.fromkeys(found))


def _shifted_periods(text: str, previous: tuple[str, ...]) -> tuple[str, ...]:
    """ "Còn giai đoạn trước thì sao?" after a question about 2021–2025: 2016–2020, the period as long
    before it; a term written from a year ending in 0 or 5 shares its first year with the one before it
    (2020–2025 after 2015–2020)."""
    if not has_cue("period_before", text):
        return ()
    out = []
    for period in previous:
        first, last = (int(y) for y in period.split("–"))
        end = first if first % 5 == 0 else first - 1
        out.append(f"{end - (last - first)}–{end}")
    return tuple(out)


def _previous_figure(answer: str) -> tuple[float, ...]:
    """The figure the previous answer gave (its first that is not a year): a follow-up asking a part of it
    ("Trong số đó ...") is not answered by it again."""
    for value, *_rest, raw in numbers_in(answer, quantities_only=True):
        if not YEAR_RE.fullmatch(raw):
            return (value,)
    return ()


def _shifted_years(text: str, previous: tuple[str, ...]) -> tuple[str, ...]:
    """ "Còn năm trước đó?" after a question about 2024: 2023; "the following year": 2025."""
    step = -1 if has_cue("year_before", text) else 1 if has_cue("year_after", text) else 0
    return tuple(str(int(y) + step) for y in previous) if step else ()


FOLLOWUP_WORDS = 16  # a question this short that refers back ("that year", "hai huyện đó") follows up


def _topic_words(previous: Question, view: ReportsView | None) -> tuple[str, ...]:
    """What a follow-up carries of the question it follows: its words but its years and those naming its
    report ("What about Tam Bạc district?" after a question about Quỳnh Sơn asks about Tam Bạc only)."""
    topic = [w for w in previous.words if not YEAR_RE.fullmatch(w)]
    named = report_scope(previous.text, view.reports, view.names) if view is not None else None
    return tuple(strip_naming(topic, [view.reports[k] for k in named]) if named and view else topic)


def _continues(text: str, history: list[dict], view: ReportsView | None) -> bool:
    """A short question after others that names no report of its own ("Chỉ tiêu là bao nhiêu?") goes on
    with the conversation's report."""
    if not history or view is None or len(fold(text).split()) > FOLLOWUP_WORDS:
        return False
    return report_scope(text, view.reports, view.names) is None


def is_followup(text: str, history: list[dict]) -> bool:
    if not history:
        return False
    folded = fold(text).strip()
    starts = re.match(rf"^(?:{'|'.join(map(re.escape, cues('followup_start')))})\b", folded)
    return bool(starts) or (len(folded.split()) <= FOLLOWUP_WORDS and has_cue("followup_reference", text))


# --- content words ----------------------------------------------------------------------------------------
_QUESTION_WORDS = frozenset(cues("question_word"))
_SHARE_WORDS = frozenset(w for phrase in cues("share") for w in fold(phrase).split())
_WHY_WORDS = frozenset(w for phrase in cues("why") if " " in phrase for w in fold(phrase).split())
# "chênh lệch bao nhiêu", "bên nào nhiều hơn": how a comparison is asked, not what is compared
_COMPARE_WORDS = frozenset(w for phrase in cues("compare_form") for w in fold(phrase).split())
_REPORT_COMPOUNDS = frozenset(
    f"{a}_{b}" for phrase in REPORT_NAMING for a, b in zip(phrase.split(), phrase.split()[1:], strict=False)
)


def _strip_terms(folded_words: list[str]) -> list[str]:
    """A term "nhiệm kỳ 2020 - 2025" names the report's period, not what is asked: taken out."""
    out: list[str] = []
    for word in folded_words:
        if YEAR_RE.fullmatch(word) and out and YEAR_RE.fullmatch(out[-1]):
            out.pop()
            if out[-2:] == fold("nhiệm kỳ").split():
                del out[-2:]
            continue
        out.append(word)
    return out


def informative_words(q: Question, view: ReportsView | None) -> tuple[str, ...]:
    """The question's content words: abbreviations expanded; words naming the reports in scope and words
    the reports never use (untranslated English, typos) say nothing about which sentence answers."""
    # the reports in scope; an index of one report has it in scope whether the question names it or not
    keys = q.scope or (list(view.reports) if view and len(view.reports) == 1 else [])
    metas = [view.reports[k] for k in keys] if view else []
    own = _strip_terms(strip_naming(list(q.words), metas, levels=q.lang == "en"))
    own = without_phrases(own, STOP_PHRASES)  # "tất cả", "hiện nay": how, not what, is asked
    candidates = list(own)
    candidates += [f"{a}_{b}" for a, b in zip(own, own[1:], strict=False)]  # compounds: "chuyen_doi"
    candidates += [c for c in q.compounds if set(c.split("_")) <= set(own)]
    # English function words fold like Vietnamese syllables ("so" / "số"): ignored in English questions only.
    ignored = _QUESTION_WORDS | (ENGLISH_STOPWORDS if q.lang == "en" else frozenset())
    ignored |= _WHY_WORDS if q.kind is QuestionKind.WHY else frozenset()
    ignored |= _COMPARE_WORDS if q.kind is QuestionKind.COMPARISON else frozenset()
    # "tỷ lệ", "what share": that a percentage is asked is the unit "%", not which percentage
    ignored |= _SHARE_WORDS if "%" in q.units else frozenset()
    known = view.known if view else (lambda _token: True)
    content = [
        w
        for w in dict.fromkeys(candidates)
        if w not in STOPWORDS
        and w not in _REPORT_COMPOUNDS
        and not set(w.split("_")) <= ignored
        # A Vietnamese word the reports never use is evidence the answer is not there; an untranslated
        # English word or an unseen compound is not.
        and (known(w) or (q.lang == "vi" and ("_" not in w or w in q.compounds)))
    ]
    # What the question spells out, a report may write as its initials: only those some report writes.
    spelled = [
        a for a in acronyms(own) if q.lang == "vi" and view is not None and known(a) and a not in content
    ]
    return tuple(dict.fromkeys([*content, *spelled]))


# --- parsing ----------------------------------------------------------------------------------------------
def parse_question(
    text: str,
    history: list[dict] | None = None,
    view: ReportsView | None = None,
    user_scope: tuple[str, ...] | list[str] | None = None,
) -> Question:
    """The whole question: with `view` (the index's reports), also the reports it names and its content
    words; `user_scope` is the reports the user chose."""
    q = _parse(text, history or [], view)
    implied, place = None, ""
    if view is not None and len(view.reports) > 1 and not q.across_reports:
        # A follow-up naming a report is about it ("Còn Huyện ủy Tân Phước?"); else about the previous one's.
        named = report_scope(q.text, view.reports, view.names)
        if not named and q.context:
            named = report_scope(q.search_text, view.reports, view.names)
        if not named:  # a place inside reports ("huyện Văn Chấn" of a provincial report's table)
            place, named = mentioned_scope(q.search_text, len(view.reports), view.mentioning)
        implied = tuple(named) if named else None
    q = replace(q, user_scope=tuple(user_scope) if user_scope else None, implied_scope=implied, place=place)
    if view is not None and q.scope:
        q = replace(q, units=_units_asked_of(q, [view.reports[k] for k in q.scope]))
    return replace(q, informative=informative_words(q, view))


def _units_asked_of(q: Question, metas: list[ReportMeta]) -> tuple[str, ...]:
    """The question's units but those it says only in naming its report: "Chi bộ Trường ... có bao nhiêu
    đảng viên" counts members, not cells."""
    said = f" {' '.join(q.words)} "
    unnamed = f" {' '.join(strip_naming(list(q.words), metas, kinds=False))} "
    return tuple(u for u in q.units if f" {u} " in unnamed or f" {u} " not in said)


def _parse(text: str, history: list[dict], view: ReportsView | None) -> Question:
    """Everything but the scope and the content words."""
    text = normalize_query(text)
    english = looks_english(text)
    folded = fold(text)
    vi_view = _vietnamese_view(text, english)
    counted = _counted_words(translate_terms(text) if english else text)
    # The counted noun is not a verb asked about: "bao nhiêu hợp tác xã" counts cooperatives.
    asked = re.sub(re.escape(" ".join(counted)), " ", text, flags=re.IGNORECASE) if counted else text
    # "bao nhiêu ... bao nhiêu": several figures asked ("tỷ lệ ... là bao nhiêu" is one: the rate asked)
    asks = (
        _cue_count("count", text) - _cue_count("share", text) + len(_count_before_unit_re().findall(folded))
    )
    several = asks >= 2
    predicates = tuple(question_predicates(_ORGANISATIONS_RE.sub(" ", asked)))
    predicates = predicates if several else _narrowest(predicates)
    if has_cue("compare", text):  # "tăng hay giảm": which way two figures differ, not a figure of increase
        form = {k for phrase in _cue_phrases("compare_form", text) for k in question_predicates(phrase)}
        predicates = tuple(k for k in predicates if k not in form)
    typed = text if has_diacritics(text) else ""  # names are written with their marks ("xã Đông Phong")
    if english:
        unit_text, head = _english_counted(text)
        units = _units(" ".join(_vietnamese_view(unit_text, english)), fold(head), typed)
    else:
        units = _units(" ".join(vi_view), fold(" ".join(counted)), typed)
    context = ""
    years = tuple(single_years(text))
    periods = tuple(dict.fromkeys(terms_in(text)))
    inherited = follows_count = False
    rating = RATING.asked(vi_view, text if english else "")
    carried: tuple[str, ...] = ()  # a follow-up's topic: the words of the question it follows, not its years
    level = LEVEL.asked(vi_view, text if english else "")
    shifted: tuple[str, ...] = ()
    part_of: tuple[float, ...] = ()
    if is_followup(text, history) or _continues(text, history, view):
        previous = _parse(history[-1].get("q", ""), history[:-1], view)
        follows_count = previous.kind in (QuestionKind.COUNT, QuestionKind.COMPARISON)
        if has_cue("part_of_previous", text):
            part_of = _previous_figure(history[-1].get("a", ""))
        context = previous.search_text
        inherited = not predicates and bool(previous.predicates)
        predicates = predicates or previous.predicates
        if not units and (not previous.units or any(is_measured(u) for u in previous.units if u != "%")):
            # "Trong số đó, phần ... là bao nhiêu?" after "bao nhiêu nguồn lực": in the unit it was answered in
            units = (*previous.units, *_answer_units(history[-1].get("a", "")))
        units = units or previous.units
        # the topic's year kept, unless the follow-up asks about the whole term ("còn cả nhiệm kỳ thì ...")
        whole = has_cue("whole_period", text)
        rating, level = rating or previous.rating, level or previous.level  # "còn năm 2023 thì sao?"
        carried = _topic_words(previous, view)
        shifted = _shifted_years(text, previous.years)
        years = years or shifted or (() if whole else previous.years)
        periods = (
            periods or _shifted_periods(text, previous.periods) or (previous.periods if not years else ())
        )
    documents = asked_documents(text, english, asks_document_number(text))
    kind = _kind(text, documents)
    if kind is not QuestionKind.COMPARISON and (spans := spans_in(text)):
        # "how many ... between 2021 and 2025": one period, not two years each figure must name
        periods = tuple(dict.fromkeys((*periods, *spans)))
        bounds = {y for span in spans for y in span.split("–")}
        years = tuple(y for y in years if y not in bounds)
    if follows_count and kind is QuestionKind.FACT and not is_who_question(text):
        # after a count: "what was the target for that?", "và khai trừ?", "what about 2023", "is that more
        # than the year before?" (then the year it followed and the year before are compared)
        kind = QuestionKind.COMPARISON if has_cue("compare", text) else QuestionKind.COUNT
        if kind is QuestionKind.COMPARISON and shifted:
            years = tuple(dict.fromkeys((*previous.years, *shifted)))
    if kind is QuestionKind.FACT and has_cue("target", folded) and predicates and units:
        kind = QuestionKind.COUNT  # "what is the target for admitting new members?": a figure
    return Question(
        text=text,
        lang="en" if english else "vi",
        kind=kind,
        predicates=predicates,
        inherited_predicates=inherited,
        units=units,
        wants_target=has_cue("target", folded),
        wants_list=has_cue("kinds_of", folded),
        wants_several=several,
        years=years,
        periods=periods,
        asks_who=is_who_question(text),
        rating=rating,
        level=level,
        undone=has_cue("undone", text),
        whole_year=has_cue("whole_year", text),
        whole_period=has_cue("whole_period", text) and not years,
        same_period=has_cue("same_period", text),
        part_of=part_of,
        # A body named in a question of no action ("Đảng bộ ... có bao nhiêu") is whose figures, not who did
        agent=_asked_agent(text, english, units) if predicates else "",
        part=asked_part(text, english, kind),
        names_part=names_part(text, english),
        documents=documents,
        stated=stated_figures(text, english),
        across_reports=has_cue("across", f"{context} {text}"),
        context=context,
        words=(*vi_view, *(w for w in dict.fromkeys(carried) if w not in vi_view)),  # its own in order
        compounds=tuple(segmented_words(text)) if not english and has_diacritics(text) else (),
    )


# Organisation names hold verbs ("Ủy ban kiểm tra", "Ban Tổ chức"): they name who, not what was done.
_ORGANISATIONS_RE = re.compile(
    rf"(?:{'|'.join(re.escape(p) for p in sorted(cues('organisation'), key=len, reverse=True))})",
    re.IGNORECASE,
)
