"""Report metadata read from the text itself: title, kind, issuing body, province, term, number, date."""

from __future__ import annotations

import re
from collections import Counter

from assistant.types import ReportMeta
from ingest.normalize import fold

PROVINCES = (
    "An Giang", "Bà Rịa - Vũng Tàu", "Bạc Liêu", "Bắc Giang", "Bắc Kạn", "Bắc Ninh", "Bến Tre", "Bình Dương",
    "Bình Định", "Bình Phước", "Bình Thuận", "Cà Mau", "Cao Bằng", "Cần Thơ", "Đà Nẵng", "Đắk Lắk", "Đắk Nông",
    "Điện Biên", "Đồng Nai", "Đồng Tháp", "Gia Lai", "Hà Giang", "Hà Nam", "Hà Nội", "Hà Tĩnh", "Hải Dương",
    "Hải Phòng", "Hậu Giang", "Hòa Bình", "Hưng Yên", "Khánh Hòa", "Kiên Giang", "Kon Tum", "Lai Châu",
    "Lạng Sơn", "Lào Cai", "Lâm Đồng", "Long An", "Nam Định", "Nghệ An", "Ninh Bình", "Ninh Thuận", "Phú Thọ",
    "Phú Yên", "Quảng Bình", "Quảng Nam", "Quảng Ngãi", "Quảng Ninh", "Quảng Trị", "Sóc Trăng", "Sơn La",
    "Tây Ninh", "Thái Bình", "Thái Nguyên", "Thanh Hóa", "Thừa Thiên Huế", "Huế", "Tiền Giang",
    "Thành phố Hồ Chí Minh", "Trà Vinh", "Tuyên Quang", "Vĩnh Long", "Vĩnh Phúc", "Yên Bái",
)  # fmt: skip

# Ordered: the first kind whose pattern the title (folded) matches wins.
_KINDS = (
    ("midterm_review", r"so ket giua nhiem ky"),
    ("term_review", r"kiem diem .*nhiem ky|tong ket nhiem ky|ket qua thuc hien nghi quyet dai hoi"),
    ("annual_summary", r"tong ket .*nam \d{4}|bao cao .*nam \d{4}"),
    ("thematic_review", r"so ket|tong ket"),
)
_NEWS_START = re.compile(r"^(hoi nghi|dai hoi|so |dang bo .* to chuc|ngay \d)")
_TITLE_WORD_RE = re.compile(r"^(BÁO CÁO|TỜ TRÌNH|NGHỊ QUYẾT|KẾ HOẠCH|THÔNG BÁO)\b")
_HEADER_NOISE_RE = re.compile(r"^(\*|ĐẢNG CỘNG SẢN VIỆT NAM|CỘNG HÒA|Độc lập|Số\s|.{0,3}$)", re.IGNORECASE)
_DOC_NUMBER_RE = re.compile(r"Số:?\s*(\d+\s*-\s*[A-ZĐ]{2,}/[A-ZĐ\-]+)")
_DATE_RE = re.compile(r"ngày\s+(\d{1,2})\s+tháng\s+(\d{1,2})\s+năm\s+(\d{4})", re.IGNORECASE)
_TERM_RE = re.compile(r"nhiệm kỳ\s+(\d{4})\s*[-–]\s*(\d{4})", re.IGNORECASE)
_YEAR_RE = re.compile(r"năm\s+(\d{4})", re.IGNORECASE)
_BODY_RE = re.compile(r"Đảng bộ\s+((?:Sở|Khối)(?:\s+\S+){1,7})")
# Lower-case words that belong inside an organisation's name ("Sở Khoa học và Công nghệ").
_NAME_WORDS = {"và", "các", "cơ", "quan", "học", "công", "nghệ", "thông", "tin", "truyền", "doanh", "nghiệp"}
_ROMAN_RE = re.compile(r"^[IVXLC]+$")


