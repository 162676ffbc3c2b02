"""Question understanding: language, kind (count, why, list, reports, province, fact), what is counted,
the verbs asked about, and follow-ups resolved against the previous turn."""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from ingest.facts import question_predicates
from ingest.normalize import TERM_RANGE_RE, YEAR_RE, fold, has_diacritics, normalize_query
from vectorstore.glossary import looks_english, translate_terms
from vectorstore.textproc import (
    ABBREVIATIONS,
    COUNT_CUE_RE,
    is_count_question,
    is_who_question,
    segmented_words,
)

# Units a question may name (folded), longest first so "to chuc dang" wins over "to chuc".
UNITS = sorted(
    [
        "dang vien", "to chuc dang", "to chuc co so dang", "chi bo", "lop", "uy vien", "dong chi",
        "nguoi", "ty dong", "trieu dong", "du an", "de tai", "nhiem vu", "phong", "don vi", "chi cuc",
        "nhan hieu", "sang che", "chi dan dia ly", "tap the", "ca nhan", "doan vien", "hoi vien", "cong chuc",
        "can bo", "truong hop", "luot", "hoi nghi", "van ban", "sang kien", "doanh nghiep", "%",
    ],
    key=len,
    reverse=True,
)  # fmt: skip
_FOLLOWUP_START = re.compile(
    r"^(va|con|the|vay|trong do|so voi|and|what about|how about|of (those|them|these)|then|so)\b"
)
_FOLLOWUP_REFERENCE = re.compile(r"\b(that|those|them|it|do|nay|tren|ay)\b")
_WHY = re.compile(r"\b(vi sao|tai sao|nguyen nhan|ly do|why|reason|causes?)\b")
_ACROSS = re.compile(r"nhung bao cao nao|bao cao nao|which (of the )?reports|cac bao cao nao")
_DOC_NUMBER = re.compile(r"\b(so hieu|so van ban|ky hieu van ban|document number|reference number)\b")
_PROVINCE = re.compile(r"\b(tinh nao|which province|what province|thuoc tinh)\b")
_LIST = re.compile(
    r"\b(nhung (loai|hinh thuc|gi|noi dung|nhiem vu|giai phap|bai hoc)|nao|what (are|were)|list)\b"
)
_COMPARED = re.compile(
    r"so với|so sánh|chênh|thay đổi|so voi|so sanh|chenh lech|thay doi|compared?|change|versus|\bvs\b"
)
_QUANTITY = re.compile(
    r"\bsố\b|tỷ lệ|chỉ tiêu|so luong|ty le|chi tieu|number|size|share|target|how (many|much)"
)
# The noun a count question asks about: the words after "bao nhiêu" / "mấy" / "how many".
_COUNTED_RE = re.compile(r"\b(?:bao nhieu|may|so luong|how many)\s+((?:[\w%]+\s*){1,3})")
_NOT_COUNTED = {
    "duoc", "bi", "da", "co", "la", "va", "thi", "nguoi", "were", "was", "did", "do", "does", "are", "is",
    "of", "in", "the", "has", "have", "had",
}  # fmt: skip
_COUNTED_MARKED_RE = re.compile(r"\b(?:bao nhiêu|mấy|số lượng)\s+((?:[\w%]+[\s,]*){1,3})")
_NOT_COUNTED_MARKED = {"được", "bị", "đã", "có", "là", "và", "thì", "người", "trong", "của"}
_KINDS_OF = re.compile(r"\b(moi loai|nhung loai|loai nao|cac loai|which kinds|what kinds|what types|each)\b")
# Organisation names hold verbs ("Ủy ban kiểm tra", "Ban Tổ chức"): they name who, not what was done.
_ORG_NAMES_RE = re.compile(
    r"(ủy ban kiểm tra|uy ban kiem tra|ubkt|ban tổ chức|ban to chuc|tổ chức (cơ sở )?đảng|to chuc (co so )?dang|"
    r"inspection committee|party organi[sz]ations?)",
    re.IGNORECASE,
)
_TARGET = re.compile(r"\b(chi tieu|target|goal|ke hoach de ra)\b")


@dataclass(frozen=True)
class Question:
    text: str  # the question as asked, normalised
    lang: str  # "vi" or "en"
    kind: str  # count, why, list, reports, province, fact
    predicates: tuple[str, ...] = ()  # canonical keys, e.g. ("discipline",)
    inherited_predicates: bool = False  # taken from the previous turn, not said in this question
    units: tuple[str, ...] = ()  # folded unit words, e.g. ("dang vien",)
    wants_target: bool = False
    wants_list: bool = False  # "mỗi loại bao nhiêu", "which kinds"
    wants_several: bool = False  # "how many ... and how many ...": every figure of the sentence
    years: tuple[str, ...] = ()  # single years named ("năm 2023"), not terms ("2020–2025")
    asks_who: bool = False
    context: str = ""  # the previous question when this one follows up on it
    words: tuple[str, ...] = field(default_factory=tuple)  # folded words of the question itself
    compounds: tuple[str, ...] = ()  # its compound words ("nhan_tao"), when typed with diacritics
    informative: tuple[str, ...] = ()  # content words to look for, set by the answerer once scope is known

    @property
    def search_text(self) -> str:
        """What search gets: a follow-up carries its previous question's subject and report."""
        return f"{self.context} {self.text}".strip()


