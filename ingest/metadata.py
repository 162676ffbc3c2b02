"""Report metadata read from the text itself: title, kind, issuing body, province, term, number, date.

The vocabulary (title words, kinds of report, kinds of Party body, provinces) is in the lexicon; what is
here is how a Vietnamese Party document is laid out: a header, the kind word opening the title, the body
named in the first lines, the place-date line.
"""

from __future__ import annotations

import re
from collections import Counter
from functools import cache

from ingest.lexicon import (
    DOCUMENT_HEADER,
    DOCUMENT_KINDS,
    ISSUERS,
    NEWS_START,
    PROVINCES,
    REPORT_KINDS,
    alternation,
    dictionary_words,
    tone_key,
    words_regex,
)
from ingest.normalize import fold, is_syllable
from ingest.periods import TERM_RE, YEAR_RE, term_label
from ingest.tokens import WORD_RE, spelled_out
from ingest.types import ReportMeta

HEAD_CHARS = 3000  # the part of a document that names its issuer, number and date
HEADER_CHARS = 300  # the header lines above the title
_TITLE_WORD_RE = re.compile(rf"^({alternation(DOCUMENT_HEADER['title_word'])})\b")
_HEADER_NOISE_RE = re.compile(
    rf"^(\*|{alternation(DOCUMENT_HEADER['header_line'])}|Số\s|.{{0,3}}$)", re.IGNORECASE
)
# A Party document's number: number, kind and issuer ("03-NQ/ĐUK", "12 - KH/TU"); the kind's letters may end
# in a small one ("12-CTr/HU", "QĐi").
DOCUMENT_CODE_RE = re.compile(r"(?<!\w)\d+\s*-\s*[A-ZĐ]{2,}[a-zđ]?/[A-ZĐ\-]*[A-ZĐ]")
# A state document's number puts the kind after the number: "56/KH-SKHCN", "30/2020/NĐ-CP".
_STATE_CODE_RE = re.compile(r"(?<![\w/])\d+(?:/\d{4})?/([A-ZĐ]{2,}[a-zđ]?)-[A-ZĐ][A-ZĐ\-]*(?!\w)")
_PARTY_KIND_RE = re.compile(r"-\s*([A-ZĐ]{2,}[a-zđ]?)/")


def document_codes(text: str) -> list[tuple[int, int, str]]:
    """(start, end, kind letters) of every document number in the text: "46-KH/TU" -> "KH"."""
    found = [
        (m.start(), m.end(), _PARTY_KIND_RE.search(m.group()).group(1))
        for m in DOCUMENT_CODE_RE.finditer(text)
    ]
    found += [(m.start(), m.end(), m.group(1)) for m in _STATE_CODE_RE.finditer(text)]
    return sorted(found)


_HEADER_LINE_RE = re.compile(rf"\s*(?:{alternation(DOCUMENT_HEADER['header_line'])})", re.IGNORECASE)
_DOC_NUMBER_RE = re.compile(rf"Số:?\s*({DOCUMENT_CODE_RE.pattern})")
_PLACE_DATE_RE = re.compile(r"^\s*([^\W\d_][^,\n]{1,40}),\s*ngày\s+\d{1,2}\s+tháng", re.MULTILINE)
_DATE_RE = re.compile(r"ngày\s+(\d{1,2})\s+tháng\s+(\d{1,2})\s+năm\s+(\d{4})", re.IGNORECASE)
_TERM_WORD_RE = re.compile(rf"nhiệm kỳ\s+{TERM_RE.pattern}", re.IGNORECASE)
# "năm 2024", not a horizon "định hướng đến năm 2030": a report is not of the year it looks ahead to.
_YEAR_WORD_RE = re.compile(rf"(?<!đến )năm\s+({YEAR_RE.pattern})", re.IGNORECASE)
_PERIOD_WORD_RE = re.compile(rf"giai đoạn\s+{TERM_RE.pattern}", re.IGNORECASE)
_KINDS = [(k["kind"], [re.compile(p) for p in k["title"]]) for k in REPORT_KINDS]
_NEWS_START_RE = re.compile(rf"^(?:{'|'.join(NEWS_START)})")
# Where a body's name starts: a head ("Đảng bộ") not preceded by a letter; the name follows it.
_BODY_HEAD_RE = re.compile(rf"(?<![^\W\d_])({alternation(ISSUERS['head'])})\s+", re.IGNORECASE)
_NAME_TOKEN_RE = re.compile(r"[^\W\d_][\w&]*|[,.;:()\n]")
_CONNECTORS = sorted(ISSUERS["connector"], key=lambda p: -len(p.split()))
_NOT_FINAL = set(ISSUERS["not_final"])
_ROMAN_RE = re.compile(r"^[IVXLC]+$")
MAX_NAME_WORDS = 10
RELATION_CHARS = 40  # how far before a mention a word relating it to the issuer is looked for
# "của Đảng ủy Khối", "trực thuộc Đảng ủy Khối": another body than the issuer.
_OTHER_BODY_RE = words_regex(ISSUERS["other_body_before"])


