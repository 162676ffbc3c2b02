"""Numeric facts: every quantity in a report with what it counts, the verb before it, its breakdown and
its target, so count questions are answered in code from the number the report states.

"xử lý kỷ luật 50 đảng viên (trong đó, khiển trách: 30 đảng viên, ...; khai trừ: 13 đảng viên)" gives one
fact 50 with four breakdown parts, and each part is a fact of its own (13, "khai trừ", "đảng viên").
"Kết nạp 339 đảng viên mới (chỉ tiêu Đại hội: 400 đảng viên mới)" gives 339 with target 400; the target
number is not a fact of its own. Dates, years, document numbers, headings and ordinals are skipped.
"""

from __future__ import annotations

import bisect
import importlib.util
import re
import unicodedata
from collections.abc import Callable, Iterable
from dataclasses import asdict, dataclass, replace
from functools import lru_cache
from pathlib import Path

from assistant.types import Fact, FactPart
from ingest.numbers import Token, iter_tokens

# ---------------------------------------------------------------------------------------------------------
# Vocabulary
# ---------------------------------------------------------------------------------------------------------

# Surface form (lowercase, modern tone marks) -> canonical key. Facts keep the surface form as found.
KNOWN_PREDICATES: dict[str, str] = {
    "xử lý kỷ luật": "discipline", "thi hành kỷ luật": "discipline", "kỷ luật": "discipline",
    "bị kỷ luật": "discipline", "xem xét kỷ luật": "discipline", "xử lý": "handle", "xem xét xử lý": "handle",
    "khiển trách": "reprimand", "cảnh cáo": "warning", "cách chức": "dismissal", "khai trừ": "expulsion",
    "xóa tên": "removal", "giải thể": "dissolution",
    "kết nạp": "admission", "xem xét kết nạp": "admission", "phát triển": "development",
    "kiểm tra": "inspection", "tiến hành kiểm tra": "inspection",
    "giám sát": "supervision", "tiến hành giám sát": "supervision",
    "mở": "open", "phối hợp mở": "open", "mở được": "open",
    "tổ chức": "organize", "phối hợp tổ chức": "organize",
    "bồi dưỡng": "training", "đào tạo": "training", "tập huấn": "training", "hỗ trợ đào tạo": "training",
    "hỗ trợ": "support", "hỗ trợ xây dựng": "support", "xây dựng": "build",
    "cho vay": "loan", "hỗ trợ cho vay": "loan",
    "thu hút": "attract", "thu hút đầu tư": "attract", "đầu tư": "invest",
    "thành lập": "establish", "bầu": "elect", "bầu cử": "elect", "chỉ định": "appoint",
    "giảm": "decrease", "giảm từ": "decrease", "xuống còn": "decrease_to", "tăng": "increase",
    "tăng cường": "strengthen", "giữ nguyên": "keep", "hợp nhất": "merge", "sáp nhập": "merge",
    "đạt": "achieve", "đạt được": "achieve", "vượt": "exceed", "hoàn thành": "complete",
    "chiếm": "share", "gồm": "comprise", "bao gồm": "comprise",
    "khen thưởng": "commend", "tặng giấy khen": "commend", "biểu dương": "commend", "công nhận": "recognize",
    "trao tặng": "award", "tặng": "award",
    "kiện toàn": "consolidate", "quản lý": "manage", "triển khai": "implement",
    "cấp giấy chứng nhận": "certify", "công bố": "announce", "hướng dẫn": "guide", "nghiệm thu": "accept",
    "đăng tải": "publish", "trồng": "plant", "trồng mới": "plant", "ủng hộ": "donate",
    "tham gia": "participate", "áp dụng": "apply", "rút ra": "derive", "tư vấn": "advise",
    "chuyển giao": "transfer", "ban hành": "issue", "giải quyết": "resolve", "tiếp nhận": "receive",
    "tuyển dụng": "recruit", "đăng ký": "register",
}  # fmt: skip

# A disciplinary form is a kind of discipline: "how many were disciplined" may be answered by a reprimand.
PREDICATE_PARENT: dict[str, str] = {
    "reprimand": "discipline", "warning": "discipline", "dismissal": "discipline", "expulsion": "discipline",
}  # fmt: skip

# English stems for questions asked in English.
ENGLISH_PREDICATES: dict[str, str] = {
    "disciplin": "discipline", "reprimand": "reprimand", "warning": "warning", "warned": "warning",
    "dismiss": "dismissal", "expel": "expulsion", "expuls": "expulsion", "admit": "admission",
    "admission": "admission", "inspect": "inspection", "supervis": "supervision", "train": "training",
    "loan": "loan", "lent": "loan", "attract": "attract", "establish": "establish", "elect": "elect",
    "appoint": "appoint", "decreas": "decrease", "reduc": "decrease", "increas": "increase",
    "achiev": "achieve", "complet": "complete", "commend": "commend", "opened": "open",
}  # fmt: skip

_DISCIPLINE_FORMS = ("khiển trách", "cảnh cáo", "cách chức", "khai trừ")

