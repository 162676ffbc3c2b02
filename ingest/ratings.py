"""Scales of labels that set figures stated side by side apart, each figure at one level of a scale: the
rating of organisations and members ("hoàn thành xuất sắc nhiệm vụ", "hoàn thành tốt nhiệm vụ", "không hoàn
thành nhiệm vụ" ...: every party organisation and member is rated each year and a report states the count
at each level) and the level of administration of an award or event ("giáo viên dạy giỏi cấp huyện" is not
"cấp tỉnh"). A figure at one level never answers a question asking another. The scales are in the lexicon
(ratings.tsv, levels.tsv)."""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from functools import cached_property

from ingest.lexicon import LEVELS, RATINGS

# An English question asks a rating only when it is about completing tasks ("well" is also a plain word).
_COMPLETING = re.compile(r"\b(?:complet|fulfil|rated?\b|rating|classif)", re.IGNORECASE)


@dataclass(frozen=True)
class Scale:
    levels: Mapping[str, tuple[tuple[str, ...], frozenset[str]]]  # level -> (folded phrases, English words)
    english_gate: re.Pattern[str] | None = None  # English words ask a level only in a question it matches
    english_default: str = ""  # the level an English question of the gate asks when it names none

    @cached_property
    def _phrases(self) -> list[tuple[tuple[str, ...], str]]:
        """(folded words of a phrase, its level), longest first: "không hoàn thành nhiệm vụ" before "hoàn
        thành nhiệm vụ"."""
        out = [(tuple(p.split()), level) for level, (phrases, _) in self.levels.items() for p in phrases]
        return sorted(out, key=lambda pl: -len(pl[0]))

    def levels_at(self, folded_words: Sequence[str]) -> list[tuple[int, str]]:
        """(position, level) of each phrase of the scale in the words, none overlapping another."""
        taken: set[int] = set()
        found: list[tuple[int, str]] = []
        for phrase, level in self._phrases:
            n = len(phrase)
            for i in range(len(folded_words) - n + 1):
                if tuple(folded_words[i : i + n]) == phrase and not taken & set(range(i, i + n)):
                    taken |= set(range(i, i + n))
                    found.append((i, level))
        return sorted(found)

    def asked(self, folded_words: Sequence[str], english_text: str = "") -> str:
        """The one level a question asks about ("" for none or several): named in Vietnamese (an English
        question's glossary terms included), or by the scale's English words."""
        levels = {level for _, level in self.levels_at(folded_words)}
        gated = not self.english_gate or self.english_gate.search(english_text)
        if not levels and english_text and gated:
            joined = re.sub(r"\s+level\b", "-level", english_text.lower())  # "provincial level"
            asked = set(re.findall(r"[a-z-]+", joined))
            levels = {level for level, (_, english) in self.levels.items() if english & asked}
            levels = levels or ({self.english_default} if self.english_default else set())
        return next(iter(levels)) if len(levels) == 1 else ""

    def of_figure(self, before: Sequence[str], after: Sequence[str]) -> str:
        """The level of a figure from the folded words of its clause before and after it: the phrase nearest
        it ("04 chi bộ hoàn thành xuất sắc", "danh hiệu hoàn thành tốt nhiệm vụ cho 02 chi bộ"), after it
        when as near."""
        candidates = [(i, 0, level) for i, level in self.levels_at(after)]
        candidates += [(len(before) - i - 1, 1, level) for i, level in self.levels_at(before)]
        return min(candidates)[2] if candidates else ""


RATING = Scale(RATINGS, _COMPLETING, "done")
LEVEL = Scale(LEVELS)