def read_metadata(text: str, doc: str) -> ReportMeta:
    head = text[:HEAD_CHARS]
    title = _title(text)
    body = issuing_body(head, text)
    return ReportMeta(
        doc=doc,
        title=title,
        kind=_kind(title, body),
        issuing_body=body,
        province=_province(text),
        term=_term(title, text),
        doc_number=_first_group(_DOC_NUMBER_RE, head).replace(" ", ""),
        date=_date(head),
    )


def _title(text: str) -> str:
    """The report's title: the line after "BÁO CÁO", else the first substantial line."""
    lines = [ln.strip() for ln in text[:2000].split("\n") if ln.strip()]
    for i, line in enumerate(lines):
        match = _TITLE_WORD_RE.match(line)
        if match:
            word = match.group(0)
            rest = line[len(word) :].strip(" :")
            if rest:  # "BÁO CÁO KIỂM ĐIỂM" continued by more upper-case lines
                more = [ln for ln in lines[i + 1 : i + 3] if ln.isupper()]
                return " ".join([f"{word.capitalize()} {rest}", *more])[:200]
            nxt = lines[i + 1] if i + 1 < len(lines) else ""
            return f"{word.capitalize()} {nxt}".strip()[:200]
    for line in lines:
        if not _HEADER_NOISE_RE.match(line) and len(line) > 20:
            return line.rstrip(".")[:200]
    return lines[0][:200] if lines else ""


def _kind(title: str, body: str) -> str:
    """The kind of report its title names (report_kinds.json, in order), else the kind its issuing body
    writes ("Ủy ban Kiểm tra ..." -> inspection report), else "report"."""
    folded = fold(title)
    if _NEWS_START_RE.match(folded):
        return "news"
    for kind, patterns in _KINDS:
        if any(p.search(folded) for p in patterns):
            return kind
    by_body = next(
        (k["kind"] for k in REPORT_KINDS if any(fold(body).startswith(i) for i in k.get("issuer", ()))), ""
    )
    return by_body or "report"


def header_issuer(head: str, text: str) -> str:
    """The issuer a Party document's header names. The header (above "Số ..." and the title) names the
    superior committee, then the issuing body on the line below it: "ĐẢNG BỘ TỈNH X" / "HUYỆN ỦY Y", or
    "HUYỆN ỦY Y" / "ỦY BAN KIỂM TRA", a body of that committee with no name of its own ("Ủy ban Kiểm
    tra Huyện ủy Y"). Cells of a header set out in two columns are read apart; "" without a header."""
    bodies: list[str] = []
    continues = False  # the line before was a body's name, which a long name wraps onto this one
    for line in head[:HEADER_CHARS].split("\n"):
        if _DOC_NUMBER_RE.match(line.strip()) or _TITLE_WORD_RE.match(line.strip()):
            break
        line = _HEADER_LINE_RE.split(line)[0]  # "HUYỆN ỦY X    ĐẢNG CỘNG SẢN VIỆT NAM", columns run together
        cells = [
            c for c in re.split(r"\s{2,}|\t", line.strip()) if c.isupper() and not _HEADER_NOISE_RE.match(c)
        ]
        named = [c for c in cells if _is_body(c)]
        if named:
            bodies += named
        elif cells and continues:
            bodies[-1] += f" {cells[0]}"  # "ĐẢNG ỦY CÔNG TY TNHH MỘT THÀNH VIÊN" / "LÂM NGHIỆP ..."
        continues = bool(named)
    bodies = [_in_usual_case(b, text) for b in bodies]
    if not bodies:
        return ""
    last = bodies[-1]
    if len(bodies) > 1 and any(fold(last) == fold(owned) for owned in ISSUERS["owned_body"]):
        return f"{last} {bodies[-2]}"
    return last