# What a number counts: longest match first. Lowercase, modern tone placement ("ủy").
_UNITS = """
tổ chức cơ sở đảng|tổ chức đảng|tổ chức|đảng bộ cơ sở|chi bộ cơ sở|đảng bộ bộ phận|chi bộ|đảng bộ|đảng viên
|quần chúng|đoàn viên|hội viên|cán bộ|công chức|viên chức|người lao động|lao động|người|đồng chí|trường hợp
|tập thể|cá nhân|lượt|lớp|đơn vị|phòng|chi cục|cơ quan|doanh nghiệp|hợp tác xã|dự án|đề tài|nhiệm vụ
|sản phẩm|sáng kiến|văn bản|tin bài|tin|bài|cuộc|đợt|hội nghị|hội thảo|công trình|mô hình|tỷ đồng
|triệu đồng|nghìn đồng|ngàn đồng|đồng|usd|năm|tháng|ngày|giờ|lần|cấp ủy viên|ủy viên|bí thư|phó bí thư
|chủ nhiệm|phó chủ nhiệm|chỉ tiêu|chỉ dẫn địa lý|nhãn hiệu|sáng chế|giấy chứng nhận|chuyên gia|cơ sở
|thành viên|học viên|sinh viên|học sinh|hộ|xã|huyện|tỉnh|cây|ha|km|tấn|bài học|chương trình|đề án
|kế hoạch|nghị quyết|chỉ thị|quy định|tổ|nhóm|thủ tục|hồ sơ|trang|câu lạc bộ|đầu việc|nhân lực|di sản
|giải pháp|nội dung|chuyên đề|đơn thư|vụ việc|vụ|điểm|lãnh đạo|giám đốc|phó giám đốc|trưởng phòng
|dịch vụ|quy trình|tiêu chuẩn|hệ thống|thiết bị|lĩnh vực|công đoàn|chi đoàn|chi hội
"""
UNITS: frozenset[str] = frozenset(u.strip() for u in _UNITS.replace("\n", "").split("|") if u.strip())
_MAX_UNIT_WORDS = max(len(u.split()) for u in UNITS)
_MAGNITUDES = {"tỷ", "triệu", "nghìn", "ngàn", "trăm", "vạn"}
_GENERIC_UNITS = {"đồng chí", "người", "thành viên"}  # say little: the label before them says what is counted

# Words that end the noun phrase after a number.
_STOP = {
    "được", "bị", "là", "và", "với", "cho", "trong", "của", "đã", "đang", "sẽ", "có", "so", "từ", "đến", "tới",
    "thuộc", "theo", "tại", "về", "vào", "để", "do", "mà", "nhưng", "hoặc", "hay", "sinh", "đạt", "chiếm",
    "xuống", "lên", "còn", "gồm", "các", "những", "này", "đó", "nào", "vì", "nên", "khi", "sau", "trước",
    "giảm", "tăng", "nhằm", "ở", "cùng", "đều", "không", "chưa", "rồi", "thì", "như", "bằng", "trên", "dưới",
    "gần", "hơn", "khoảng", "tức",
}  # fmt: skip
_STOP_PAIRS = {
    "vi phạm", "hoàn thành", "tham gia", "trở lên", "trở xuống", "hình thành", "hoạt động", "thực hiện",
    "chỉ tiêu", "tương đương", "trong đó", "bao gồm", "kết nạp", "xếp loại", "trực thuộc",
}  # fmt: skip
_DETERMINERS = {"các", "những", "mọi"}

_APPROX_BEFORE = (
    "gần như", "chưa đến", "chưa tới", "không quá", "không dưới", "ít nhất", "tối thiểu", "tối đa",
    "xấp xỉ", "khoảng", "gần", "trên", "hơn", "dưới", "hàng", "ước", "ngót",
)  # fmt: skip
_APPROX_RE = re.compile(r"(?<![^\W\d_])(" + "|".join(_APPROX_BEFORE) + r")\s*$", re.IGNORECASE)
_APPROX_AFTER_RE = re.compile(r"\s*(trở lên|trở xuống)(?![^\W\d_])", re.IGNORECASE)

