"""Numeric facts: every quantity in a report with what it counts, the verb before it, its breakdown and
its target, so count questions are answered in code from the number the report states.

"xử lý kỷ luật 50 đảng viên (trong đó, khiển trách: 30 đảng viên, ...; khai trừ: 13 đảng viên)" gives one
fact 50 with four breakdown parts, and each part is a fact of its own (13, "khai trừ", "đảng viên").
"Kết nạp 339 đảng viên mới (chỉ tiêu Đại hội: 400 đảng viên mới)" gives 339 with target 400; the target
number is not a fact of its own. Dates, years, document numbers, headings and ordinals are skipped.
"""

from __future__ import annotations

import bisect
import re
from collections.abc import Callable, Iterable
from dataclasses import replace

from ingest.lexicon import (
    PREDICATE_PARENT,
    PREDICATES,
    number_words,
    predicates_flagged,
    units_tagged,
    words_regex,
)
from ingest.normalize import collapse_spaces
from ingest.numbers import Token, iter_tokens
from ingest.periods import YEAR_RE
from ingest.quantities import Quantity, quantities_in
from ingest.sentences import BULLET_RE
from ingest.types import Fact, FactPart, Sentence

_PRED_RE = words_regex(PREDICATES)
_ADJACENT_ONLY = predicates_flagged("adjacent")
_STATE_PREDICATES = predicates_flagged("state")
_FORMABLE = predicates_flagged("formable")
_TIME_UNITS = units_tagged("time")
_GENERIC_UNITS = units_tagged("generic")
_DISCIPLINE_FORMS = [surface for surface, key in PREDICATES.items() if PREDICATE_PARENT.get(key)]
_LEAD = r"(?<![^\W\d_])"
_TRAIL = r"(?![^\W\d_])"


def _any(role: str) -> str:
    return "|".join(
        re.escape(w).replace(r"\ ", r"\s+") for w in sorted(number_words(role), key=len, reverse=True)
    )


_HAVE_RE = words_regex(number_words("have"))
_PASSIVE_RE = words_regex(number_words("passive"))
_FILLER_RE = re.compile(rf"[\s,:]*(?:(?:{_any('filler')}){_TRAIL}[\s,:]*)*", re.IGNORECASE)
_PAREN_LEAD_RE = re.compile(rf"^[\s,;:]*(?:(?:{_any('part_lead')}){_TRAIL}[\s,;:]*)*", re.IGNORECASE)
_LABEL_TAIL_RE = re.compile(rf"(?:[\s,;:]|{_LEAD}(?:{_any('label_tail')}){_TRAIL})+$", re.IGNORECASE)
_LINK_BEFORE_RE = re.compile(rf"{_LEAD}(?:{_any('link')})\s*$", re.IGNORECASE)
_SHARE_LINK_RE = re.compile(rf"[\s,(]*(?:(?:{_any('share_link')}){_TRAIL}[\s,]*)*", re.IGNORECASE)
_PCT_LEAD_TRIM_RE = re.compile(rf"(?:\s|{_LEAD}(?:{_any('share_lead')}){_TRAIL})+$", re.IGNORECASE)
_LIST_JOINERS_RE = re.compile(rf"^[\s,;:]*(?:(?:{_any('list_joiner')}){_TRAIL}[\s,;:]*)*", re.IGNORECASE)
_OF_WHICH_RE = re.compile(rf"\(\s*(?:{_any('of_which')})[\s,:]*$", re.IGNORECASE)
_FORM_AFTER_RE = re.compile(
    rf"(?:{_any('form_intro')})\s+({'|'.join(map(re.escape, _DISCIPLINE_FORMS))})", re.IGNORECASE
)
_TARGET_RE = re.compile(rf"\s*(?:{_any('target')})", re.IGNORECASE)
# "ước đạt 58,5 triệu đồng ... nhưng chưa đạt chỉ tiêu 60 triệu đồng": a figure right after the target word
# (and at most a few words naming whose target: "chỉ tiêu Đại hội đề ra") is the target of the sentence's
# last figure before it in the same unit.
_TARGET_BEFORE_RE = re.compile(rf"(?:{_any('target')})(?:\s+[^\W\d]+){{0,3}}\s*:?\s*$", re.IGNORECASE)
_BREAKDOWN_MARK_RE = re.compile(rf"{_any('breakdown_mark')}|:", re.IGNORECASE)
_LIST_JOINER_TAIL_RE = re.compile(rf"(?:[\s,;.]|{_LEAD}(?:{_any('list_joiner')}){_TRAIL})+$", re.IGNORECASE)
# "trao tặng 37 Huy hiệu Đảng, gồm: 01 Huy hiệu 70 năm, ...": a list after the figure's noun phrase.
_LIST_LEAD_RE = re.compile(rf"[\s,]*(?:(?:{_any('breakdown_mark')}){_TRAIL}\s*)?:", re.IGNORECASE)

