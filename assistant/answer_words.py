"""What both halves of the answerer share: the span of a report an answer line cites, and how words
are read out of a text."""

from __future__ import annotations

import re
from dataclasses import dataclass

_WORDS_RE = re.compile(r"[\w&]+")


@dataclass
class Evidence:
    """A verbatim span of a report that an answer line cites."""

    doc_key: str
    start: int
    end: int
    section: str
    score: float = 0.0