# Text just before a number that makes it a name, an ordinal or a reference, not a quantity.
_SKIP_BEFORE_RE = re.compile(
    r"(?<![^\W\d_])(?:lần thứ|thứ|khóa|khoá|chương|điều|khoản|mục|phần|chỉ thị|chi thị|nghị quyết|kết luận"
    r"|quy định|quyết định|thông báo|thông tư|nghị định|hướng dẫn|kế hoạch|công văn|đề án|chương trình"
    r"|tờ trình|báo cáo|trung ương|tw|ban chỉ đạo|đối tượng|iso|tcvn|covid|sars-cov|mã số|số hiệu|phiên bản"
    r"|quy chuẩn|tầng|phòng số|đường|quốc lộ|tỉnh lộ)(?:\s+số)?\s*[-–]?\s*$",
    re.IGNORECASE,
)
_YEAR_BEFORE_RE = re.compile(
    r"(?<![^\W\d_])(?:năm|nhiệm kỳ|giai đoạn|từ|đến|tới|thời kỳ|kỳ|niên khóa|niên độ|cuối|đầu|trước|sau"
    r"|khóa|mùa|tháng\s+[0-9]{1,2})\s*$",
    re.IGNORECASE,
)
_DATE_BEFORE_RE = re.compile(r"(?<![^\W\d_])(?:ngày|hôm|tháng|sáng|chiều|tối)\s*$", re.IGNORECASE)
_HEADING_RE = re.compile(r"[ \t]*(?:[IVXLC]+\.\s*)?[0-9]{1,2}(?:\.\s?[0-9]{1,2})*\.?(?=\s)")
_WORD_RE = re.compile(r"[^\s,;:.()\[\]\"“”‘’!?…/]+")
_BOUNDARY_CHARS = set(',;:.()[]"“”!?…/')
_PAREN_LEAD_RE = re.compile(
    r"^[\s,;:]*(?:(?:và|trong đó|trong đó có|gồm|bao gồm|cụ thể|cụ thể là)(?![^\W\d_])[\s,;:]*)*",
    re.IGNORECASE,
)
_LABEL_TAIL_RE = re.compile(r"(?:[\s,;:]|(?<![^\W\d_])(?:là|có|gồm|đạt|chiếm)(?![^\W\d_]))+$", re.IGNORECASE)
_LINK_BEFORE_RE = re.compile(r"(?<![^\W\d_])(?:có|gồm|bao gồm|là)\s*$", re.IGNORECASE)
_SHARE_LINK_RE = re.compile(
    r"[\s,(]*(?:(?:chiếm|đạt|bằng|là|tương đương|tỷ lệ|với|khoảng|gần|trên|hơn|dưới|từ)(?![^\W\d_])[\s,]*)*",
    re.IGNORECASE,
)
_PCT_LEAD_TRIM_RE = re.compile(
    r"(?:\s|(?<![^\W\d_])(?:chiếm|đạt|bằng|là|tỷ lệ|có|từ|với|được)(?![^\W\d_]))+$", re.IGNORECASE
)
_HAVE_RE = re.compile(r"(?<![^\W\d_])có(?![^\W\d_])", re.IGNORECASE)
_FILLER_RE = re.compile(
    r"[\s,:]*(?:(?:được|cho|tỷ lệ|là|thêm|mới|và|với|mức|từ)(?![^\W\d_])[\s,:]*)*", re.IGNORECASE
)
_ADJACENT_ONLY = {
    "organize", "development", "build", "award", "open", "implement", "invest", "manage", "recognize",
    "guide", "issue", "participate", "achieve", "establish", "support", "strengthen",
}  # fmt: skip
_STATE_PREDICATES = {"complete", "participate", "discipline", "share"}
_TIME_UNITS = {"năm", "tháng", "ngày", "giờ", "lần"}
_YEARS_RE = re.compile(r"(?<![0-9])(?:19|20)[0-9]{2}(?![0-9])")
_OF_WHICH_RE = re.compile(r"\(\s*trong đó[\s,:]*$", re.IGNORECASE)
_CHI_DANG_BO_RE = re.compile(r"\s+(chi,\s*đảng bộ(?:\s+cơ sở)?)(?![^\W\d_])", re.IGNORECASE)
_BULLET_RE = re.compile(r"[\s\-–+•*·]+")
_FORM_AFTER_RE = re.compile(r"kỷ luật\s+(" + "|".join(_DISCIPLINE_FORMS) + ")", re.IGNORECASE)
_TARGET_RE = re.compile(r"\s*chỉ tiêu", re.IGNORECASE)
_BREAKDOWN_MARK_RE = re.compile(r"trong đó|gồm|:", re.IGNORECASE)


def _predicate_regex(forms: Iterable[str]) -> re.Pattern[str]:
    alts = "|".join(re.escape(f).replace(r"\ ", r"\s+") for f in sorted(forms, key=len, reverse=True))
    return re.compile(rf"(?<![^\W\d_])(?:{alts})(?![^\W\d_])", re.IGNORECASE)


_PRED_RE = _predicate_regex(KNOWN_PREDICATES)


# ---------------------------------------------------------------------------------------------------------
# Sentences and clauses
# ---------------------------------------------------------------------------------------------------------


def _line_prefix_is_heading(text: str, line_start: int, i: int) -> bool:
    """The text from the line start to i is only heading numbering ("2.3", "II", "2. 3")."""
    return bool(re.fullmatch(r"\s*(?:[IVXLC]+|[0-9]{1,2}(?:\.\s?[0-9]{1,2})*)", text[line_start:i]))


def _dot_ends_sentence(text: str, i: int, line_start: int) -> bool:
    n = len(text)
    nxt = text[i + 1] if i + 1 < n else " "
    if i > 0 and text[i - 1].isdigit() and nxt.isdigit():
        return False  # decimal or thousands separator
    if not (nxt.isspace() or nxt.isupper()):
        return False  # "..." (not the last dot), "v.v", "TP.HCM" is split only before an upper case letter
    return not _line_prefix_is_heading(text, line_start, i)


def _newline_ends_sentence(text: str, i: int, depth: int) -> tuple[bool, bool]:
    """(ends a sentence, resets parentheses). A wrapped line goes on with a lower case letter."""
    j = i + 1
    while j < len(text) and text[j] in " \t\r":
        j += 1
    nxt = text[j] if j < len(text) else "\n"
    if nxt == "\n":
        return True, True  # blank line: a new paragraph
    if nxt in "-+•*–·" or _HEADING_RE.match(text, j):
        return True, True  # a new item or heading
    if depth:
        return False, False
    k = i - 1
    while k >= 0 and text[k] in " \t\r":
        k -= 1
    prev = text[k] if k >= 0 else "."
    return (prev in ".;:!?" or not nxt.islower()), False


