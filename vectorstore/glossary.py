"""A small bilingual glossary of Party-report terms: English questions find Vietnamese passages.

Each entry maps English phrasings to the Vietnamese term. Used to expand English queries (lexical and
dense search) and, in the answerer, to word English answers around quoted Vietnamese terms.
"""

from __future__ import annotations

import re

# (english phrases, vietnamese term, short english gloss)
GLOSSARY: tuple[tuple[tuple[str, ...], str, str], ...] = (
    (("disciplined", "discipline", "disciplinary", "sanctioned"), "kỷ luật", "disciplined"),
    (("expelled", "expulsion", "expel"), "khai trừ", "expulsion"),
    (("reprimand", "reprimanded"), "khiển trách", "reprimand"),
    (("warning", "warned"), "cảnh cáo", "warning"),
    (("dismissed", "dismissal", "removed from post"), "cách chức", "dismissal from post"),
    (("admitted", "admission", "new members", "recruited"), "kết nạp", "admitted"),
    (("party member", "party members", "members", "member"), "đảng viên", "party members"),
    (
        ("party organization", "party organizations", "party organisations"),
        "tổ chức đảng",
        "party organizations",
    ),
    (("party cells", "party cell", "cells", "branch", "branches"), "chi bộ", "party cells"),
    (("party committee", "committee"), "đảng ủy", "party committee"),
    (("executive committee", "executive board"), "ban chấp hành", "executive committee"),
    (("standing committee", "standing board"), "ban thường vụ", "standing committee"),
    (("inspection committee",), "ủy ban kiểm tra", "inspection committee"),
    (("secretary",), "bí thư", "secretary"),
    (("deputy secretary",), "phó bí thư", "deputy secretary"),
    (("inspection", "inspected", "inspect"), "kiểm tra", "inspection"),
    (("supervision", "supervised", "oversight"), "giám sát", "supervision"),
    (("mid-term review", "midterm review", "mid-term report"), "sơ kết giữa nhiệm kỳ", "mid-term review"),
    (("mid-term", "midterm", "mid term"), "giữa nhiệm kỳ", "mid-term"),
    (("term review",), "kiểm điểm nhiệm kỳ", "term review"),
    (("term",), "nhiệm kỳ", "term"),
    (("congress",), "đại hội", "congress"),
    (("target", "targets", "goal", "goals", "aim", "aims"), "chỉ tiêu|phấn đấu", "target"),
    (("resolution",), "nghị quyết", "resolution"),
    (("directive",), "chỉ thị", "directive"),
    (("class", "classes", "course", "courses"), "lớp", "classes"),
    (("political theory",), "lý luận chính trị", "political theory"),
    (("intermediate",), "trung cấp", "intermediate"),
    (("master's degree", "master", "masters", "postgraduate"), "thạc sỹ", "master's degree"),
    (("university degree", "bachelor"), "đại học", "university degree"),
    (("science and technology", "s&t"), "khoa học và công nghệ", "science and technology"),
    (("information and communications",), "thông tin và truyền thông", "information and communications"),
    (("department",), "sở", "department"),
    (
        ("bloc of provincial agencies", "provincial agencies bloc", "bloc"),
        "khối các cơ quan tỉnh",
        "Bloc of provincial agencies",
    ),
    (("province", "provincial"), "tỉnh", "province"),
    (("merged", "merger", "merge"), "hợp nhất", "merger"),
    (("established", "founded", "set up"), "thành lập", "established"),
    (("family planning", "population policy", "third child"), "kế hoạch hóa gia đình", "family planning"),
    (("intellectual property",), "sở hữu trí tuệ", "intellectual property"),
    (("trademark", "trademarks"), "nhãn hiệu", "trademarks"),
    (("geographical indication", "geographical indications"), "chỉ dẫn địa lý", "geographical indications"),
    (("patent", "patents"), "sáng chế", "patents"),
    (("loan", "loans", "lent", "lending"), "cho vay", "loans"),
    (("investment", "invest"), "đầu tư", "investment"),
    (("billion dong", "billion vnd"), "tỷ đồng", "billion VND"),
    (("fund",), "quỹ", "fund"),
    (("project", "projects"), "dự án", "projects"),
    (("completed", "completion", "fulfilled"), "hoàn thành", "completed"),
    (("cause", "causes", "why", "reason", "reasons"), "nguyên nhân", "causes"),
    (("limitation", "limitations", "shortcoming", "shortcomings", "weakness"), "hạn chế", "shortcomings"),
    (("lesson", "lessons"), "bài học kinh nghiệm", "lessons"),
    (("delayed", "behind schedule", "slow progress"), "chậm tiến độ", "delayed"),
    (("meeting", "meetings", "activities"), "sinh hoạt", "meetings"),
    (("conference", "year-end conference"), "hội nghị tổng kết", "conference"),
    (("civil servants", "public employees"), "công chức viên chức", "civil servants"),
    (("specialized divisions", "divisions", "departments"), "phòng chuyên môn", "specialized divisions"),
    (("public service units", "service units"), "đơn vị sự nghiệp", "public service units"),
    (("share", "percentage", "percent", "proportion", "rate"), "tỷ lệ", "share"),
    (("how many", "number of"), "bao nhiêu", "how many"),
    (("grassroots party committees", "grassroots committees"), "cấp ủy cơ sở", "grassroots party committees"),
    (("grassroots",), "cơ sở", "grassroots"),
    (("affected", "affect", "impact", "impacted"), "ảnh hưởng", "affected"),
    (("difficulties", "difficulty", "hardship"), "khó khăn", "difficulties"),
    (("challenges", "challenge"), "thách thức", "challenges"),
    (("income", "extra income"), "thu nhập", "income"),
    (("objective causes", "objective reasons"), "nguyên nhân khách quan", "objective causes"),
    (("subjective causes", "subjective reasons"), "nguyên nhân chủ quan", "subjective causes"),
    (("exemplary", "role models", "models"), "điển hình", "exemplary"),
    (("setting an example", "set an example", "lead by example"), "nêu gương", "setting an example"),
    (("regulation", "regulations"), "quy định", "regulations"),
    (("qualification", "degree", "education"), "trình độ", "qualification"),
    (("collectives", "collective"), "tập thể", "collectives"),
    (("individuals", "individual"), "cá nhân", "individuals"),
    (("programme", "programmes", "program", "programs"), "chương trình", "programme"),
    (
        ("prioritise", "prioritize", "prioritised", "prioritized", "priority", "priorities"),
        "ưu tiên",
        "priority",
    ),
    (("resources",), "nguồn lực", "resources"),
    (("plan", "plans"), "kế hoạch", "plan"),
    (("task", "tasks", "duties"), "nhiệm vụ", "tasks"),
    (("solution", "solutions", "measures"), "giải pháp", "solutions"),
    (("results", "outcomes", "achievements"), "kết quả", "results"),
    (("training", "trained", "train"), "bồi dưỡng", "training"),
    (("emulation",), "thi đua", "emulation"),
    (("propaganda", "communication campaign"), "tuyên truyền", "propaganda"),
    (("innovation",), "đổi mới sáng tạo", "innovation"),
    (("startup", "start-up", "startups"), "khởi nghiệp", "start-ups"),
    (("digital transformation",), "chuyển đổi số", "digital transformation"),
    (("enterprises", "businesses", "companies", "firms"), "doanh nghiệp", "enterprises"),
    (("research",), "nghiên cứu", "research"),
    (("technology transfer",), "chuyển giao công nghệ", "technology transfer"),
    (("application", "applied", "apply"), "ứng dụng", "application"),
    (("agriculture", "agricultural"), "nông nghiệp", "agriculture"),
    (("coconut", "coconuts"), "dừa", "coconut"),
    (("pomelo",), "bưởi", "pomelo"),
    (("banana", "bananas"), "chuối", "banana"),
    (("youth union",), "đoàn thanh niên", "youth union"),
    (("trade union",), "công đoàn", "trade union"),
    (("veterans",), "cựu chiến binh", "veterans"),
    (("mass mobilization", "mass mobilisation"), "dân vận", "mass mobilization"),
    (("corruption",), "tham nhũng", "corruption"),
    (("waste", "wastefulness"), "lãng phí", "waste"),
    (("self-criticism",), "tự phê bình", "self-criticism"),
    (("democratic centralism",), "tập trung dân chủ", "democratic centralism"),
    (("ideology", "ideological"), "tư tưởng", "ideology"),
    (("morality", "ethics"), "đạo đức", "morality"),
    (("pandemic", "epidemic"), "đại dịch", "pandemic"),
    (("drought",), "hạn hán", "drought"),
    (("saline intrusion", "salinity intrusion", "saltwater intrusion"), "xâm nhập mặn", "saline intrusion"),
    (("appointed", "appoint"), "chỉ định", "appointed"),
    (("elected", "elect"), "bầu", "elected"),
    (("deputy director",), "phó giám đốc", "deputy director"),
    (("director",), "giám đốc", "director"),
    (("chaired", "presided", "chair"), "chủ trì", "chaired"),
    (("certificates of merit", "certificate of merit"), "giấy khen", "certificates of merit"),
    (("commendation", "commended", "rewarded"), "khen thưởng", "commendation"),
    (("excellent", "excellently"), "xuất sắc", "excellent"),
    (
        ("advanced workers", "advanced worker", "advanced labor", "advanced labour"),
        "lao động tiên tiến",
        "advanced workers",
    ),
    (("staff", "cadres", "officials"), "cán bộ", "cadres"),
    (("budget",), "ngân sách", "budget"),
    (("funding", "funds"), "kinh phí", "funding"),
    (("products",), "sản phẩm", "products"),
    (("study and follow",), "học tập và làm theo", "study and follow"),
    (("community",), "cộng đồng", "community"),
    (("digital technology",), "công nghệ số", "digital technology"),
    (("teams", "team", "groups"), "tổ", "teams"),
    (
        ("citizen identity cards", "identity cards", "id cards"),
        "thẻ căn cước công dân",
        "citizen identity cards",
    ),
    (
        ("electronic identification", "electronic identity", "e-identification"),
        "định danh điện tử",
        "electronic identification",
    ),
    (("accounts", "account"), "tài khoản", "accounts"),
    (("male",), "nam", "male"),
    (("female", "women"), "nữ", "female"),
)
_ENGLISH_HINTS = re.compile(
    r"\b(the|what|how|which|who|when|why|were|was|is|are|did|does|many|much|of|in|and|report|reports)\b",
    re.IGNORECASE,
)


