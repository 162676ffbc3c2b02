"""The scope a question names: a report by its issuing body, province, kind or term.

"In the Phú Thọ S&T term review, how many..." -> the Phú Thọ Department of S&T term review. Each report
scores the cues of the question it matches; a cue that names another province rules a report out. When no
cue is present the scope is all reports (None).
"""

from __future__ import annotations

import re
from collections.abc import Iterable

from assistant.types import ReportMeta
from ingest.metadata import PROVINCES
from ingest.normalize import TERM_RANGE_RE, YEAR_RE, fold

_BODY_CUES = {
    "khoi": (r"dang bo khoi", r"dang uy khoi", r"khoi cac co quan", r"\bbloc\b", r"provincial agencies"),
    "so": (
        r"\bso (kh|khoa hoc|khcn|kh&cn|thong tin|tttt|tt&tt)",
        r"department",
        r"\bs&t\b",
        r"dang bo so\b",
    ),
}
_KIND_CUES = {
    "midterm_review": (r"giua nhiem ky", r"nua nhiem ky", r"mid-?\s?term"),
    "term_review": (r"kiem diem", r"term review", r"nhiem ky \d{4}\s*[-–]\s*\d{4}"),
    "thematic_review": (r"so ket \d+ nam",),
    "news": (r"hoi nghi tong ket", r"year-?end", r"conference", r"article", r"bai viet"),
    "annual_summary": (r"tong ket .*nam \d{4}", r"annual"),
}
# "Which reports mention ...": the question is about all reports, whatever else it names.
ACROSS_REPORTS_RE = re.compile(
    r"nhung bao cao nao|bao cao nao|which (of the )?reports|all reports|cac bao cao"
)


def _body_type(meta: ReportMeta) -> str:
    folded = fold(meta.issuing_body)
    return "khoi" if "dang bo khoi" in folded else "so" if "dang bo so" in folded else ""


def _cues(patterns: Iterable[str], folded: str) -> bool:
    return any(re.search(p, folded) for p in patterns)


def _provinces_named(folded: str) -> set[str]:
    return {name for name in PROVINCES if re.search(rf"\b{re.escape(fold(name))}\b", folded)}


def _years(meta: ReportMeta) -> set[str]:
    return set(re.findall(r"\d{4}", meta.term + " " + meta.title))


def report_scope(question: str, reports: dict[str, ReportMeta]) -> list[str] | None:
    """Keys of the reports the question names, or None when it names none."""
    folded = fold(question)
    if ACROSS_REPORTS_RE.search(folded):
        return None
    terms = {f"{a}–{b}" for a, b in TERM_RANGE_RE.findall(folded)}
    provinces = _provinces_named(folded)
    bodies = {b for b, pats in _BODY_CUES.items() if _cues(pats, folded)}
    kinds = {k for k, pats in _KIND_CUES.items() if _cues(pats, folded)}
    years = set(YEAR_RE.findall(folded))
    if not (provinces or bodies or kinds):
        return None
    scores: dict[str, int] = {}
    for key, meta in reports.items():
        if provinces and meta.province and meta.province not in provinces:
            continue  # the question names another province
        if bodies and _body_type(meta) and _body_type(meta) not in bodies:
            continue
        score = 2 * bool(provinces and meta.province in provinces) + 2 * bool(
            bodies and _body_type(meta) in bodies
        )
        score += bool(kinds and meta.kind in kinds) + bool(years & _years(meta)) + 2 * (meta.term in terms)
        scores[key] = score
    best = max(scores.values(), default=0)
    if best == 0:
        return None
    return sorted(k for k, s in scores.items() if s == best)


# How questions name a kind of report: "báo cáo sơ kết giữa nhiệm kỳ", "term review" (after translation).
REPORT_PHRASES = [
    tuple(p.split())
    for p in (
        "bao cao so ket giua nhiem ky", "so ket giua nhiem ky", "giua nhiem ky", "nua nhiem ky", "bao cao kiem diem",
        "bao cao tong ket", "bao cao so ket", "kiem diem nhiem ky", "kiem diem", "bao cao", "review", "report",
        "mid term", "term",
    )
]  # fmt: skip

_NAME_WORD_RE = re.compile(r"[\w&]+")


def scope_phrases(metas: list[ReportMeta]) -> list[tuple[str, ...]]:
    """How a question names the reports in scope: issuing body (with or without "Đảng bộ"), province."""
    phrases: set[tuple[str, ...]] = set()
    for meta in metas:
        body = tuple(_NAME_WORD_RE.findall(fold(meta.issuing_body)))
        # "Đảng bộ Sở Khoa học và Công nghệ", "Sở Khoa học ...", "Khoa học và Công nghệ" all name it.
        phrases |= {body[i:] for i in range(len(body) - 2)}
        phrases.add(tuple(fold(meta.province).split()))
    return sorted((p for p in phrases if p), key=len, reverse=True)


def _strip_phrases(words: list[str], phrases: list[tuple[str, ...]]) -> list[str]:
    """The words left once every occurrence of the given phrases (longest first) is taken out."""
    out = list(words)
    for pattern in phrases:
        n = len(pattern)
        i = 0
        while i + n <= len(out):
            if tuple(out[i : i + n]) == pattern:
                del out[i : i + n]
            else:
                i += 1
    return out


def strip_naming_text(text: str, metas: list[ReportMeta]) -> str:
    """The text, as written (marks kept for the embedder), without the words that name its reports."""
    written = _NAME_WORD_RE.findall(text)
    folded = [fold(w) for w in written]
    keep = [True] * len(written)
    for phrase in scope_phrases(metas):
        n = len(phrase)
        for i in range(len(folded) - n + 1):
            if tuple(folded[i : i + n]) == phrase and all(keep[i : i + n]):
                keep[i : i + n] = [False] * n
    return " ".join(w for w, k in zip(written, keep, strict=True) if k)


def strip_naming(words: list[str], metas: list[ReportMeta], kinds: bool = True) -> list[str]:
    """Folded words of a question without those that name its reports (and, with `kinds`, the kind of
    report): what is left is what the question asks about."""
    return _strip_phrases(words, scope_phrases(metas) + (REPORT_PHRASES if kinds else []))