def split_sentences(text: str) -> list[tuple[int, int, list[tuple[int, int]]]]:
    """Sentences (split on . ! ? and line breaks) with their clauses (split on ;), never inside
    parentheses nor on a decimal dot. Spans are trimmed of spaces and leading bullets."""
    out: list[tuple[int, int, list[tuple[int, int]]]] = []
    clauses: list[tuple[int, int]] = []
    sent_start = clause_start = line_start = 0
    depth = open_at = 0

    def close_clause(end: int) -> None:
        span = _trim(text, clause_start, end)
        if span:
            clauses.append(span)

    def close_sentence(end: int) -> None:
        nonlocal clauses
        close_clause(end)
        span = _trim(text, sent_start, end)
        if span and clauses:
            out.append((span[0], span[1], clauses))
        clauses = []

    for i, ch in enumerate(text):
        if depth and i - open_at > 800:
            depth = 0  # an unclosed parenthesis must not swallow the rest of the text
        if ch == "(":
            depth, open_at = depth + 1, (i if depth == 0 else open_at)
        elif ch == ")":
            depth = max(0, depth - 1)
        elif ch == "\n":
            ends, reset = _newline_ends_sentence(text, i, depth)
            if reset:
                depth = 0
            if ends:
                close_sentence(i)
                sent_start = clause_start = i + 1
            line_start = i + 1
        elif depth:
            continue
        elif ch in "!?" or (ch == "." and _dot_ends_sentence(text, i, line_start)):
            close_sentence(i + 1)
            sent_start = clause_start = i + 1
        elif ch == ";":
            close_clause(i + 1)
            clause_start = i + 1
    close_sentence(len(text))
    return out


def _trim(text: str, start: int, end: int) -> tuple[int, int] | None:
    m = _BULLET_RE.match(text, start, end)
    if m:
        start = m.end()
    while end > start and text[end - 1].isspace():
        end -= 1
    return (start, end) if end > start else None


# ---------------------------------------------------------------------------------------------------------
# Numbers in context
# ---------------------------------------------------------------------------------------------------------


@dataclass
class _Num:
    """A quantity found in a sentence, with the words around it."""

    start: int
    end: int  # end of the digits (or of "a/b")
    raw: str
    value: float
    q_start: int  # start of the qualifier ("gần") or of the number
    qualifier: str = ""
    unit: str = ""
    unit_known: bool = False  # the unit is in the lexicon, not a guess
    unit_end: int = 0
    phrase: str = ""  # the noun phrase after the number (after "%" for percentages)
    phrase_end: int = 0
    consumed: bool = False  # a target or a breakdown part: not an ordinary fact
    target: float | None = None
    target_end: int = 0


def _is_heading(text: str, tok: Token) -> bool:
    line_start = text.rfind("\n", 0, tok.start) + 1
    m = _HEADING_RE.match(text, line_start)
    if not m or tok.end > m.end():
        return False
    rest = text[m.end() : m.end() + 3].lstrip()
    return m.group().rstrip().endswith(".") or (bool(rest) and rest[0].isupper())


def _is_year(text: str, tok: Token, before: str, unit_known: bool) -> bool:
    if not (tok.raw.isdigit() and tok.raw[0] != "0" and 1900 <= int(tok.raw) <= 2100):
        return False
    after = text[tok.end : tok.end + 12]
    if re.match(r"\s*[-–]\s*[0-9]{4}", after) or re.search(r"[0-9]{4}\s*[-–]\s*$", before):
        return True  # a range "2020 - 2025"
    return bool(_YEAR_BEFORE_RE.search(before)) or not unit_known


def _noun_words(text: str, pos: int, limit: int) -> list[re.Match[str]]:
    """The words of the noun phrase starting at pos, up to punctuation, a stop word or a number."""
    raw: list[re.Match[str]] = []
    prev_end = pos
    for m in _WORD_RE.finditer(text, pos, limit):
        gap = text[prev_end : m.start()]
        if any(c in _BOUNDARY_CHARS for c in gap) or gap.count("\n") > 1 or len(raw) > 10:
            break
        raw.append(m)
        prev_end = m.end()
    low = [m.group().lower() for m in raw]
    lead = 0
    while lead < len(low) and low[lead] in _DETERMINERS:
        lead += 1  # "100% các chi bộ"
    words: list[re.Match[str]] = []
    for k in range(lead, len(raw)):
        w = low[k]
        pair = f"{w} {low[k + 1]}" if k + 1 < len(low) else ""
        if w in _STOP or pair in _STOP_PAIRS or w[0].isdigit() or not any(c.isalpha() for c in w):
            break
        words.append(raw[k])
    return words[:8]


_TONE_MARKS = {"\u0300", "\u0301", "\u0303", "\u0309", "\u0323"}


def _tone_key(word: str) -> str:
    """A key equal for both tone placements ("hòa"/"hoà", "ủy"/"uỷ"): tone marks moved to the end."""
    out = []
    for syl in word.lower().split():
        d = unicodedata.normalize("NFD", syl)
        base = unicodedata.normalize("NFC", "".join(c for c in d if c not in _TONE_MARKS))
        out.append(base + "".join(c for c in d if c in _TONE_MARKS))
    return " ".join(out)


@lru_cache(maxsize=1)
def _dictionary() -> frozenset[str]:
    """Multi-syllable Vietnamese words (pyvi's word list, tone-placement independent), to guess where an
    unknown unit ends ("tài khoản định danh" -> "tài khoản"). Empty when pyvi is not installed."""
    spec = importlib.util.find_spec("pyvi")
    if spec is None or not spec.submodule_search_locations:
        return frozenset()
    path = Path(next(iter(spec.submodule_search_locations))) / "models" / "words.txt"
    try:
        lines = path.read_text(encoding="utf-8").splitlines()
    except OSError:
        return frozenset()
    return frozenset(_tone_key(w) for w in lines if " " in w.strip() and w.count(" ") < 4)


