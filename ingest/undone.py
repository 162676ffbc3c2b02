"""Figures of what was not done, or not yet: "đã giải quyết 2.198 kiến nghị, còn 178 kiến nghị chưa được giải
quyết" states the verb of both figures, but only the first counts what was resolved. A negation or an "in
progress" mark right before the verb, or "còn" (what remains) right before the figure, makes it a figure of
what is left. The marks are in the lexicon (number_context.tsv)."""

from __future__ import annotations

from functools import cache

from ingest.lexicon import number_words
from ingest.normalize import fold
from ingest.tokens import words

LEAD_WORDS = 3  # "chưa được giải quyết": the mark stands this close before the verb, "được" between


@cache
def _marks() -> tuple[frozenset[str], frozenset[str], frozenset[str]]:
    def folded(role: str) -> frozenset[str]:
        return frozenset(fold(w) for w in number_words(role))

    return folded("undone_before_verb"), folded("undone_before_figure"), folded("passive")


def is_undone(clause_before: str, clause_after: str, verb: str) -> bool:
    """Whether a figure counts what was not done: its clause's text before it and after it, and its verb
    as written ("" when none), read where it stands (before the figure, else after it)."""
    before_verb, before_figure, passive = _marks()
    ahead = words(clause_before)
    if ahead and ahead[-1] in before_figure:
        return True  # "còn 178 kiến nghị ..."
    if not verb:
        return False
    target, before, after = fold(verb), fold(clause_before), fold(clause_after)
    at = before.rfind(target)
    side = before if at >= 0 else after
    at = at if at >= 0 else after.find(target)
    if at < 0:
        return False
    lead = [w for w in words(side[:at])[-LEAD_WORDS:] if w not in passive]
    return bool(lead) and lead[-1] in before_verb