def read_metadata(text: str, doc: str) -> ReportMeta:
    head = text[:3000]
    title = _title(text)
    return ReportMeta(
        doc=doc,
        title=title,
        kind=_kind(title),
        issuing_body=_issuing_body(head.replace(title, " ")),
        province=_province(text),
        term=_term(title, text),
        doc_number=_first_group(_DOC_NUMBER_RE, head).replace(" ", ""),
        date=_date(head),
    )


def _title(text: str) -> str:
    """The report's title: the line after "BÁO CÁO", else the first substantial line."""
    lines = [ln.strip() for ln in text[:2000].split("\n") if ln.strip()]
    for i, line in enumerate(lines):
        if _TITLE_WORD_RE.match(line):
            word = _TITLE_WORD_RE.match(line).group(0)
            rest = line[len(word) :].strip(" :")
            if rest:  # "BÁO CÁO KIỂM ĐIỂM" continued by more upper-case lines
                more = [ln for ln in lines[i + 1 : i + 3] if ln.isupper()]
                return " ".join([f"{word.capitalize()} {rest}", *more])[:200]
            nxt = lines[i + 1] if i + 1 < len(lines) else ""
            return f"Báo cáo {nxt}".strip()[:200]
    for line in lines:
        if not _HEADER_NOISE_RE.match(line) and len(line) > 20:
            return line.rstrip(".")[:200]
    return lines[0][:200] if lines else ""


def _kind(title: str) -> str:
    folded = fold(title)
    if _NEWS_START.match(folded):
        return "news"
    for kind, pattern in _KINDS:
        if re.search(pattern, folded):
            return kind
    return "report"


def _issuing_body(head: str) -> str:
    """The most frequent "Đảng bộ Sở/Khối ..." phrase near the top, cut at the first non-name word.

    A short mention ("Đảng bộ Khối") counts for the full name it abbreviates.
    """
    names: Counter[str] = Counter()
    display: dict[str, Counter[str]] = {}
    for match in _BODY_RE.finditer(head):
        words = ["Đảng bộ", *_name_words(match.group(1).split())]
        name = " ".join(words)
        key = fold(name)
        names[key] += 1
        display.setdefault(key, Counter())[name] += 1
    if not names:
        return ""
    totals = {key: sum(n for other, n in names.items() if key.startswith(other)) for key in names}
    best = max(totals, key=lambda key: (totals[key], len(key)))
    return display[best].most_common(1)[0][0]


def _name_words(words: list[str]) -> list[str]:
    """Keep capitalised words and name connectors; "tỉnh" closes "Khối các cơ quan tỉnh"."""
    kept: list[str] = []
    for word in words:
        clean = word.rstrip(",.;:")
        if clean.lower() == "tỉnh" and kept and kept[-1].lower() in {"quan", "nghiệp"}:
            kept.append(clean)
            break
        if not clean or not clean.isalpha() or _ROMAN_RE.match(clean):
            break
        if not (clean[0].isupper() or clean in _NAME_WORDS):
            break
        kept.append(clean)
        if clean != word:
            break
    while kept and kept[-1] in _NAME_WORDS - {"quan", "nghiệp", "học", "nghệ", "tin", "thông"}:
        kept.pop()  # a name does not end on "và"/"các"
    return kept


def _province(text: str) -> str:
    counts: Counter[str] = Counter()
    for name in PROVINCES:
        n = len(re.findall(rf"\b{re.escape(name)}\b", text))
        if n:
            counts[name] = n
    return counts.most_common(1)[0][0] if counts else ""


def _term(title: str, text: str) -> str:
    for source in (title, text):
        terms = Counter(f"{a}–{b}" for a, b in _TERM_RE.findall(source))
        if terms:
            return terms.most_common(1)[0][0]
    year = _first_group(_YEAR_RE, title)
    return year


def _date(head: str) -> str:
    m = _DATE_RE.search(head)
    return f"{int(m.group(3)):04d}-{int(m.group(2)):02d}-{int(m.group(1)):02d}" if m else ""


def _first_group(pattern: re.Pattern[str], text: str) -> str:
    m = pattern.search(text)
    return m.group(1) if m else ""