def _unit_of(words: list[re.Match[str]]) -> tuple[str, bool, int]:
    """(unit, known, number of words) at the start of a noun phrase: longest lexicon match, else the
    longest dictionary word, else the first syllable."""
    low = [w.group().lower() for w in words]
    if not low:
        return "", False, 0
    lead = 1 if low[0] in _MAGNITUDES and " ".join(low[:2]) not in UNITS else 0  # "1.5 triệu cây xanh"
    for k in range(min(_MAX_UNIT_WORDS, len(low) - lead), 0, -1):
        if " ".join(low[lead : lead + k]) in UNITS:
            return " ".join(low[: lead + k]), True, lead + k
    if lead:
        return " ".join(low[:2]), len(low) > 1, min(2, len(low))
    for k in range(min(4, len(low)), 1, -1):
        if _tone_key(" ".join(low[:k])) in _dictionary():
            return " ".join(low[:k]), False, k
    return low[0], False, 1


def _describe(text: str, num: _Num, limit: int) -> None:
    """Fill unit, phrase and their ends from the words after the number."""
    pos = num.end
    pct = re.match(r" ?%", text[pos:limit])
    if pct:
        num.unit, num.unit_known, num.unit_end = "%", True, pos + pct.end()
        words = _noun_words(text, num.unit_end, limit)
    elif m := _CHI_DANG_BO_RE.match(text, pos, limit):  # "56 chi, đảng bộ cơ sở": branches and committees
        num.unit, num.unit_known, num.unit_end = _collapse(m.group(1)).lower(), True, m.end()
        num.phrase, num.phrase_end = _collapse(m.group(1)), m.end()
        return
    else:
        words = _noun_words(text, pos, limit)
        unit, known, k = _unit_of(words)
        num.unit, num.unit_known = unit, known
        num.unit_end = words[(k if known else len(words)) - 1].end() if k else pos
    num.phrase = _collapse(text[words[0].start() : words[-1].end()]) if words else ""
    num.phrase_end = words[-1].end() if words else num.unit_end


def _collapse(s: str) -> str:
    return " ".join(s.split())


def _ratio_is_date(text: str, tok: Token, before: str, num: _Num) -> bool:
    a, b = (int(x) for x in tok.raw.split("/"))
    if _DATE_BEFORE_RE.search(before) or re.match(r"\s*(?:năm|/)", text[tok.end : tok.end + 8]):
        return True
    if a <= b and num.unit:
        return False  # "7/7 đồng chí", "6/6 chỉ tiêu"
    return 1 <= a <= 31 and 1 <= b <= 12


def _candidates(text: str, tokens: list[Token], start: int, end: int) -> list[_Num]:
    """The quantities of one sentence: not dates, years, headings, ordinals or references."""
    out: list[_Num] = []
    for tok in tokens:
        if tok.kind not in ("num", "ratio") or tok.value is None or _is_heading(text, tok):
            continue
        before = text[max(start, tok.start - 40) : tok.start]
        if (
            _SKIP_BEFORE_RE.search(before)
            or re.search(r"\(\s*$", before)
            and text[tok.end : tok.end + 1] == ")"
        ):
            continue  # a reference "Chỉ thị 05", an ordinal "lần thứ 19", an enumerator "(1)"
        num = _Num(tok.start, tok.end, tok.raw, tok.value, tok.start)
        _describe(text, num, end)
        if tok.kind == "ratio" and _ratio_is_date(text, tok, before, num):
            continue
        if tok.kind == "num" and _is_year(text, tok, before, num.unit_known):
            continue
        q = _APPROX_RE.search(before)
        if q:
            num.qualifier, num.q_start = q.group(1).lower(), tok.start - (len(before) - q.start())
        elif m := _APPROX_AFTER_RE.match(text, num.unit_end, end):
            num.qualifier = m.group(1).lower()
        out.append(num)
    _join_ranges(text, out)
    return out


def _join_ranges(text: str, nums: list[_Num]) -> None:
    """ "từ 10 – 20% đảng viên": the lower bound takes the unit of the upper one; both are approximate."""
    for a, b in zip(nums, nums[1:], strict=False):
        if a.phrase or a.unit or not re.fullmatch(r"\s*[-–]\s*", text[a.end : b.q_start]):
            continue
        a.unit, a.unit_known, a.phrase = b.unit, b.unit_known, b.phrase
        a.qualifier = a.qualifier or "từ"
        b.qualifier = b.qualifier or "đến"


# ---------------------------------------------------------------------------------------------------------
# Predicates, subjects, labels
# ---------------------------------------------------------------------------------------------------------


def canonical_predicate(surface: str) -> str:
    """The canonical key of a predicate surface form ("" when unknown)."""
    return KNOWN_PREDICATES.get(_collapse(surface).lower(), "")


def _unmasked(text: str, lo: int, hi: int, masks: list[tuple[int, int]]) -> str:
    """text[lo:hi] without the noun phrases of other numbers (list items in between)."""
    out, pos = [], lo
    for ms, me in sorted(masks):
        if me <= pos or ms >= hi:
            continue
        out.append(text[pos:ms])
        pos = max(pos, me)
    out.append(text[pos:hi])
    return "".join(out)


def _find_predicate(text: str, lo: int, hi: int, masks: list[tuple[int, int]]) -> str:
    """The predicate ending nearest before hi, outside the noun phrases of other numbers. Verbs that are
    also common nouns or vague ("tổ chức", "xây dựng", "đạt") count only right before the number."""
    barrier = None
    for b in _HAVE_RE.finditer(text, lo, hi):  # "Đảng bộ có 98 đảng viên": what precedes "có" is not the verb
        if not any(ms <= b.start() < me for ms, me in masks):
            barrier = b
    if barrier:
        lo = barrier.end()
    best: re.Match[str] | None = None
    for m in _PRED_RE.finditer(text, lo, hi):
        if any(m.start() < me and ms < m.end() for ms, me in masks):
            continue
        if canonical_predicate(m.group()) in _ADJACENT_ONLY and not _FILLER_RE.fullmatch(
            _unmasked(text, m.end(), hi, masks)
        ):
            continue
        if best is None or (m.end(), len(m.group())) > (best.end(), len(best.group())):
            best = m
    return _collapse(best.group()).lower() if best else ""