_BODY_STARTS = tuple(fold(h) for h in (*ISSUERS["head"], *ISSUERS["owned_body"]))
NAME_SEARCH_CHARS = 50_000  # where a header's name is looked for in prose: names are written early


def _is_body(cell: str) -> bool:
    folded = fold(cell)
    return any(folded == h or folded.startswith(f"{h} ") for h in _BODY_STARTS)


def _in_usual_case(cell: str, text: str) -> str:
    """A header cell in capitals as the text writes the name elsewhere ("Khối các cơ quan tỉnh"), else
    each syllable capitalised but the connectors ("và", "các"); abbreviations ("THCS") kept. The head
    as the lexicon writes it."""
    words = cell.split()
    for known in sorted((*ISSUERS["head"], *ISSUERS["owned_body"]), key=len, reverse=True):
        n = len(known.split())
        if fold(" ".join(words[:n])) == fold(known):
            name = words[n:]
            return " ".join([known, *(_written_in(name, text) or [_name_case(w) for w in name])])
    return cell


def _written_in(name: list[str], text: str) -> list[str] | None:
    """The name's words as the text writes them where not in capitals, if it does."""
    if not name:
        return []
    tokens = re.findall(r"[\w&]+", text[:NAME_SEARCH_CHARS])
    folded = [fold(t) for t in tokens]
    target = [fold(w) for w in name]
    n = len(target)
    for i in range(len(tokens) - n + 1):
        if folded[i : i + n] == target and not all(t.isupper() for t in tokens[i : i + n]):
            return tokens[i : i + n]
    return None


# Connector words, with their marks ("quận" is a connector, "Quân" a name).
_LOWER_CONNECTORS = {w for phrase in ISSUERS["connector"] for w in phrase.split()}


def _name_case(word: str) -> str:
    if word.lower() in _LOWER_CONNECTORS:
        return word.lower()
    return word.capitalize() if is_syllable(word) else word


def issuing_body(head: str, text: str) -> str:
    """The issuer the document's header names; without a header, the Party body the first lines name most
    often as itself ("Đảng bộ Sở Khoa học và Công nghệ"), not as another body ("của Đảng ủy Khối",
    "trực thuộc ..."), unless no body is named as itself. A shorter
    mention ("Đảng bộ Khối", "Đảng bộ Sở KH&CN") counts for the full name it begins, so a name written
    inconsistently still counts; among equals the one named first wins. "" when no body is named."""
    from_header = header_issuer(head, text)
    if from_header:
        return from_header  # the document's own statement of who issues it
    usual = _usual_forms(text)
    title = fold(_title(text))
    mentions: list[tuple[str, str, bool, int]] = []
    covered = 0  # a head inside the name just read ("Ủy ban Kiểm tra Thành ủy X") is part of it
    for match in _BODY_HEAD_RE.finditer(head):
        mention = _mention(head, match, usual) if match.start() >= covered else None
        if mention:
            if mention[2] and _issuer_in_title(title, fold(mention[1])):
                # "Tổng kết công tác năm 2024 của Đảng ủy xã Hương Nộn": the title's "của" names the issuer
                mention = (mention[0], mention[1], False, mention[3])
            mentions.append(mention)
            covered = match.start() + len(mention[1])
    own = [m for m in mentions if not m[2]] or mentions
    if not own:
        return ""
    names = Counter(key for key, _, _, _ in own)
    first: dict[str, int] = {}
    display: dict[str, Counter[str]] = {}
    for key, name, _, at in own:
        first.setdefault(key, at)
        display.setdefault(key, Counter())[name] += 1
    totals = {key: sum(n for other, n in names.items() if key.startswith(other)) for key in names}
    best = max(totals, key=lambda key: (totals[key], -first[key]))
    return display[best].most_common(1)[0][0]