def looks_english(text: str) -> bool:
    """English when most words have no Vietnamese marks (names like "Phú Thọ" may) and common English
    words appear."""
    from ingest.normalize import has_diacritics

    words = text.split()
    marked = sum(1 for w in words if has_diacritics(w))
    return len(_ENGLISH_HINTS.findall(text)) >= 2 and marked <= 0.3 * len(words)


def glossary_terms(text: str) -> list[tuple[str, str]]:
    """(vietnamese, english gloss) for every glossary phrase in an English text; longest phrases first."""
    lowered = f" {text.lower()} "
    found: list[tuple[str, str]] = []
    phrases = sorted(
        ((p, vi, gloss) for en, vi, gloss in GLOSSARY for p in en), key=lambda item: -len(item[0])
    )
    for phrase, vi, gloss in phrases:
        pattern = rf"(?<![\w]){re.escape(phrase)}(?![\w])"
        if re.search(pattern, lowered):
            lowered = re.sub(pattern, " ", lowered)
            if (vi, gloss) not in found:
                found.append((vi, gloss))
    return found


# Terms that name a report or the question form, not what is asked about: they would pull every
# passage of a report equally, so they do not expand the query.
_SCOPE_TERMS = {
    "bao nhiêu", "nhiệm kỳ", "kiểm điểm nhiệm kỳ", "giữa nhiệm kỳ", "sơ kết giữa nhiệm kỳ", "sở", "khoa học và công nghệ", "khối các cơ quan tỉnh", "tỉnh",
    "đảng ủy", "thông tin và truyền thông",
}  # fmt: skip


