"""People's names in Vietnamese text: a family name and two or three capitalised given names
("Nguyễn Văn An"). Two-word capitals are mostly places ("Thái Bình"), and some full names are ideologies
or places in Party reports ("tư tưởng Hồ Chí Minh"): those are in the lexicon and never count."""

from __future__ import annotations

import re

from ingest.lexicon import NOT_PEOPLE, SURNAMES, alternation

_NOT_A_PERSON = f"(?!{alternation(NOT_PEOPLE)})" if NOT_PEOPLE else ""
PERSON_NAME_RE = re.compile(rf"\b{_NOT_A_PERSON}(?:{alternation(SURNAMES)})(?: [A-ZĐ][a-zà-ỹđ]+){{2,3}}\b")


def names_a_person(text: str) -> bool:
    return PERSON_NAME_RE.search(text) is not None