# ---------------------------------------------------------------------------------------------------------
# Predicates, subjects, labels
# ---------------------------------------------------------------------------------------------------------


def canonical_predicate(surface: str) -> str:
    """The canonical key of a predicate surface form ("" when unknown)."""
    return PREDICATES.get(collapse_spaces(surface).lower(), "")


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


CLOSED_ASIDE_RE = re.compile(r"\([^()]*\)")  # a parenthesis opened and closed


def _find_predicate(text: str, lo: int, hi: int, masks: list[tuple[int, int]]) -> str:
    """The predicate ending nearest before hi, outside the noun phrases of other numbers. Verbs that are
    also common nouns or vague ("tổ chức", "xây dựng", "đạt") count only right before the number."""
    barrier = None
    for b in _HAVE_RE.finditer(text, lo, hi):  # "Đảng bộ có 98 đảng viên": what precedes "có" is not the verb
        if not any(ms <= b.start() < me for ms, me in masks):
            barrier = b
    if barrier:
        lo = barrier.end()
    # A figure inside a parenthesis has its verb inside it: "tăng 6.582.000 đồng ... (cùng kỳ năm 2024 thu
    # 61.870.000 đồng)" did not increase by 61.870.000.
    opened = text.rfind("(", lo, hi)
    if opened >= 0 and text.find(")", opened, hi) < 0:
        lo = opened + 1
    best: re.Match[str] | None = None
    # A verb inside an aside closed before the figure is of the aside's own figures: "kỷ luật 04 tổ chức
    # đảng (khiển trách 03, cảnh cáo 01) và 327 đảng viên" disciplined 327, it did not warn them.
    asides = [(a.start(), a.end()) for a in CLOSED_ASIDE_RE.finditer(text, lo, hi)]
    for m in _PRED_RE.finditer(text, lo, hi):
        if any(m.start() < me and ms < m.end() for ms, me in masks):
            continue
        if any(a <= m.start() and m.end() <= b for a, b in asides):
            continue
        if canonical_predicate(m.group()) in _ADJACENT_ONLY and not _FILLER_RE.fullmatch(
            _unmasked(text, m.end(), hi, masks)
        ):
            continue
        if best is None or (m.end(), len(m.group())) > (best.end(), len(best.group())):
            best = m
    return collapse_spaces(best.group()).lower() if best else ""


def _predicate_after(text: str, num: Quantity, clause_end: int) -> str:
    """ "339 quần chúng ưu tú được xem xét kết nạp", "96% cơ quan, đơn vị hoàn thành": the verb follows."""
    tail = text[num.phrase_end : min(clause_end, num.phrase_end + 50)]
    tail = re.split(r"[;(0-9]", tail, maxsplit=1)[0]
    m = _PRED_RE.search(tail)
    if not m:
        return ""
    pred = collapse_spaces(m.group()).lower()
    passive = _PASSIVE_RE.search(tail[: m.start()])
    near = len(tail[: m.start()].split()) <= 3 and num.unit not in _TIME_UNITS
    return pred if passive or (near and canonical_predicate(pred) in _STATE_PREDICATES) else ""