_DOCUMENT_NAMES = [fold(vi) for vi, _en in DOCUMENT_KINDS.values()]
_REPORT_WORD = fold(DOCUMENT_HEADER["title_word"][0])  # "báo cáo"


def _issuer_in_title(title: str, name: str) -> bool:
    """The folded title names the body after "của" as its own issuer, not as the issuer of a document it
    carries out ("thực hiện Nghị quyết 03-NQ/ĐUK của Ban Thường vụ Đảng ủy Khối")."""
    at = title.find(name)
    before = title[:at]
    titled = title.startswith(_REPORT_WORD)  # a report's title line, not the first line of prose
    return titled and at >= 0 and not any(f" {d} " in f" {before} " for d in _DOCUMENT_NAMES)


def _mention(head: str, match: re.Match[str], usual: dict[str, str]) -> tuple[str, str, bool, int] | None:
    """(key, name as written, named as another body, offset) of one mention; None for a kind of body
    without a name ("Đảng bộ tỉnh", "Đảng ủy đã ...")."""
    words = _name_words(head, match.end(), usual)
    if not any(w[0].isupper() for w in words):
        return None
    name = " ".join([_written_head(match.group(1)), *words])
    other = bool(_OTHER_BODY_RE.search(_clause_before(head, match.start())))
    return " ".join(spelled_out(WORD_RE.findall(name))), name, other, match.start()


def _clause_before(text: str, pos: int) -> str:
    """Up to a few words before `pos`, back to the start of its clause."""
    window = text[max(0, pos - RELATION_CHARS) : pos]
    return re.split(r"[.;:\n]", window)[-1]


def _written_head(head: str) -> str:
    """The head as the lexicon writes it ("ĐẢNG BỘ" -> "Đảng bộ")."""
    return next((h for h in ISSUERS["head"] if fold(h) == fold(head)), head)


def _usual_forms(text: str) -> dict[str, str]:
    """Lower-cased word -> how the text most often writes it outside capitals: headers and headings are
    written in capitals ("KHỐI CÁC CƠ QUAN TỈNH"), prose in the name's own case ("Khối các cơ quan tỉnh")."""
    forms: dict[str, Counter[str]] = {}
    for word in re.findall(r"[^\W\d_]+", text):
        if not word.isupper() or len(word) == 1:
            forms.setdefault(word.lower(), Counter())[word] += 1
    return {lower: counts.most_common(1)[0][0] for lower, counts in forms.items()}


def _name_words(text: str, pos: int, usual: dict[str, str]) -> list[str]:
    """The words of a body's name after its head, up to punctuation or a word that is not part of it:
    capitalised words, connectors ("và", "cơ quan") and the lower-case syllables of a capitalised word
    ("Khoa học", "Công nghệ"). Words in capitals are read in their usual case first."""
    tokens: list[str] = []
    for m in _NAME_TOKEN_RE.finditer(text, pos, min(len(text), pos + 200)):
        if not m.group()[0].isalpha() or len(tokens) >= MAX_NAME_WORDS + 2:
            break
        word = m.group()
        tokens.append(usual.get(word.lower(), word) if word.isupper() and "&" not in word else word)
    kept: list[str] = []
    i = 0
    while i < len(tokens) and len(kept) < MAX_NAME_WORDS:
        if kept and _BODY_HEAD_RE.match(" ".join(tokens[i : i + 4]) + " "):
            break  # "Đảng bộ Sở A và Đảng bộ Sở B": the next body; "Ủy ban Kiểm tra Thành ủy X": its owner
        n = _connector_at(tokens, i)
        word = tokens[i]
        if n:
            kept.extend(tokens[i : i + n])
            i += n
        elif not _ROMAN_RE.match(word) and (word[0].isupper() or _continues_word(kept, word)):
            kept.append(word)
            i += 1
        else:
            break
    while kept and kept[-1].lower() in _NOT_FINAL:
        kept.pop()
    return kept