def expand_query(text: str) -> str:
    """An English query gets the Vietnamese terms it names appended; other queries pass unchanged."""
    if not looks_english(text):
        return text
    terms = [v for vi, _ in glossary_terms(text) if vi not in _SCOPE_TERMS for v in vi.split("|")]
    return f"{text} ({'; '.join(terms)})" if terms else text


def vietnamese_terms() -> list[tuple[str, str]]:
    """(Vietnamese term, English gloss) for every term and variant ("chỉ tiêu|phấn đấu"), longest first."""
    pairs = {(variant, gloss) for _, vi, gloss in GLOSSARY for variant in vi.split("|")}
    return sorted(pairs, key=lambda pair: (-len(pair[0]), pair[0]))


def english_gloss(vietnamese: str) -> str | None:
    from ingest.normalize import fold

    key = fold(vietnamese)
    return next((gloss for vi, gloss in vietnamese_terms() if fold(vi) == key), None)


def translate_terms(text: str) -> str:
    """Replace each glossary phrase of an English text by its Vietnamese term (longest phrases first)."""
    out = f" {text} "
    phrases = sorted(((p, vi) for en, vi, _ in GLOSSARY for p in en), key=lambda item: -len(item[0]))
    for phrase, vi in phrases:
        out = re.sub(rf"(?<![\w]){re.escape(phrase)}(?![\w])", vi.replace("|", " "), out, flags=re.IGNORECASE)
    return out.strip()
