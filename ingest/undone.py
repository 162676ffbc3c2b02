"""Figures of what was not done, or not yet: "đã giải quyết 2.198 kiến nghị, còn 178 kiến nghị chưa được giải
quyết" states the verb of both figures, but only the first counts what was resolved. A negation or an "in
progress" mark right before the verb, or "còn" (what remains) right before the figure, makes it a figure of
what is left. The marks are in the lexicon (number_context.tsv); they are read with their diacritics, as
folded they are other words ("đang" / "đảng", "còn" / "con")."""

from __future__ import annotations

import re
from functools import cache

from ingest.lexicon import number_words

LEAD_WORDS = 3  # "chưa được giải quyết": the mark stands this close before the verb, "được" between
_WORD_RE = re.compile(r"\w+")


def _written(text: str) -> list[str]:
    """The words as written, lower case, marks kept."""
    return _WORD_RE.findall(text.lower())


@cache
def _marks() -> tuple[frozenset[str], frozenset[str], frozenset[str]]:
    def marked(role: str) -> frozenset[str]:
        return frozenset(w.lower() for w in number_words(role))

    return marked("undone_before_verb"), marked("undone_before_figure"), marked("passive")


def is_undone(clause_before: str, clause_after: str, verb: str) -> bool:
    """Whether a figure counts what was not done: its clause's text before it and after it, and its verb
    as written ("" when none), read where it stands (before the figure, else after it)."""
    before_verb, before_figure, passive = _marks()
    ahead = _written(clause_before)
    if ahead and ahead[-1] in before_figure:
        return True  # "còn 178 kiến nghị ..."
    if not verb:
        return False
    target, before, after = verb.lower(), clause_before.lower(), clause_after.lower()
    at = before.rfind(target)
    side = before if at >= 0 else after
    at = at if at >= 0 else after.find(target)
    if at < 0:
        return False
    lead = [w for w in _written(side[:at])[-LEAD_WORDS:] if w not in passive]
    return bool(lead) and lead[-1] in before_verb
