"""Citation markers and the citation check: every number an answer states must stand in a passage it cites.

Run on every answer before it is shown. A line whose number is not in any cited passage (nor in the label
of the report it names) is dropped; an answer left with no claim says it found nothing.
"""

from __future__ import annotations

import re

from ingest.numbers import numbers_in, same_number

# "[3]": the marker an answer line carries for the passage it cites (the one pattern of the project).
MARKER_RE = re.compile(r"\[(\d{1,3})\]")


def markers_in(text: str) -> list[int]:
    return [int(m) for m in MARKER_RE.findall(text)]


def strip_markers(text: str) -> str:
    return MARKER_RE.sub(" ", text)


def unsupported_numbers(text: str, supports: list[str], lang: str = "vi") -> list[str]:
    """Numbers in `text` (citation markers aside) that appear in none of the `supports`."""
    return _missing(text, _values(supports), lang)


def _values(supports: list[str]) -> list[float]:
    """Every number of the supports, each passage parsed once for the whole answer."""
    return [value for s in supports for value, *_ in numbers_in(s)]


def _missing(text: str, cited: list[float], lang: str) -> list[str]:
    missing: list[str] = []
    for value, _, _, raw in numbers_in(strip_markers(text), lang=lang):
        if not any(same_number(value, c) for c in cited):
            missing.append(raw)
    return missing


def drop_unsupported_lines(text: str, supports: list[str], lang: str = "vi") -> tuple[str, list[str]]:
    """The answer without the lines that state an unsupported number, and the numbers dropped."""
    kept: list[str] = []
    dropped: list[str] = []
    cited = _values(supports)
    for line in text.split("\n"):
        missing = _missing(line, cited, lang)
        if missing:
            dropped.extend(missing)
        else:
            kept.append(line)
    return "\n".join(kept).strip(), dropped
