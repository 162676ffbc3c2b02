"""The answer when the reports do not answer: said plainly, with the closest passages cited by place only
(quoting them could put a number from another report or year next to the question)."""

from __future__ import annotations

from assistant.answerers.base import Draft, Library
from assistant.labels import answer_label
from assistant.question import Question
from assistant.wording import phrase
from ingest.types import Evidence, Retrieval

CLOSEST = 3


class NotFoundAnswerer:
    def __init__(self, library: Library) -> None:
        self.lib = library

    def answer(self, q: Question, found: Retrieval) -> Draft:
        if q.scope and len(q.scope) == 1:
            head = phrase(q.lang, "not_found_scoped", label=answer_label(self.lib.meta(q.scope[0]), q.lang))
        else:
            head = phrase(q.lang, "not_found")
        closest = found.passages[:CLOSEST]
        lines = [head]
        if closest:
            lines.append(phrase(q.lang, "closest"))
            lines += [
                f"- {' — '.join(filter(None, (answer_label(p.chunk.meta, q.lang), p.chunk.section)))} [{n}]"
                for n, p in enumerate(closest, start=1)
            ]
        evidence = [Evidence(p.chunk.doc_key, p.chunk.start, p.chunk.end, p.chunk.section) for p in closest]
        return Draft(lines, evidence, found=False)