def _predicate(text: str, num: Quantity, clause: tuple[int, int], masks: list[tuple[int, int]]) -> str:
    pred = _find_predicate(text, clause[0], num.q_start, masks) or _predicate_after(text, num, clause[1])
    nxt = re.search(r"[0-9]", text[num.phrase_end : clause[1]])
    form = _FORM_AFTER_RE.search(text, num.phrase_end, num.phrase_end + nxt.start() if nxt else clause[1])
    if form and (not pred or canonical_predicate(pred) in _FORMABLE):
        pred = form.group(1).lower()  # "xử lý 3 trường hợp ... hình thức kỷ luật khiển trách"
    return pred


def _clean_label(s: str) -> str:
    s = collapse_spaces(s)
    if m := BULLET_RE.match(s):
        s = s[m.end() :]
    s = _PAREN_LEAD_RE.sub("", s)  # "trong đó nữ có 48" -> "nữ"
    s = _LABEL_TAIL_RE.sub("", s).strip(" ,;:")
    words = s.split()
    return " ".join(words[-15:])


def _colon_label(text: str, num: Quantity, clause: tuple[int, int]) -> str:
    """ "Số ủy viên được bầu: 09 đồng chí" -> the text before the colon."""
    head = text[clause[0] : num.q_start]
    c = head.rfind(":")
    if c < 0:
        return ""
    seg = head[c + 1 :]
    if any(ch.isdigit() for ch in seg) or "(" in seg or len(seg.split()) > 3:
        return ""
    return _clean_label(head[:c])


def _link_subject(text: str, num: Quantity, clause: tuple[int, int]) -> str:
    """ "Ủy ban kiểm tra có 03 đồng chí" -> "Ủy ban kiểm tra"."""
    head = text[clause[0] : num.q_start]
    m = _LINK_BEFORE_RE.search(head)
    if not m:
        return ""
    segs = [s for s in re.split(r"[,(]", head[: m.start()]) if s.strip()]
    if not segs or any(ch.isdigit() for ch in YEAR_RE.sub("", segs[-1])):
        return ""
    return _clean_label(segs[-1])


def _pct_subject(
    text: str, num: Quantity, prev: Quantity | None, prev_subject: str, clause: tuple[int, int]
) -> str:
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
    head = _LIST_JOINERS_RE.sub("", head)
    if not head.strip() or any(ch.isdigit() for ch in head):
        return ""
    words = head.split()
    kept = " ".join(words[-20:])
    if len(words) > 20 and "," in kept:
        kept = kept.split(",", 1)[1]  # start at a clause boundary, not mid-phrase
    return _clean_label(kept)


def _subject(
    text: str, num: Quantity, prev: Quantity | None, prev_subject: str, clause: tuple[int, int]
) -> str:
    if num.unit == "%":
        return _pct_subject(text, num, prev, prev_subject, clause)
    label = _colon_label(text, num, clause)
    generic = not num.phrase or num.phrase.lower() in _GENERIC_UNITS
    if generic:
        context = label or _link_subject(text, num, clause)
        if context:
            return context
    subject = num.phrase or label
    who = _WHO_ARE_RE.match(text, num.phrase_end, clause[1]) if num.phrase else None
    return f"{subject} ({collapse_spaces(who.group(1))})" if who else subject


# "12 đảng viên là giảng viên, 32 đảng viên là sinh viên": what those counted are, up to the next part.
_WHO_ARE_RE = re.compile(r"\s+là\s+([^\W\d_][^,;:().\d]{0,40}?)(?=\s*(?:[,;:().]|\svà\s|$))")


# ---------------------------------------------------------------------------------------------------------
# Parentheses after a number: targets and breakdowns
# ---------------------------------------------------------------------------------------------------------


def _paren_after(text: str, num: Quantity, sent_end: int, max_gap: int) -> tuple[int, int] | None:
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


