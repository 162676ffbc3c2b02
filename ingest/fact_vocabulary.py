"""Vocabulary of numeric fact extraction: predicates, units, stop words and the word-list regexes."""

from __future__ import annotations

import importlib.util
import re
import unicodedata
from collections.abc import Iterable
from functools import lru_cache
from pathlib import Path

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
_FORM_AFTER_RE = re.compile(r"kỷ luật\s+(" + "|".join(_DISCIPLINE_FORMS) + ")", re.IGNORECASE)
_TARGET_RE = re.compile(r"\s*chỉ tiêu", re.IGNORECASE)
_BREAKDOWN_MARK_RE = re.compile(r"trong đó|gồm|:", re.IGNORECASE)


def _predicate_regex(forms: Iterable[str]) -> re.Pattern[str]:
    alts = "|".join(re.escape(f).replace(r"\ ", r"\s+") for f in sorted(forms, key=len, reverse=True))
    return re.compile(rf"(?<![^\W\d_])(?:{alts})(?![^\W\d_])", re.IGNORECASE)


_PRED_RE = _predicate_regex(KNOWN_PREDICATES)


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