def _predicate_after(text: str, num: _Num, clause_end: int) -> str:
    """ "339 quần chúng ưu tú được xem xét kết nạp", "96% cơ quan, đơn vị hoàn thành": the verb follows."""
    tail = text[num.phrase_end : min(clause_end, num.phrase_end + 50)]
    tail = re.split(r"[;(0-9]", tail, maxsplit=1)[0]
    m = _PRED_RE.search(tail)
    if not m:
        return ""
    pred = _collapse(m.group()).lower()
    passive = re.search(r"(?<![^\W\d_])(?:được|bị)(?![^\W\d_])", tail[: m.start()])
    near = len(tail[: m.start()].split()) <= 3 and num.unit not in _TIME_UNITS
    return pred if passive or (near and canonical_predicate(pred) in _STATE_PREDICATES) else ""


def _predicate(text: str, num: _Num, clause: tuple[int, int], masks: list[tuple[int, int]]) -> str:
    pred = _find_predicate(text, clause[0], num.q_start, masks) or _predicate_after(text, num, clause[1])
    nxt = re.search(r"[0-9]", text[num.phrase_end : clause[1]])
    form = _FORM_AFTER_RE.search(text, num.phrase_end, num.phrase_end + nxt.start() if nxt else clause[1])
    if form and canonical_predicate(pred) in ("", "discipline", "handle"):
        pred = form.group(1).lower()  # "xử lý 3 trường hợp ... hình thức kỷ luật khiển trách"
    return pred


def _clean_label(s: str) -> str:
    s = _collapse(s)
    if m := _BULLET_RE.match(s):
        s = s[m.end() :]
    s = _PAREN_LEAD_RE.sub("", s)  # "trong đó nữ có 48" -> "nữ"
    s = _LABEL_TAIL_RE.sub("", s).strip(" ,;:")
    words = s.split()
    return " ".join(words[-15:])


def _colon_label(text: str, num: _Num, clause: tuple[int, int]) -> str:
    """ "Tổng số ủy viên BCH Đại hội bầu: 07 đồng chí" -> the text before the colon."""
    head = text[clause[0] : num.q_start]
    c = head.rfind(":")
    if c < 0:
        return ""
    seg = head[c + 1 :]
    if any(ch.isdigit() for ch in seg) or "(" in seg or len(seg.split()) > 3:
        return ""
    return _clean_label(head[:c])


def _link_subject(text: str, num: _Num, clause: tuple[int, int]) -> str:
    """ "Ủy ban kiểm tra có 03 đồng chí" -> "Ủy ban kiểm tra"."""
    head = text[clause[0] : num.q_start]
    m = _LINK_BEFORE_RE.search(head)
    if not m:
        return ""
    segs = [s for s in re.split(r"[,(]", head[: m.start()]) if s.strip()]
    if not segs or any(ch.isdigit() for ch in _YEARS_RE.sub("", segs[-1])):
        return ""
    return _clean_label(segs[-1])


def _pct_subject(text: str, num: _Num, prev: _Num | None, prev_subject: str, clause: tuple[int, int]) -> str:
    if num.phrase:
        return num.phrase
    between = text[prev.phrase_end : num.q_start] if prev is not None else ""
    if prev is not None and (_SHARE_LINK_RE.fullmatch(between) or _OF_WHICH_RE.search(between)):
        return prev_subject  # "26 đồng chí (chiếm 39,4%)", "100% ... (trong đó trên 95% ...)": a share
    label = _colon_label(text, num, clause)
    if label:
        return label
    lo = max(clause[0], prev.phrase_end if prev is not None else clause[0])
    head = re.split(r"[()]", text[lo : num.q_start])[-1]
    head = _PCT_LEAD_TRIM_RE.sub("", head)
    head = re.sub(r"^[\s,;:]*(?:(?:và|hoặc|trong đó)(?![^\W\d_])[\s,;:]*)*", "", head, flags=re.IGNORECASE)
    if not head.strip() or any(ch.isdigit() for ch in head):
        return ""
    words = head.split()
    kept = " ".join(words[-20:])
    if len(words) > 20 and "," in kept:
        kept = kept.split(",", 1)[1]  # start at a clause boundary, not mid-phrase
    return _clean_label(kept)


def _subject(text: str, num: _Num, prev: _Num | None, prev_subject: str, clause: tuple[int, int]) -> str:
    if num.unit == "%":
        return _pct_subject(text, num, prev, prev_subject, clause)
    label = _colon_label(text, num, clause)
    generic = not num.phrase or num.phrase.lower() in _GENERIC_UNITS
    if generic:
        context = label or _link_subject(text, num, clause)
        if context:
            return context
    return num.phrase or label


# ---------------------------------------------------------------------------------------------------------
# Parentheses after a number: targets and breakdowns
# ---------------------------------------------------------------------------------------------------------