def _inside(cands: list[Quantity], p: int, q: int) -> list[Quantity]:
    return [c for c in cands if p < c.start and c.end <= q]


def _assign_targets(num: Quantity, cands: list[Quantity], p: int, q: int) -> None:
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
    elif num.unit == "%" and items[0].unit != "%":
        # "tuyển 3.215 sinh viên, đạt 91,9% chỉ tiêu (chỉ tiêu 3.500 sinh viên)": the count's target,
        # not the share's
        pairs = zip(owners[-1:], items[:1], strict=False)
    else:
        pairs = zip([num], items[:1], strict=True)
    for owner, it in pairs:
        owner.target, owner.target_end = it.value, q + 1


# "khiển trách 52, cảnh cáo 24, cách chức 04, khai trừ 07 đảng viên": a list of figures, each after its own
# label, writes the unit once, after the last.
_LIST_GAP_RE = re.compile(r"\s*,\s*[^\W\d][^\d,;.:()]{0,40}$")


def _shared_units(text: str, cands: list[Quantity]) -> None:
    """Figures of such a list take the unit written after the last of them."""
    for i in range(len(cands) - 1, 0, -1):
        later, earlier = cands[i], cands[i - 1]
        before = text[max(0, earlier.q_start - 12) : earlier.q_start].split()
        dated = bool(before) and before[-1].lower() in _TIME_UNITS  # "vào tháng 9, làm đổ 2.300 cây"
        if (
            later.unit
            and not earlier.unit
            and not dated
            and _LIST_GAP_RE.match(text[earlier.end : later.q_start])
        ):
            earlier.unit, earlier.unit_known = later.unit, later.unit_known


def _inline_targets(text: str, cands: list[Quantity]) -> None:
    """A figure after "chỉ tiêu" outside parentheses is the target of the figure before it of its unit."""
    for i, num in enumerate(cands):
        if num.consumed or not num.unit:
            continue
        owner = next((c for c in reversed(cands[:i]) if c.unit == num.unit and not c.consumed), None)
        if owner is None or owner.target is not None:
            continue
        if _TARGET_BEFORE_RE.search(text[owner.end : num.q_start]):
            num.consumed = True
            owner.target, owner.target_end = num.value, num.end


def _parts(text: str, items: list[Quantity], p: int) -> list[tuple[Quantity, str]]:
    """Each item of a breakdown with its label: the text between the previous item and its number."""
    out: list[tuple[Quantity, str]] = []
    prev_end = p + 1
    for it in items:
        label = _PAREN_LEAD_RE.sub("", text[prev_end : it.q_start])
        label = _clean_label(label)
        if not label and it.phrase:
            label = it.phrase
        out.append((it, label))
        prev_end = it.phrase_end if it.phrase_end > it.end else max(it.unit_end, it.end)
    return out


def _list_after(text: str, num: Quantity, s_end: int) -> tuple[int, int] | None:
    """(colon, end of sentence) of a list right after the number's noun phrase, or None."""
    m = _LIST_LEAD_RE.match(text, max(num.phrase_end, num.unit_end, num.end), s_end)
    return (m.end() - 1, s_end) if m else None


def _listed_breakdown(
    text: str, num: Quantity, cands: list[Quantity], p: int, q: int
) -> list[tuple[Quantity, str]]:
    """The parts of num listed after a colon: the figures of its unit there, when they sum to it exactly
    (a list after a colon may hold other things too: "70 năm" in "01 Huy hiệu 70 năm")."""
    items = [it for it in _inside(cands, p, q) if it.unit == num.unit and not it.consumed]
    if len(items) < 2 or abs(sum(it.value for it in items) - num.value) > 1e-9:
        return []
    parts = _parts(text, items, p)
    if parts[0][1] == items[0].phrase:
        # Nothing names the first before it: each is named after it ("01 Huy hiệu 70 năm, 02 ...").
        parts = _tail_labels(text, items, q)
    for it in items:
        it.consumed = True
    return parts


