"""Remove website furniture from text copied or extracted from web pages.

Reports published on provincial portals arrive as saved pages: a skip-to-content link, a "date time views"
line, visitor counters and a trailing list of related headlines. They pollute search and carry numbers
(view counts) that must never be cited. Every rule matches a whole line, so report prose is never touched;
on an ordinary report this is a no-op.
"""

from __future__ import annotations

import re
import unicodedata

from ingest.lexicon import WEB_CHROME

# Whole lines that are page chrome, and headers that open the trailing related-news block (case-folded).
_CHROME_LINES = frozenset(WEB_CHROME["chrome"])
_RELATED_HEADERS = frozenset(WEB_CHROME["related"])
_NUM = r"\d[\d.,\s]*"


def _any(role: str) -> str:
    return "|".join(re.escape(p) for p in sorted(WEB_CHROME[role], key=len, reverse=True))


_CHROME_PATTERNS = (
    # Published "28/12/2020 13:39    400": date, time, then the view count.
    re.compile(rf"^\d{{1,2}}/\d{{1,2}}/\d{{4}}\s+\d{{1,2}}:\d{{2}}(?::\d{{2}})?\s+{_NUM}$"),
    # Visitor counters: "Số lượt truy cập: 1094", "Tổng số lượt xem: 4241514", "Đang online: 12".
    re.compile(
        rf"^(?:(?:{_any('counter_prefix')}) )?(?:{_any('counter')})(?: (?:{_any('counter_period')}))?\s*:?\s*{_NUM}$"
    ),
    re.compile(rf"^(?:{_any('live_counter')})\s*:\s*{_NUM}$"),
)

_HEADLINE_MAX = 250  # a related headline is one short line; report paragraphs are longer
_TAIL_FROM = 0.4  # the related block must start in the last 60% of the text


def strip_boilerplate(text: str) -> str:
    """Drop chrome lines and a trailing related-news block; leave every other line as it was."""
    lines = text.split("\n")
    lines = _cut_related_tail(lines)
    return "\n".join(_drop_chrome(lines))


def _key(line: str) -> str:
    """Comparison form of a line: NFC (sources may be decomposed), trimmed, case-folded, no trailing colon."""
    key = unicodedata.normalize("NFC", line).replace("\xa0", " ").strip().casefold()
    return re.sub(r"\s+", " ", key).rstrip(":").strip()


def is_chrome_line(line: str) -> bool:
    """True for a whole line that is page furniture (skip link, counters, date + views)."""
    key = _key(line)
    if not key:
        return False
    return key in _CHROME_LINES or any(p.match(key) for p in _CHROME_PATTERNS)


def _drop_chrome(lines: list[str]) -> list[str]:
    """Remove chrome lines; also the blank line after one, so no double gap is left behind."""
    out: list[str] = []
    skip_blank = False
    for line in lines:
        if is_chrome_line(line):
            skip_blank = not out or not out[-1].strip()
            continue
        if skip_blank and not line.strip():
            skip_blank = False
            continue
        skip_blank = False
        out.append(line)
    return out


def _cut_related_tail(lines: list[str]) -> list[str]:
    """Cut from the first related-news header whose remainder is only headlines, bullets and counters."""
    total = sum(len(line) + 1 for line in lines)
    offset = 0
    for i, line in enumerate(lines):
        if (
            offset >= _TAIL_FROM * total
            and _key(line) in _RELATED_HEADERS
            and _only_headlines(lines[i + 1 :])
        ):
            kept = lines[:i]
            while kept and not kept[-1].strip():  # the gap before the block went with it
                kept.pop()
            return kept
        offset += len(line) + 1
    return lines


def _only_headlines(rest: list[str]) -> bool:
    """What follows a related header on a web page: short lines only (headlines, bullets, counters)."""
    return all(len(line.strip()) <= _HEADLINE_MAX for line in rest)