def _paren_after(text: str, num: _Num, sent_end: int, max_gap: int) -> tuple[int, int] | None:
    """(open, close) of a parenthesis following the number's noun phrase, with no number between."""
    p = text.find("(", num.phrase_end, min(sent_end, num.phrase_end + max_gap + 1))
    if p < 0:
        return None
    gap = text[num.phrase_end : p]
    if any(ch.isdigit() for ch in gap) or ";" in gap or ")" in gap:
        return None
    depth = 0
    for q in range(p, sent_end):
        depth += {"(": 1, ")": -1}.get(text[q], 0)
        if depth == 0:
            return p, q
    return None


def _inside(cands: list[_Num], p: int, q: int) -> list[_Num]:
    return [c for c in cands if p < c.start and c.end <= q]


def _assign_targets(num: _Num, cands: list[_Num], p: int, q: int) -> None:
    """ "(chỉ tiêu Đại hội: 400 đảng viên mới)" -> num.target = 400. Several targets in one parenthesis
    ("chỉ tiêu 95% ...; 80% ...") go in order to the same number of preceding facts of the same unit."""
    items = _inside(cands, p, q)
    if not items:
        return
    for it in items:
        it.consumed = True
    owners = [c for c in cands if c.end <= num.end and not c.consumed and c.unit == items[0].unit]
    if len(items) > 1 and len(owners) >= len(items):
        pairs = zip(owners[-len(items) :], items, strict=True)
    else:
        pairs = zip([num], items[:1], strict=True)
    for owner, it in pairs:
        owner.target, owner.target_end = it.value, q + 1


def _parts(text: str, items: list[_Num], p: int) -> list[tuple[_Num, str]]:
    """Each item of a breakdown with its label: the text between the previous item and its number."""
    out: list[tuple[_Num, str]] = []
    prev_end = p + 1
    for it in items:
        label = _PAREN_LEAD_RE.sub("", text[prev_end : it.q_start])
        label = _clean_label(label)
        if not label and it.phrase:
            label = it.phrase
        out.append((it, label))
        prev_end = it.phrase_end if it.phrase_end > it.end else max(it.unit_end, it.end)
    return out


def _breakdown(text: str, num: _Num, cands: list[_Num], p: int, q: int) -> list[tuple[_Num, str]]:
    """The parts of num listed in the parenthesis (p, q), or [] when it is not a breakdown."""
    items = _inside(cands, p, q)
    if len(items) < 2 or any(it.unit == "%" for it in items) != (num.unit == "%"):
        return []
    total = sum(it.value for it in items)
    adjacent = not text[num.phrase_end : p].strip()
    marked = bool(_BREAKDOWN_MARK_RE.search(text, p, q))
    if not (abs(total - num.value) < 1e-9 or (adjacent and marked and total <= num.value)):
        return []
    parts = _parts(text, items, p)
    for it in items:
        it.consumed = True
    return parts


# ---------------------------------------------------------------------------------------------------------
# Extraction
# ---------------------------------------------------------------------------------------------------------


def extract_facts(text: str, doc_key: str, sections: Callable[[int], str] | None = None) -> list[Fact]:
    """Every quantity in the text as a Fact, in text order (breakdown parts after their total)."""
    tokens = list(iter_tokens(text))
    starts = [t.start for t in tokens]
    facts: list[Fact] = []
    for s_start, s_end, clauses in split_sentences(text):
        lo, hi = bisect.bisect_left(starts, s_start), bisect.bisect_left(starts, s_end)
        if lo == hi:
            continue
        facts.extend(_sentence_facts(text, doc_key, tokens[lo:hi], s_end, clauses, sections))
    return facts


def _clause_of(clauses: list[tuple[int, int]], pos: int) -> tuple[int, int]:
    for c in clauses:
        if c[0] <= pos < c[1]:
            return c
    return clauses[-1]


def _sentence_facts(
    text: str,
    doc_key: str,
    tokens: list[Token],
    s_end: int,
    clauses: list[tuple[int, int]],
    sections: Callable[[int], str] | None,
) -> list[Fact]:
    cands = [c for clause in clauses for c in _candidates(text, _in(tokens, clause), *clause)]
    if not cands:
        return []
    breakdowns: dict[int, list[tuple[_Num, str]]] = {}
    for num in cands:
        if num.consumed:
            continue
        target = _paren_after(text, num, s_end, 90)
        if target and _TARGET_RE.match(text, target[0] + 1):
            _assign_targets(num, cands, *target)
            continue
        paren = _paren_after(text, num, s_end, 40)
        if paren:
            parts = _breakdown(text, num, cands, *paren)
            if parts:
                breakdowns[id(num)] = parts
    masks = [(c.start, c.phrase_end) for c in cands]
    out: list[Fact] = []
    subjects: dict[int, str] = {}
    clause_preds: dict[tuple[int, int], str] = {}
    prev: _Num | None = None
    for num in cands:
        if num.consumed:
            continue
        clause = _clause_of(clauses, num.start)
        others = [m for m, c in zip(masks, cands, strict=True) if c is not num]
        pred = _predicate(text, num, clause, others)
        k = clauses.index(clause)
        if not pred and k and not text[clause[0] : num.q_start].strip():
            pred = clause_preds.get(clauses[k - 1], "")  # "Tổ chức 07 lớp ...; 04 lớp ...": the list goes on
        if pred:
            clause_preds[clause] = pred
        same_clause_prev = prev if prev is not None and prev.start >= clause[0] else None
        subject = _subject(text, num, same_clause_prev, subjects.get(id(prev), ""), clause)
        subjects[id(num)] = subject
        span = (clause[0], max(clause[1], num.target_end))
        fact = _make_fact(doc_key, num, pred, subject, span, sections)
        parts = breakdowns.get(id(num), [])
        if parts:
            fact = replace(fact, breakdown=tuple(_part(fact, it, label) for it, label in parts))
        out.append(fact)
        out.extend(_part_fact(fact, it, label, sections) for it, label in parts)
        prev = num
    return out