def _vietnamese_view(text: str, english: bool) -> str:
    """The question with English glossary phrases replaced by Vietnamese terms, folded, words only,
    abbreviations spelled out ("CCVC" -> "cong chuc vien chuc")."""
    words = re.findall(r"[\w%&]+", fold(translate_terms(text) if english else text))
    return " ".join(fold(ABBREVIATIONS.get(w, w)) for w in words)


def _counted_words(text: str) -> list[str]:
    """ "bao nhiêu bí thư, phó bí thư" -> ["bí", "thư"]: the noun the question counts, as typed.
    Read with diacritics when typed with them: folded, "bí thư" and "bị" look alike."""
    lowered = text.lower()
    marked = has_diacritics(lowered)
    match = (_COUNTED_MARKED_RE if marked else _COUNTED_RE).search(lowered if marked else fold(lowered))
    if not match:
        return []
    stops = _NOT_COUNTED_MARKED if marked else _NOT_COUNTED
    words: list[str] = []
    for word in re.findall(r"[\w%]+", match.group(1)):
        if word in stops:
            break
        words.append(word)
    return words[:2]


def _units(folded: str, counted: str = "") -> tuple[str, ...]:
    found: list[str] = [counted] if counted and counted not in UNITS else []
    padded = f" {folded} "
    for unit in UNITS:
        if f" {unit} " in padded or (unit == "%" and ("%" in folded or "ty le" in folded)):
            found.append(unit)
            padded = padded.replace(f" {unit} ", " ")
    if re.search(r"\b(share|percentage|proportion|percent)\b", folded) and "%" not in found:
        found.append("%")
    return tuple(found)


def _kind(folded: str, text: str) -> str:
    if _PROVINCE.search(folded):
        return "province"
    if _DOC_NUMBER.search(folded):
        return "doc_number"
    if _ACROSS.search(folded):
        return "reports"
    if is_count_question(text):
        return "count"
    if _COMPARED.search(text.lower()) and _QUANTITY.search(text.lower()):
        return "comparison"  # "số đảng viên ... so với chỉ tiêu thế nào?": figures, compared
    if _WHY.search(folded):
        return "why"
    if _LIST.search(folded):
        return "list"
    return "fact"


def is_followup(text: str, history: list[dict]) -> bool:
    if not history:
        return False
    folded = fold(text).strip()
    return bool(_FOLLOWUP_START.search(folded)) or (
        len(folded.split()) <= 8 and bool(_FOLLOWUP_REFERENCE.search(folded))
    )


def parse_question(text: str, history: list[dict] | None = None) -> Question:
    text = normalize_query(text)
    history = history or []
    english = looks_english(text)
    folded = fold(text)
    vi_view = _vietnamese_view(text, english)
    counted = _counted_words(translate_terms(text) if english else text)
    # The counted noun is not a verb asked about: "bao nhiêu tổ chức KH&CN" counts organisations.
    asked = re.sub(re.escape(" ".join(counted)), " ", text, flags=re.IGNORECASE) if counted else text
    predicates = tuple(question_predicates(_ORG_NAMES_RE.sub(" ", asked)))
    units = _units(vi_view, fold(" ".join(counted)))
    context = ""
    inherited = False
    if is_followup(text, history):
        previous = parse_question(history[-1].get("q", ""), history[:-1])
        context = previous.search_text
        inherited = not predicates and bool(previous.predicates)
        predicates = predicates or previous.predicates
        units = units or previous.units
    kind = _kind(folded, text)
    if context and kind == "fact" and (_TARGET.search(folded) or predicates):
        kind = "count"  # "what was the target for that?", "và bao nhiêu bị khai trừ?"
    return Question(
        text=text,
        lang="en" if english else "vi",
        kind=kind,
        predicates=predicates,
        inherited_predicates=inherited,
        units=units,
        wants_target=bool(_TARGET.search(folded)),
        wants_list=bool(_KINDS_OF.search(folded)),
        wants_several=len(COUNT_CUE_RE.findall(folded)) >= 2,
        years=tuple(m.group(0) for m in YEAR_RE.finditer(TERM_RANGE_RE.sub(" ", text))),
        asks_who=is_who_question(text),
        context=context,
        words=tuple(re.findall(r"\w+", vi_view)),
        compounds=tuple(segmented_words(text)) if not english and has_diacritics(text) else (),
    )