def _continues_word(kept: list[str], syllable: str) -> bool:
    """A lower-case syllable completing the capitalised word before it ("Khoa" + "học")."""
    return bool(kept) and kept[-1][0].isupper() and tone_key(f"{kept[-1]} {syllable}") in dictionary_words()


def _connector_at(tokens: list[str], i: int) -> int:
    """How many tokens from i form a connector phrase (0 if none); the longest wins."""
    for phrase in _CONNECTORS:
        words = phrase.split()
        if [t.lower() for t in tokens[i : i + len(words)]] == words:
            return len(words)
    return 0


def _province(text: str) -> str:
    """The province the header names ("ĐẢNG BỘ TỈNH PHÚ THỌ", or the superior committee over a district's
    or commune's: "TỈNH ỦY NGHỆ AN", "THÀNH ỦY HÀ NỘI"), else the place-date line's ("Phú Thọ, ngày
    15 tháng 6 năm 2023"), else the one the report names most; "" when it names none (never guessed)."""
    head = text[:HEADER_CHARS]
    named = [
        (m.start(), p)
        for p in PROVINCES
        if (m := re.search(rf"\b(?:tỉnh|thành phố|tỉnh ủy|thành ủy)\s+{re.escape(p)}\b", head, re.I))
    ]
    if named:
        return min(named)[1]  # the header's "ĐẢNG BỘ TỈNH ..."
    placed = _PLACE_DATE_RE.search(text[:HEAD_CHARS])
    if placed and placed.group(1).strip() in PROVINCES:
        return placed.group(1).strip()
    counts = Counter(
        m.group(1)
        for m in _province_names_re().finditer(text)
        if not _LOWER_PLACE_RE.search(text, 0, m.start())
    )
    return max(PROVINCES, key=lambda p: counts[p]) if counts else ""


# A province's name after these is a smaller place's or a street's ("thôn Hòa Bình"): matched at its end.
_LOWER_PLACE_RE = re.compile(rf"(?<![^\W\d_])(?:{alternation(ISSUERS['lower_place'])})\s+$", re.IGNORECASE)


@cache
def _province_names_re() -> re.Pattern[str]:
    """Every province name, tried at every position (the lookahead lets a name inside another, "Huế" in
    "Thừa Thiên Huế", count too): one pass over a long report instead of one per province."""
    names = "|".join(re.escape(p) for p in sorted(PROVINCES, key=len, reverse=True))
    return re.compile(rf"(?=\b({names})\b)")


def _term(title: str, text: str) -> str:
    """The period a report covers: the term (or "giai đoạn") its title names, else the year its title
    names (an annual report of 2024 is of 2024, though its text looks ahead to the next term), else the
    term its text names most."""
    terms = Counter(term_label(a, b) for a, b in _TERM_WORD_RE.findall(title))
    terms = terms or Counter(term_label(a, b) for a, b in _PERIOD_WORD_RE.findall(title))  # "giai đoạn"
    year = _first_group(_YEAR_WORD_RE, title)
    if terms or year:
        return terms.most_common(1)[0][0] if terms else year
    terms = Counter(term_label(a, b) for a, b in _TERM_WORD_RE.findall(text))
    return terms.most_common(1)[0][0] if terms else ""


def date_line(text: str) -> tuple[int, int] | None:
    """The span of the line dating the document ("Lạc Tường, ngày 16 tháng 5 năm 2025"), or None."""
    m = _DATE_RE.search(text[:HEAD_CHARS])
    if not m:
        return None
    start = text.rfind("\n", 0, m.start()) + 1
    end = text.find("\n", m.end())
    return start, end if end >= 0 else len(text)


def _date(head: str) -> str:
    m = _DATE_RE.search(head)
    return f"{int(m.group(3)):04d}-{int(m.group(2)):02d}-{int(m.group(1)):02d}" if m else ""


def _first_group(pattern: re.Pattern[str], text: str) -> str:
    m = pattern.search(text)
    return m.group(1) if m else ""
