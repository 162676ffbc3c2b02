"""Who does what a figure counts: a standing committee, an inspection committee, the committees at each level,
the cells. Party reports state one action per body side by side ("Ban Thường vụ Huyện ủy giám sát 11 tổ chức
đảng ...; Ủy ban Kiểm tra Huyện ủy giám sát 12 ..."), so a question naming the doer is answered by the figure
its doer did. The kinds of body are in the lexicon (agents.tsv)."""

from __future__ import annotations

from collections.abc import Collection, Sequence
from functools import cache

from ingest.lexicon import AGENTS, ISSUERS, number_words
from ingest.normalize import fold

_PASSIVE = frozenset(fold(w) for w in number_words("passive")) | {"do", "boi"}  # "được X tặng", "do X"


@cache
def _phrases() -> list[tuple[tuple[str, ...], str]]:
    out = [(tuple(p.split()), kind) for kind, (phrases, _) in AGENTS.items() for p in phrases]
    return sorted(out, key=lambda pk: -len(pk[0]))


@cache
def _organs() -> frozenset[str]:
    return frozenset(kind for kind, (_, organ) in AGENTS.items() if organ)


def _match(words: Sequence[str], i: int) -> tuple[int, str] | None:
    """The longest agent phrase at position i: (its length, its kind)."""
    for phrase, kind in _phrases():
        if tuple(words[i : i + len(phrase)]) == phrase:
            return len(phrase), kind
    return None


def agents_in(words: Sequence[str]) -> list[tuple[int, int, str]]:
    """(start, end, kind) of each body named in folded words, left to right; an organ's committee name
    after it ("ban thuong vu huyen uy") is part of the organ's."""
    found: list[tuple[int, int, str]] = []
    i = 0
    while i < len(words):
        hit = _match(words, i)
        if hit is None:
            i += 1
            continue
        n, kind = hit
        end = i + n
        if kind in _organs() and (after := _match(words, end)) and after[1] == "committee":
            end += after[0]
        found.append((i, end, kind))
        i = end
    return found


def _counted(words: Sequence[str], start: int) -> bool:
    """A body named right after a number is counted ("05 chi bộ"), not the doer."""
    return start > 0 and any(ch.isdigit() for ch in words[start - 1])


PASSIVE_REACH = 8  # the passive's mark stands this close after a figure: "35 tập thể và 107 cá nhân được ..."


def _passive(words: Sequence[str], start: int) -> bool:
    return start > 0 and words[start - 1] in _PASSIVE


def figure_agent(before: Sequence[str], after: Sequence[str]) -> str:
    """The kind of body that did what a figure counts, from the folded words of its clause before it and
    after it: one named right after it in the passive ("17 cá nhân được Ban Thường vụ ... tặng giấy
    khen"), else the last one named before it as a doer (not one counted, nor another figure's passive
    doer); "" when none is named."""
    passive = [(start, kind) for start, _end, kind in agents_in(after) if _passive(after, start)]
    if passive and passive[0][0] <= PASSIVE_REACH:
        return passive[0][1]
    named = [
        kind
        for start, _end, kind in agents_in(before)
        if not _counted(before, start) and not _passive(before, start)
    ]
    return named[-1] if named else ""


_OTHER_BODY = tuple(tuple(fold(p).split()) for p in ISSUERS["other_body_before"])
_DOER_MARKS = _PASSIVE | {"by", "from"}  # "disciplined by inspection committees", "được Ban Thường vụ tặng"
MARK_REACH = 8  # "from the Bloc Standing Committee": "Bloc" is "Khối các cơ quan tỉnh" in between


# "Đảng ủy Công ty Cao su Tân Lập đã tiến hành kiểm tra": the body's name and "đã ..." stand before its verb
SUBJECT_REACH = 10


def asked_agent(
    words: Sequence[str],
    verbs_at: Collection[int],
    not_doers: Sequence[tuple[str, ...]],
    counted: Collection[str] = (),
) -> str:
    """The one kind of body a question names as the doer of a verb it asks about ("" for none or several):
    one standing before a verb (at `verbs_at`, positions in the words) as its subject, or after a passive's
    mark ("by", "do"); not one it counts (after `not_doers`, "bao nhiêu", or one of the units `counted`),
    nor one it names as another's ("của", "theo báo cáo của")."""
    kinds = set()
    for start, end, kind in agents_in(words):
        if " ".join(words[start:end]) in counted:
            continue  # "the results for party cells": what is counted
        subject = any(end <= v <= end + SUBJECT_REACH for v in verbs_at)
        # "by the ...", "from the Bloc Standing Committee": the mark a few words before the body's kind
        marked = any(w in _DOER_MARKS for w in words[max(0, start - MARK_REACH) : start])
        if not subject and not marked:
            continue  # "Trước hợp nhất, BCH ... có bao nhiêu ủy viên": named, not doing what is asked
        lead = tuple(words[max(0, start - 2) : start])
        if any(lead[len(lead) - len(p) :] == p for p in (*not_doers, *_OTHER_BODY) if len(p) <= len(lead)):
            continue
        kinds.add(kind)
    return next(iter(kinds)) if len(kinds) == 1 else ""
