"""How a report is named to the user: in answers ("Mid-term review — Đảng bộ Khối ... (Phú Thọ, 2020–2025)"),
in citations, lists and footnotes ("title — issuing body — tỉnh X — nhiệm kỳ 2020–2025"). The one place
that writes a report's name."""

from __future__ import annotations

from ingest.lexicon import REPORT_KINDS
from ingest.periods import YEAR_RE
from ingest.types import ReportMeta

_KIND_NAMES = {lang: {k["kind"]: k[lang] for k in REPORT_KINDS} for lang in ("vi", "en")}


def kind_name(kind: str, lang: str) -> str:
    names = _KIND_NAMES[lang]
    return names.get(kind, names["report"])


def spelled_term(term: str) -> str:
    """ "2020–2025" -> "nhiệm kỳ 2020–2025"; a single year -> "năm 2023"."""
    if YEAR_RE.fullmatch(term):
        return f"năm {term}"
    return term if term.lower().startswith(("nhiệm kỳ", "năm")) else f"nhiệm kỳ {term}"


def answer_label(meta: ReportMeta, lang: str) -> str:
    """ "Báo cáo sơ kết giữa nhiệm kỳ — Đảng bộ Khối các cơ quan tỉnh (Phú Thọ, 2020–2025)" """
    where = ", ".join(p for p in (meta.province, meta.term) if p)
    body = meta.issuing_body or short_title(meta.title) or meta.doc
    return f"{kind_name(meta.kind, lang)} — {body}" + (f" ({where})" if where else "")


def short_title(title: str, limit: int = 80) -> str:
    return title if len(title) <= limit else title[: limit - 1].rsplit(" ", 1)[0] + "…"


def details(title: str, body: str, province: str, term: str, *, spelled: bool = False) -> list[str]:
    """What names a report besides its title, each part left out when the title already says it;
    `spelled` writes "tỉnh X" and "nhiệm kỳ ..." (footnotes, the sources under an answer)."""
    parts = [
        body,
        (f"tỉnh {province}" if spelled else province) if province and province not in title else "",
        (spelled_term(term) if spelled else term) if term and term not in title else "",
    ]
    return [p for p in parts if p and p not in title]


def full_label(
    title: str, body: str = "", province: str = "", term: str = "", *, spelled: bool = False
) -> str:
    """ "title — issuing body — province — term" """
    return " — ".join([title, *details(title, body, province, term, spelled=spelled)])


def meta_label(meta: ReportMeta, *, spelled: bool = False) -> str:
    return full_label(meta.title or meta.doc, meta.issuing_body, meta.province, meta.term, spelled=spelled)
