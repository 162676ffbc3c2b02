"""Words around the quoted figures: fixed phrases in Vietnamese and English, small counts in words and
English words for the report's terms (from the lexicon's glossary and predicate keys)."""

from __future__ import annotations

from ingest.facts import canonical_predicate
from ingest.glossary import english_gloss, named_glosses, terms_in
from ingest.lexicon import APPROXIMATIONS, NUMBER_WORDS, SECTION_ROLES
from ingest.normalize import collapse_spaces, has_diacritics

PHRASES = {
    "vi": {
        "not_found": "Không tìm thấy trong các báo cáo thông tin để trả lời câu hỏi này.",
        "not_found_scoped": "Không tìm thấy trong báo cáo được hỏi ({label}) thông tin để trả lời câu hỏi này.",
        "closest": "Các đoạn gần nhất (không trả lời trực tiếp câu hỏi):",
        "per_report": "Mỗi báo cáo nêu số liệu riêng (không cộng gộp); đã tìm trong {n} báo cáo:",
        "dated": "ngày {date}",
        "others_silent": "Các báo cáo khác không nêu số liệu này.",
        "more_in_table": "… và {n} báo cáo khác: xem bảng đầy đủ ({total} báo cáo, tải về dạng CSV).",
        "reports_mention": "Các báo cáo có nhắc tới nội dung này:",
        "province": "{label}: thuộc tỉnh {value}.",
        "doc_number": "{label}: số hiệu văn bản {value}.",
        "issued_on": "Ngày ban hành: {date}.",
        "signed_by": "Người ký: {name} ({office}).",
        "target": "chỉ tiêu",
        "of_which": "trong đó",
        "terms": "Thuật ngữ",
        "section_items": "**{label}**, mục «{title}» — {n} {what}:",
        "difference": "So sánh: {a} và {b} {unit}, chênh lệch {d} {unit}.",
        "above_target": "So với chỉ tiêu: {a} so với chỉ tiêu {t} {unit}, vượt {d} {unit}.",
        "below_target": "So với chỉ tiêu: {a} so với chỉ tiêu {t} {unit}, còn thiếu {d} {unit}.",
        "at_target": "So với chỉ tiêu: {a} {unit}, đúng bằng chỉ tiêu {t}.",
        "points": "ý",
    },
    "en": {
        "not_found": "Not found in the reports: they do not contain the information to answer this question.",
        "not_found_scoped": "Not found in the report asked about ({label}).",
        "closest": "Closest passages (they do not answer the question directly):",
        "per_report": "Each report gives its own figure (not added up); {n} reports searched:",
        "dated": "dated {date}",
        "others_silent": "The other reports give no figure for this.",
        "more_in_table": "… and {n} more reports: see the full table ({total} reports, downloadable as CSV).",
        "reports_mention": "Reports that mention this:",
        "province": "{label}: {value} province.",
        "doc_number": "{label}: document number {value}.",
        "issued_on": "Dated {date}.",
        "signed_by": "Signed by {name} ({office}).",
        "target": "target",
        "of_which": "of which",
        "terms": "Key terms",
        "section_items": "**{label}**, section «{title}» — {n} {what}:",
        "difference": "Compared: {a} and {b} ({unit}), a difference of {d}.",
        "above_target": "Against the target: {a} against a target of {t} ({unit}), {d} above it.",
        "below_target": "Against the target: {a} against a target of {t} ({unit}), {d} short of it.",
        "at_target": "Against the target: {a} ({unit}), exactly the target of {t}.",
        "points": "points",
        "quotes": "What the reports say, in their own words:",
        "quotes_why": "The reasons the reports give, in their own words:",
    },
}
_APPROXIMATION_EN = {vi: en for vi, _where, en in APPROXIMATIONS}


def phrase(lang: str, key: str, **values: object) -> str:
    return PHRASES[lang][key].format(**values)


def count_word(n: int, lang: str) -> str:
    """Small counts in words: a count of reports searched is not a claim the citation check must find."""
    words = NUMBER_WORDS[lang]
    return words[n] if 0 <= n < len(words) else str(n)


def english_word(vietnamese: str) -> str | None:
    """The glossary's word for the whole phrase, else for the longest glossary term inside it, else the
    verb's canonical key; None when none is known."""
    if not vietnamese:
        return None
    return english_gloss(vietnamese) or _inner_gloss(vietnamese) or _predicate_gloss(vietnamese)


def gloss(vietnamese: str, lang: str) -> str:
    """ "khiển trách" -> "khiển trách (reprimand)" in English answers."""
    english = english_word(vietnamese) if lang == "en" else None
    return f"{vietnamese} ({english})" if english else vietnamese


_APPROXIMATION_AFTER = {vi for vi, where, _en in APPROXIMATIONS if where == "after"}


def approximate(amount: str, qualifier: str, lang: str) -> str:
    """The amount with its approximation where the language puts it: "trên 90%", "2 đảng viên trở lên";
    in English "over 90%", "2 or more"."""
    if not qualifier:
        return amount
    word = approximation_word(qualifier, lang)
    return f"{amount} {word}" if qualifier.lower() in _APPROXIMATION_AFTER else f"{word} {amount}"


def approximation_word(qualifier: str, lang: str) -> str:
    """ "trên" -> "over" in English; the report's own word in Vietnamese."""
    return _APPROXIMATION_EN.get(qualifier.lower(), qualifier) if lang == "en" else qualifier


def _inner_gloss(phrase_vi: str) -> str | None:
    found = terms_in(phrase_vi)
    return found[0][1] if found else None


WORDS_PER_TERM = 6  # a long quote is tagged with more of its terms: about one per this many words


def english_terms(text: str, asked: str = "", least: int = 4) -> str:
    """The English of the glossary terms a Vietnamese passage writes, in its order, but those the question
    `asked` already names: they say nothing the reader does not know ("propaganda; resolution")."""
    most = max(least, len(text.split()) // WORDS_PER_TERM)
    said = named_glosses(asked)
    return "; ".join([gloss for _, gloss in terms_in(text, in_order=True) if gloss not in said][:most])


def quote_line(passage: str, lang: str, n: int, asked: str = "") -> str:
    """A quoted passage as an answer line citing [n]; in English led by the English of its terms (but the
    question's), the quote itself kept in the report's own words."""
    quote = collapse_spaces(passage)
    tag = english_terms(quote, asked) if lang == "en" else ""
    return f"- {f'({tag}) ' if tag else ''}«{quote}» [{n}]"


def part_name(role: str, lang: str) -> str:
    """What the items of a part of a report are called: "bài học" / "lessons"; "ý" / "points" else."""
    names = [p for p in SECTION_ROLES.get(role, ()) if has_diacritics(p) == (lang == "vi")]
    return names[0] if names else phrase(lang, "points")


def _predicate_gloss(surface: str) -> str | None:
    key = canonical_predicate(surface)
    return key.replace("_", " ") if key else None
