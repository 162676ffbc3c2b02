"""Lexical tokens for Vietnamese: word-segmented, diacritic-folded, abbreviations expanded.

Documents are segmented with pyvi (compound words such as "đảng_viên"), then folded ("dang_vien"), and
indexed with their single syllables too. Queries may come without diacritics, where segmentation fails,
so a query contributes its syllables and every pair and triple of neighbouring syllables: whichever of
those are words of the index match.
"""

from __future__ import annotations

import re
from functools import lru_cache

from ingest.normalize import fold

# Abbreviations common in Party reports, keyed by their folded form.
ABBREVIATIONS: dict[str, str] = {
    "bch": "ban chấp hành",
    "btv": "ban thường vụ",
    "ubkt": "ủy ban kiểm tra",
    "du": "đảng ủy",
    "duk": "đảng ủy khối",
    "kh&cn": "khoa học và công nghệ",
    "khcn": "khoa học và công nghệ",
    "tt&tt": "thông tin và truyền thông",
    "tttt": "thông tin và truyền thông",
    "ccvc": "công chức viên chức",
    "cbcc": "cán bộ công chức",
    "cbccvc": "cán bộ công chức viên chức",
    "httnv": "hoàn thành tốt nhiệm vụ",
    "htxsnv": "hoàn thành xuất sắc nhiệm vụ",
    "llct": "lý luận chính trị",
    "tw": "trung ương",
    "tu": "tỉnh ủy",
    "ubnd": "ủy ban nhân dân",
    "hdnd": "hội đồng nhân dân",
    "mttq": "mặt trận tổ quốc",
    "ccb": "cựu chiến binh",
    "uvbch": "ủy viên ban chấp hành",
    "uvbtv": "ủy viên ban thường vụ",
    "tdc": "tiêu chuẩn đo lường chất lượng",
    "shtt": "sở hữu trí tuệ",
    "pbt": "phó bí thư",
    "vptu": "văn phòng tỉnh ủy",
    "ttdt": "thông tin điện tử",
    "qd": "quyết định",
    "nq": "nghị quyết",
    "ct": "chỉ thị",
    "kl": "kết luận",
}
STOPWORDS = {
    "va", "cua", "cac", "nhung", "la", "thi", "co", "duoc", "trong", "cho", "voi", "de", "da", "ve", "theo",
    "mot", "so", "nay", "do", "khi", "tu", "tai", "nhu", "bi", "boi", "ma", "o", "ra", "len", "nao", "gi",
    "bao", "nhieu", "may", "the", "vay", "sao", "hay", "hoac", "cung", "con", "nen", "neu",
}  # fmt: skip
_TOKEN_RE = re.compile(r"[\w&]+(?:[.,]\d+)*", re.UNICODE)
_SENTENCE_RE = re.compile(r"[^.!?;\n]+(?:[.!?;]+|$)")
# Questions that ask for a number, in Vietnamese (folded) or English.
COUNT_CUE_RE = re.compile(
    r"bao nhieu|\bmay (nguoi|dong chi|dang vien|lop|to chuc|chi bo)|so luong|ty le|\bhow (many|much)\b|"
    r"\bwhat (share|percentage|proportion|number)\b|\bnumber of\b"
)

# "who" questions: answered by sentences that name a person ("Nguyễn Văn Thành").
WHO_CUE_RE = re.compile(r"\b(who|whom|ai|ho ten|ten la|ten gi)\b")
_SURNAMES = (
    "Nguyễn|Trần|Lê|Phạm|Hoàng|Huỳnh|Phan|Vũ|Võ|Đặng|Bùi|Đỗ|Hồ|Ngô|Dương|Lý|Đinh|Trương|Đoàn|Lương|Mai|Tô|"
    "Hà|Cao|Lưu|Tạ|Chu|Phùng|Kiều|Quách|Thái|Lâm|Trịnh|Hứa|Triệu|Khổng|La|Đào|Đàm|Tăng|Giang"
)
# A full name has three or four words ("Phạm Quang Nguyên"); two-word capitals are mostly places ("Thái
# Bình"), and "Hồ Chí Minh" in these reports is the ideology, not a person taking part.
PERSON_NAME_RE = re.compile(rf"\b(?!Hồ Chí Minh)(?:{_SURNAMES})(?: [A-ZĐ][a-zà-ỹđ]+){{2,3}}\b")


def is_who_question(text: str) -> bool:
    return WHO_CUE_RE.search(fold(text)) is not None


def is_count_question(text: str) -> bool:
    return COUNT_CUE_RE.search(fold(text)) is not None


def figure_sentences(text: str) -> list[str]:
    """Sentences that state a figure: what a count question is answered from."""
    return [
        m.group(0)
        for m in _SENTENCE_RE.finditer(text)
        if len(m.group(0).split()) >= 4 and any(ch.isdigit() for ch in m.group(0))
    ]


def syllables(text: str) -> list[str]:
    """Folded syllables with '&' kept inside abbreviations ("kh&cn")."""
    return [t for t in (fold(m.group(0)) for m in _TOKEN_RE.finditer(text)) if t]


def expand_abbreviations(tokens: list[str]) -> list[str]:
    out: list[str] = []
    for token in tokens:
        out.append(token)
        if token in ABBREVIATIONS:
            out.extend(syllables(ABBREVIATIONS[token]))
            out.extend(_ngrams(syllables(ABBREVIATIONS[token]), 2))
    return out


def _ngrams(tokens: list[str], n: int) -> list[str]:
    return ["_".join(tokens[i : i + n]) for i in range(len(tokens) - n + 1)]


@lru_cache(maxsize=1)
def _segmenter():
    from pyvi import ViTokenizer  # loaded on first use: it reads a model file

    return ViTokenizer


def segmented_words(text: str) -> list[str]:
    """pyvi compound words, folded: "đảng viên" -> "dang_vien"."""
    out: list[str] = []
    for line in text.split("\n"):
        if line.strip():
            out.extend(fold(w) for w in _segmenter().tokenize(line).split() if "_" in w)
    return out


def document_tokens(text: str) -> list[str]:
    sylls = syllables(text)
    return [t for t in expand_abbreviations(sylls) if t not in STOPWORDS] + segmented_words(text)


def query_tokens(text: str) -> list[str]:
    sylls = expand_abbreviations(syllables(text))
    content = [t for t in sylls if t not in STOPWORDS]
    return content + _ngrams(sylls, 2) + _ngrams(sylls, 3)
