"""Years and terms as reports write them: the one year pattern and the one term pattern of the project.

A term is a range of years, "2020 - 2025" or "2020–2025"; a year standing alone is a year. Both are read by
metadata (a report's term), by the fact reader (a year is not a quantity) and by question understanding
(a year named in a question must stand near the figure that answers it).
"""

from __future__ import annotations

import re

YEAR_RE = re.compile(r"\b(?:19|20)\d{2}\b")
# Groups: the first and the last year.
TERM_RE = re.compile(r"\b((?:19|20)\d{2})\s*[-–]\s*((?:19|20)\d{2})\b")


def term_label(first: str, last: str) -> str:
    """The one way a term is written in metadata and answers: "2020–2025"."""
    return f"{first}–{last}"


def terms_in(text: str) -> list[str]:
    """Every term in the text, as "2020–2025"."""
    return [term_label(a, b) for a, b in TERM_RE.findall(text)]


# A period written out in words: "between 2021 and 2025", "from 2021 to 2025", "từ năm 2021 đến năm 2025".
_SPAN_RE = re.compile(
    r"\b(?:between|from|từ)\s+(?:năm\s+)?((?:19|20)\d{2})\s+(?:and|to|until|through|đến|tới)\s+(?:năm\s+)?"
    r"((?:19|20)\d{2})\b",
    re.IGNORECASE,
)


def spans_in(text: str) -> list[str]:
    """Every period written out in words, as a term ("2021–2025")."""
    return [term_label(a, b) for a, b in _SPAN_RE.findall(text)]


def without_terms(text: str) -> str:
    """The text with its terms blanked out, so the years left stand alone."""
    return TERM_RE.sub(" ", text)


def single_years(text: str) -> list[str]:
    """Years that stand alone ("năm 2023"), not inside a term ("2020 - 2025")."""
    return YEAR_RE.findall(without_terms(text))