def _in(tokens: list[Token], clause: tuple[int, int]) -> list[Token]:
    return [t for t in tokens if clause[0] <= t.start < clause[1]]


def _make_fact(
    doc_key: str,
    num: _Num,
    pred: str,
    subject: str,
    span: tuple[int, int],
    sections: Callable[[int], str] | None,
) -> Fact:
    return Fact(
        doc_key=doc_key,
        value=num.value,
        unit=num.unit,
        predicate=pred,
        subject=subject,
        start=num.start,
        end=max(num.end, num.unit_end),
        sentence_start=span[0],
        sentence_end=span[1],
        section=sections(num.start) if sections else "",
        approx=bool(num.qualifier),
        qualifier=num.qualifier,
        target=num.target,
        raw=num.raw,
    )


def _part(parent: Fact, it: _Num, label: str) -> FactPart:
    unit = it.unit if it.unit_known else parent.unit
    return FactPart(label=label, value=it.value, unit=unit)


def _part_fact(parent: Fact, it: _Num, label: str, sections: Callable[[int], str] | None) -> Fact:
    """A breakdown part as its own fact: "khai trừ: 13 đảng viên" -> 13, "khai trừ", "đảng viên"."""
    known = it.unit_known and bool(it.phrase)
    noun = it.phrase if known else parent.subject
    low = label.lower()
    if low in KNOWN_PREDICATES:
        pred, subject = low, noun
    else:
        pred = parent.predicate
        subject = noun if (not label or label == it.phrase) else f"{noun} ({label})"
    num = replace(it, unit=it.unit if it.unit_known else parent.unit)
    return _make_fact(
        parent.doc_key, num, pred, subject, (parent.sentence_start, parent.sentence_end), sections
    )


# ---------------------------------------------------------------------------------------------------------
# Helpers for the answerer and storage
# ---------------------------------------------------------------------------------------------------------


def is_part(fact: Fact, facts: Iterable[Fact]) -> bool:
    """Whether the fact is a breakdown part of another fact: same sentence, after it, and listed in its
    breakdown with the same value and label (the label is the part's predicate or is in its subject)."""
    return any(
        other is not fact
        and other.breakdown
        and other.doc_key == fact.doc_key
        and other.sentence_start == fact.sentence_start
        and other.end <= fact.start
        and any(
            p.value == fact.value and (p.label == fact.predicate or p.label in fact.subject)
            for p in other.breakdown
        )
        for other in facts
    )


def top_level(facts: list[Fact]) -> list[Fact]:
    """Facts that are not parts of a breakdown (totals and stand-alone numbers)."""
    return [f for f in facts if not is_part(f, facts)]


def predicate_matches(fact_predicate: str, key: str) -> bool:
    """Whether a fact's surface predicate answers a question about canonical `key` (a reprimand is a
    discipline)."""
    canon = canonical_predicate(fact_predicate)
    return bool(canon) and (canon == key or PREDICATE_PARENT.get(canon) == key)


def _fold(s: str) -> str:
    s = unicodedata.normalize("NFD", s.replace("đ", "d").replace("Đ", "D"))
    return "".join(ch for ch in s if not unicodedata.combining(ch)).lower()


_FOLDED_PREDICATES = {_fold(k): v for k, v in KNOWN_PREDICATES.items() if " " in k}


def question_predicates(question: str) -> list[str]:
    """Canonical predicate keys a question asks about, from Vietnamese (with or without diacritics) or
    English words. Without diacritics only multi-syllable forms are matched ("ky luat", not "mo")."""
    q = unicodedata.normalize("NFC", question)
    found: list[str] = []
    if q != _fold(q):
        for m in _PRED_RE.finditer(q):
            found.append(KNOWN_PREDICATES[_collapse(m.group()).lower()])
    folded = " " + " ".join(re.findall(r"\w+", _fold(q))) + " "
    for form, key in sorted(_FOLDED_PREDICATES.items(), key=lambda kv: -len(kv[0])):
        if f" {form} " in folded:
            found.append(key)
            folded = folded.replace(f" {form} ", " ")
    for stem, key in ENGLISH_PREDICATES.items():
        if re.search(rf"\b{stem}", q, re.IGNORECASE):
            found.append(key)
    return list(dict.fromkeys(found))


def facts_to_json(facts: Iterable[Fact]) -> list[dict]:
    """Plain dicts for storage; the breakdown becomes a list of dicts."""
    rows = []
    for f in facts:
        row = asdict(f)
        row["breakdown"] = [asdict(p) for p in f.breakdown]
        rows.append(row)
    return rows


_FACT_FIELDS = set(Fact.__dataclass_fields__)
_PART_FIELDS = set(FactPart.__dataclass_fields__)


def facts_from_json(rows: Iterable[dict]) -> list[Fact]:
    """Inverse of facts_to_json; unknown keys are ignored so older or newer rows still load."""
    out = []
    for row in rows:
        data = {k: v for k, v in row.items() if k in _FACT_FIELDS}
        parts = data.get("breakdown") or ()
        data["breakdown"] = tuple(
            FactPart(**{k: v for k, v in p.items() if k in _PART_FIELDS}) for p in parts
        )
        out.append(Fact(**data))
    return out
