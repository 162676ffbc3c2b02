"""The scope a question names: a report by its issuing body, province, kind or term.

"In the Long An inspection committee report, how many..." -> that committee's report. Each report scores
the cues of the question it matches: its issuing body named (by a distinctive run of the body's
name words, or by the kind of body and the first word of its name, "Đảng bộ Khối"), its province, its kind,
its term or year; a question naming another province rules a report out. When the question names no report
the scope is all reports (None). The vocabulary (provinces, kinds of body and report) is in the lexicon.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping
from functools import lru_cache

from ingest.glossary import looks_english, translate_terms
from ingest.lexicon import ENGLISH_STOPWORDS, ISSUERS, PROVINCES, REPORT_KINDS, REPORT_NAMING
from ingest.metadata import DOCUMENT_CODE_RE
from ingest.normalize import fold, has_diacritics
from ingest.periods import TERM_RE, YEAR_RE, term_label
from ingest.tokens import WORD_RE, first_word_syllables, spelled_out, without_phrases, words
from ingest.types import ReportMeta

_KIND_CUES = {k["kind"]: [re.compile(p) for p in k["question"]] for k in REPORT_KINDS}
_HEADS = [tuple(fold(h).split()) for h in ISSUERS["head"]]
_SAME_LEVEL = [tuple(fold(h).split()) for h in ISSUERS["same_level"]]
_GENERIC = {w for phrase in ISSUERS["connector"] for w in fold(phrase).split()}
_OTHER_BODY = [tuple(fold(p).split()) for p in ISSUERS["other_body_before"]]
_PLACE_LEVELS = [tuple(fold(p).split()) for p in ISSUERS["place_level"]]
# What a body's name may open with that names none in particular, longest first.
_GENERIC_OPENINGS = sorted(
    {*_PLACE_LEVELS, *(tuple(fold(p).split()) for p in ISSUERS["institution"])}, key=len, reverse=True
)
_PROVINCE_WORDS = {name: tuple(fold(name).split()) for name in PROVINCES}
NAME_SYLLABLES = (3, 2)  # a place's name is two or three syllables ("Văn Chấn", "Mù Cang Chải")
MIN_NAMING_WORDS = 3  # shorter runs of a body's name ("công nghệ") may be what is asked about
REPORT_PHRASES = sorted((tuple(p.split()) for p in REPORT_NAMING), key=len, reverse=True)


def question_words(question: str) -> list[str]:
    """The folded words of a question as they may name a report: English glossary phrases in Vietnamese,
    abbreviations spelled out, English function words left out ("inspection committee" -> "uy ban
    kiem tra")."""
    text = DOCUMENT_CODE_RE.sub(" ", question)  # "03-NQ/ĐUK" names a document, not an issuer ("ĐUK")
    english = looks_english(text)
    text = translate_terms(text) if english else text
    tokens = WORD_RE.findall(text)
    if english:  # its function words left out, not a name's syllables spelled alike ("Mỹ An Tây")
        tokens = [t for i, t in enumerate(tokens) if not _english_function_word(t, first=i == 0)]
    return spelled_out(tokens)


def _english_function_word(token: str, first: bool) -> bool:
    """An English function word as typed: unaccented, and in lower case unless it opens the question."""
    return token.lower() in ENGLISH_STOPWORDS and token.isascii() and (first or token.islower())


def _head_and_name(meta: ReportMeta) -> tuple[tuple[str, ...], tuple[str, ...]]:
    """The issuing body's kind and the words of its name after it: "Đảng bộ Sở Khoa học ..." ->
    (("dang", "bo"), ("so", "khoa", ...)); no kind when the name starts with none."""
    return _split_body(meta.issuing_body)


@lru_cache(maxsize=100_000)  # asked of every report for every question: an archive has thousands
def _split_body(issuing_body: str) -> tuple[tuple[str, ...], tuple[str, ...]]:
    body = tuple(words(issuing_body))
    for head in _HEADS:
        if body[: len(head)] == head:
            return head, body[len(head) :]
    return (), body


def _name_words(meta: ReportMeta) -> tuple[str, ...]:
    """The words of the issuing body's name after its head: "Đảng bộ Sở Khoa học ..." -> ("so", "khoa", ...)."""
    return _head_and_name(meta)[1]


def _heads_naming(head: tuple[str, ...]) -> list[tuple[str, ...]]:
    """The kinds of body a question may name this body by: its own, or either of organisation and
    committee ("Đảng bộ Khối" for "Đảng ủy Khối"); a body without a kind, by any."""
    if not head:
        return _HEADS
    return _SAME_LEVEL if head in _SAME_LEVEL else [head]


def _found_at(haystack: list[str], needle: tuple[str, ...]) -> list[int]:
    n = len(needle)
    return [i for i in range(len(haystack) - n + 1) if n > 0 and tuple(haystack[i : i + n]) == needle]


def _contains(haystack: list[str], needle: tuple[str, ...]) -> bool:
    return bool(_found_at(haystack, needle))


def body_named_at(asked: list[str], meta: ReportMeta) -> list[int]:
    """Where the question names this report's issuing body: a run of two or more of its name words with
    one that is not a connector ("khoa hoc va cong nghe", "khoi cac co quan"), or its kind of body followed
    by the first word of its name ("dang bo khoi", "dang uy khoi"); [] when it does not."""
    head, name = _head_and_name(meta)
    if not name or not set(name) & set(asked):
        return []  # every way of naming it below holds one of its name's words
    first = _first_name_word(meta.issuing_body, name)
    at = {i for kind in _heads_naming(head) for i in _found_at(asked, kind + first)}
    # A run starting inside a kind of body the name holds ("ủy Vĩnh" of "... Huyện ủy Vĩnh Phú") is as
    # likely another body's ("Thành ủy Vĩnh Khang").
    heads = [(p, len(kind)) for kind in _HEADS for p in _found_at(list(name), kind)]
    inside = {p + k for p, n in heads for k in range(1, n)}
    # ... and one made of such a kind alone ("huyện ủy") names no body in particular.
    kinds = {p + k for p, n in heads for k in range(n)}
    starts: dict[str, list[int]] = {}
    for p, word in enumerate(asked):
        starts.setdefault(word, []).append(p)
    capitals = _capitalised(meta.issuing_body, len(name))
    for i in (i for i in range(len(name)) if i not in inside):
        # The shortest run from here that names the body: two words or more, up to one that is neither a
        # connector nor part of a kind of body; any longer run the question holds starts with it.
        distinctive = next(
            (m for m in range(i, len(name)) if name[m] not in _GENERIC and m not in kinds), None
        )
        if distinctive is None:
            continue
        end = max(i + 2, distinctive + 1)
        while end < len(name) and capitals[end] and capitals[end - 1]:
            end += 1  # a proper name is named whole: "phường Hải Minh" does not name "Phường Hải Đông"
        run = name[i:end]
        if len(run) < 2:
            continue
        at |= {p for p in starts.get(name[i], ()) if tuple(asked[p : p + len(run)]) == run}
    return sorted(at)


@lru_cache(maxsize=100_000)
@lru_cache(maxsize=100_000)
def _capitalised(issuing_body: str, n: int) -> tuple[bool, ...]:
    """Whether each of the last n words of a body's name is written with a capital (a proper name's
    syllables are: "Hải Đông"); all False when the name's words cannot be told apart."""
    written = WORD_RE.findall(issuing_body)[-n:] if n else []
    if len(written) != n:
        return (False,) * n
    return tuple(w[:1].isupper() for w in written)


def _first_name_word(issuing_body: str, name: tuple[str, ...]) -> tuple[str, ...]:
    """The start of a name that tells the body apart after its kind: its first word, of one syllable or
    more ("Khối" of "Đảng bộ Khối ...", "Công an" of "Đảng ủy Công an tỉnh": "Đảng ủy Công ty" is not it),
    or, when the name opens with a level of administration or a kind of agency ("phường Mỹ An Tây", "Sở
    Tài chính"), that and the word after it: "Đảng bộ phường" names any ward's."""
    generic = next((g for g in _GENERIC_OPENINGS if name[: len(g)] == g and len(name) > len(g)), ())
    if generic:
        return name[: len(generic) + 1]
    spoken = " ".join(issuing_body.split()[-len(name) :]) if name else ""  # the name as written
    return name[: max(1, first_word_syllables(spoken))]


def name_index(reports: Mapping[str, ReportMeta]) -> dict[str, frozenset[str]]:
    """Each word of an issuing body's name to the reports whose name holds it: a question names a body only
    by words of its name, so only the reports sharing one with it are matched (an archive has thousands)."""
    index: dict[str, set[str]] = {}
    for key, meta in reports.items():
        for word in _name_words(meta):
            index.setdefault(word, set()).add(key)
    return {word: frozenset(keys) for word, keys in index.items()}


def _in_passing(asked: list[str], at: list[int]) -> bool:
    """Every mention follows a word relating it to another body ("trực thuộc Đảng ủy Khối", "của ..."):
    named in passing, not asked about."""
    starts = [i for i in at if not any(j in at for j in range(i - 3, i))]  # one per mention, not per run
    return all(any(_contains(asked[max(0, i - 2) : i], w) for w in _OTHER_BODY) for i in starts)


def _provinces_named(asked: list[str]) -> set[str]:
    return {name for name, pw in _PROVINCE_WORDS.items() if _contains(asked, pw)}


def _placed_elsewhere(asked: list[str], at: list[int], meta: ReportMeta) -> bool:
    """Every naming of the body is followed by a place it is not of: "Hội Nông dân huyện Yên Lương" names
    the association of that district, not the province's Farmers' Association of another province."""
    own = set(fold(f"{meta.issuing_body} {meta.province}").lower().split())

    def elsewhere(start: int) -> bool:
        end = start
        while end < len(asked) and asked[end] in own:
            end += 1
        for level in _PLACE_LEVELS:
            if tuple(asked[end : end + len(level)]) == level:
                name = asked[end + len(level) : end + len(level) + min(NAME_SYLLABLES)]
                return len(name) == min(NAME_SYLLABLES) and not set(name) <= own
        return False

    return bool(at) and all(elsewhere(p) for p in at)


def _levels_of_provinces(asked: list[str]) -> set[tuple[str, ...]]:
    """The levels the question names its provinces at: "tỉnh Hà Tĩnh", "Tỉnh ủy Hà Tĩnh" -> ("tinh",)."""
    return {
        level
        for pw in _PROVINCE_WORDS.values()
        for at in _found_at(asked, pw)
        for level in _PLACE_LEVELS
        if tuple(asked[max(at - len(level), 0) : at]) == level
        or asked[max(at - 2, 0) : at] == [level[0], "uy"]
    }


def _of_level(issuing_body: str, levels: set[tuple[str, ...]]) -> bool:
    """The body is the place's own committee at a level asked: "Tỉnh ủy" or "Đảng bộ tỉnh" for "tỉnh Hà
    Tĩnh" (in Vietnamese, a place as the doer is its own committee, not a department within it)."""
    body = fold(issuing_body).lower().split()
    head, name = _split_body(issuing_body)
    return any(body[:2] == [level[0], "uy"] or (head and name[: len(level)] == level) for level in levels)


def _years(meta: ReportMeta) -> frozenset[str]:
    return _years_in(meta.term + " " + meta.title)


@lru_cache(maxsize=100_000)  # asked of every report for every question that names a year
def _years_in(text: str) -> frozenset[str]:
    return frozenset(YEAR_RE.findall(text))


def _code(text: str) -> str:
    return re.sub(r"\s+", "", text).upper()


def _documents_named(question: str, reports: dict[str, ReportMeta]) -> set[str]:
    """Reports whose number or title holds a document code the question names: "Nghị quyết 03-NQ/ĐUK"
    names the report on carrying it out."""
    codes = {_code(c) for c in DOCUMENT_CODE_RE.findall(question)}
    if not codes:
        return set()
    return {
        key
        for key, meta in reports.items()
        if codes & {_code(c) for c in DOCUMENT_CODE_RE.findall(f"{meta.doc_number} {meta.title}")}
    }


def report_scope(
    question: str,
    reports: Mapping[str, ReportMeta],
    names: Mapping[str, frozenset[str]] | None = None,
) -> list[str] | None:
    """Keys of the reports the question names, or None when it names none: the best named, and the best
    of each other body the question names, unless in passing ("trực thuộc Đảng ủy Khối"). `names` is
    the reports' name_index(), when kept."""
    folded = fold(question)
    asked = question_words(question)
    terms = {term_label(a, b) for a, b in TERM_RE.findall(folded)}
    provinces = _provinces_named(asked)
    levels = _levels_of_provinces(asked)
    sharing = reports if names is None else {k: reports[k] for w in set(asked) for k in names.get(w, ())}
    named_at: dict[str, list[int]] = {}  # by issuing body: a body issues many reports over the years
    for meta in sharing.values():
        if meta.issuing_body not in named_at:
            named_at[meta.issuing_body] = body_named_at(asked, meta)
    mentions = {key: at for key, meta in sharing.items() if (at := named_at[meta.issuing_body])}
    if not looks_english(question):  # English names a place before its level ("Tam Bac district")
        mentions = {k: at for k, at in mentions.items() if not _placed_elsewhere(asked, at, reports[k])}
    bodies = set(mentions)
    kinds = {kind for kind, patterns in _KIND_CUES.items() if any(p.search(folded) for p in patterns)}
    years = set(YEAR_RE.findall(folded))
    documents = _documents_named(question, reports)
    if not (provinces or bodies or kinds or documents):
        return None
    scores: dict[str, int] = {}
    for key, meta in reports.items():
        if provinces and meta.province and meta.province not in provinces:
            continue  # the question names another province
        named = 3 * (key in bodies)  # a body named says most: more than a term many reports share
        score = named + 2 * bool(provinces and meta.province in provinces)
        score += bool(provinces and meta.province in provinces and _of_level(meta.issuing_body, levels))
        score += 2 * (key in documents) + (meta.term in years)  # "năm 2020": that year's own report first
        score += bool(kinds and meta.kind in kinds) + bool(years & _years(meta)) + 2 * (meta.term in terms)
        scores[key] = score
    scope = _best(scores)
    chosen = {(reports[b].issuing_body, reports[b].province): reports[b] for b in scope}.values()
    others = {
        k: s
        for k, s in scores.items()
        if k in bodies
        and not any(_same_body(reports[k], b, provinces) for b in chosen)
        and not _in_passing(asked, mentions[k])
    }
    return sorted(scope + _best(others)) or None


def places_named(question: str) -> list[tuple[str, ...]]:
    """The places a question names by their level, each as the lexical tokens its name may be, longest
    first: "huyện Mù Cang Chải" -> ("mu_cang_chai", "mu_cang"); in English, before its level, "Mu Cang
    Chai district" -> ("mu_cang_chai", "cang_chai"). A name is
    capitalised, or typed without marks (then a pair of syllables that is no word of the reports names
    nothing)."""
    english = looks_english(question)
    typed = WORD_RE.findall(translate_terms(question) if english else question)
    folded = [fold(t).lower() for t in typed]
    plain = not has_diacritics(question)
    found: list[tuple[str, ...]] = []
    for level in _PLACE_LEVELS:
        for at in _found_at(folded, level):
            after = at + len(level)
            spans = (
                [(at - n, at) for n in NAME_SYLLABLES]  # "Mù Cang Chải district": the name before its level
                if english
                else [(after, after + n) for n in NAME_SYLLABLES]
            )
            names = [
                "_".join(folded[a:b])
                for a, b in spans
                if a >= 0
                and b <= len(typed)
                and all(w.isalpha() and (plain or w[0].isupper()) for w in typed[a:b])
                and not _is_province(tuple(folded[a:b]))
            ]
            if names:
                found.append(tuple(names))
    return list(dict.fromkeys(found))


def _is_province(name: tuple[str, ...]) -> bool:
    return any(province[: len(name)] == name for province in _PROVINCE_WORDS.values())


def mentioned_scope(
    question: str, total: int, mentioning: Callable[[str], frozenset[str]]
) -> tuple[str, list[str] | None]:
    """The place the question names that reports mention, not issued by it ("huyện Văn Chấn" in a
    province's report), as its token, and those reports: at most half of them, or it names none in
    particular ("", None)."""
    for names in places_named(question):
        for name in names:
            keys = mentioning(name)
            if keys and len(keys) <= max(1, total // 2):
                return name, sorted(keys)
    return "", None


def _same_body(a: ReportMeta, b: ReportMeta, provinces: set[str]) -> bool:
    """One name is the other or the other with more words ("Sở Khoa học và Công nghệ tỉnh Vĩnh Phúc"), and
    the question does not tell them apart by province (each province has its own Sở Khoa học)."""
    x, y = _name_words(a), _name_words(b)
    n = min(len(x), len(y))
    apart = a.province != b.province and {a.province, b.province} <= provinces
    return n > 0 and x[:n] == y[:n] and not apart


def _best(scores: dict[str, int]) -> list[str]:
    best = max(scores.values(), default=0)
    return [k for k, s in scores.items() if s == best] if best else []


def scope_phrases(metas: list[ReportMeta]) -> list[tuple[str, ...]]:
    """How a question names the reports in scope: any run of three or more words of the issuing body's
    name ("Đảng bộ Sở Khoa học và Công nghệ", "Sở Khoa học ...", "Đảng bộ Khối"), and the province."""
    phrases: set[tuple[str, ...]] = set()
    for body, province in {(meta.issuing_body, meta.province) for meta in metas}:
        phrases |= _naming_phrases(body, province)
    return sorted((p for p in phrases if p), key=len, reverse=True)


@lru_cache(maxsize=10_000)  # a scope may hold hundreds of reports of a few bodies
def _naming_phrases(issuing_body: str, province: str) -> frozenset[tuple[str, ...]]:
    body = tuple(words(issuing_body))
    n = len(body)
    runs = {body[i:j] for i in range(n) for j in range(i + MIN_NAMING_WORDS, n + 1)}
    # The place a body is named after ("Huyện ủy Hòa Thạnh": "huyện Hòa Thạnh", "Hòa Thạnh") names it too.
    head = next((h for h in sorted(_HEADS, key=len, reverse=True) if body[: len(h)] == h), ())
    place = body[len(head) :] if head else ()
    places = {place} if len(place) >= 2 else set()
    return frozenset(runs | places | {tuple(fold(province).split())})


@lru_cache(maxsize=10_000)
def _level_words(issuing_body: str) -> frozenset[tuple[str, ...]]:
    """The level of administration a body's name holds ("Hội đồng nhân dân tỉnh": "tỉnh")."""
    body = tuple(words(issuing_body))
    return frozenset(level for level in _PLACE_LEVELS if _within(level, body))


def _within(part: tuple[str, ...], whole: tuple[str, ...]) -> bool:
    n = len(part)
    return any(whole[i : i + n] == part for i in range(len(whole) - n + 1))


def strip_naming_text(text: str, metas: list[ReportMeta]) -> str:
    """The text, as written (marks kept for the embedder), without the words that name its reports."""
    written = WORD_RE.findall(text)
    folded = [fold(w) for w in written]
    keep = [True] * len(written)
    for phrase in scope_phrases(metas):
        n = len(phrase)
        for i in range(len(folded) - n + 1):
            if tuple(folded[i : i + n]) == phrase and all(keep[i : i + n]):
                keep[i : i + n] = [False] * n
    return " ".join(w for w, k in zip(written, keep, strict=True) if k)


def strip_naming(
    folded_words: list[str], metas: list[ReportMeta], kinds: bool = True, levels: bool = False
) -> list[str]:
    """Folded words of a question without those that name its reports (and, with `kinds`, the kind of
    report; with `levels`, the level of administration their bodies' names hold): what is left is what the
    question asks about. Levels are for the Vietnamese view of English questions, whose "provincial" became
    "tỉnh": folded, a Vietnamese question's level words are other words too ("quận" / "quân")."""
    phrases = scope_phrases(metas) + (REPORT_PHRASES if kinds else [])
    if levels:
        phrases += sorted({level for meta in metas for level in _level_words(meta.issuing_body)})
    return without_phrases(folded_words, phrases)