def _tail_labels(text: str, items: list[Quantity], q: int) -> list[tuple[Quantity, str]]:
    """Each item labelled by its noun phrase and what follows it up to the next item."""
    ends = [it.q_start for it in items[1:]] + [q]
    out: list[tuple[Quantity, str]] = []
    for it, end in zip(items, ends, strict=True):
        tail = _LIST_JOINER_TAIL_RE.sub("", text[it.phrase_end : end])
        out.append((it, _clean_label(f"{it.phrase} {tail}")))
    return out


def _breakdown(text: str, num: Quantity, cands: list[Quantity], p: int, q: int) -> list[tuple[Quantity, str]]:
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


def extract_facts(
    text: str, doc_key: str, sentences: list[Sentence], sections: Callable[[int], str] | None = None
) -> list[Fact]:
    """Every quantity in the text as a Fact, in text order (breakdown parts after their total);
    `sentences` are the text's, from the one splitter. A sentence addressed to the reader (ingest/instructions.py)
    states no fact: its figure is what an instruction wants said, not what the report reports."""
    tokens = list(iter_tokens(text))
    starts = [t.start for t in tokens]
    facts: list[Fact] = []
    for sentence in sentences:
        if sentence.addressed:
            continue
        lo, hi = bisect.bisect_left(starts, sentence.start), bisect.bisect_left(starts, sentence.end)
        if lo == hi:
            continue
        clauses = list(sentence.clauses)
        facts.extend(_sentence_facts(text, doc_key, tokens[lo:hi], sentence.end, clauses, sections))
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
    cands = [c for clause in clauses for c in quantities_in(text, _in(tokens, clause), *clause)]
    if not cands:
        return []
    breakdowns: dict[int, list[tuple[Quantity, str]]] = {}
    for num in cands:
        if num.consumed:
            continue
        target = _paren_after(text, num, s_end, 90)
        if target and _TARGET_RE.match(text, target[0] + 1):
            _assign_targets(num, cands, *target)
            continue
        paren = _paren_after(text, num, s_end, 40)
        listed = None if paren else _list_after(text, num, s_end)
        parts = _breakdown(text, num, cands, *paren) if paren else []
        parts = parts or (_listed_breakdown(text, num, cands, *listed) if listed else [])
        if parts:
            breakdowns[id(num)] = parts
    _shared_units(text, cands)
    _inline_targets(text, cands)
    masks = [(c.start, c.phrase_end) for c in cands]
    out: list[Fact] = []
    subjects: dict[int, str] = {}
    clause_preds: dict[tuple[int, int], str] = {}
    prev: Quantity | None = None
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
    num: Quantity,
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


def _part(parent: Fact, it: Quantity, label: str) -> FactPart:
    unit = it.unit if it.unit_known else parent.unit
    return FactPart(label=label, value=it.value, unit=unit)


def _part_fact(parent: Fact, it: Quantity, label: str, sections: Callable[[int], str] | None) -> Fact:
    """A breakdown part as its own fact: "khai trừ: 13 đảng viên" -> 13, "khai trừ", "đảng viên"."""
    known = it.unit_known and bool(it.phrase)
    noun = it.phrase if known else parent.subject
    low = label.lower()
    if low in PREDICATES:
        pred, subject = low, noun
    else:
        pred = parent.predicate
        named = not label or label.lower().startswith(noun.lower())  # "Huy hiệu 50 năm" names its noun
        subject = (label or noun) if named else f"{noun} ({label})"
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
    return key in answered_predicates(fact_predicate)


def answered_predicates(fact_predicate: str) -> tuple[str, ...]:
    """The canonical keys a fact's surface predicate answers: its own and its parent's."""
    canon = canonical_predicate(fact_predicate)
    if not canon:
        return ()
    parent = PREDICATE_PARENT.get(canon)
    return (canon, parent) if parent else (canon,)
