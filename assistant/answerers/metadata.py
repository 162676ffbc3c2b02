"""What a report states about itself (its province, its document number), cited where it stands; a
report that does not state it gets "not found", never a guess."""

from __future__ import annotations

from assistant.answerers.base import Draft, Library
from assistant.labels import answer_label
from assistant.question import Question, QuestionKind
from assistant.wording import phrase
from ingest.types import Evidence, Retrieval


class MetadataAnswerer:
    def __init__(self, library: Library) -> None:
        self.lib = library

    def answer(self, q: Question, found: Retrieval) -> Draft | None:
        if not q.scope or len(q.scope) != 1:
            return None  # which report's province? the question must name one
        key = q.scope[0]
        meta = self.lib.meta(key)
        value = meta.province if q.kind is QuestionKind.PROVINCE else meta.doc_number
        at = self.lib.text(key).find(value) if value else -1
        if at < 0:
            return None
        start, end = self.lib.sentence_of(key, at)
        line = phrase(q.lang, q.kind.value, label=answer_label(meta, q.lang), value=value) + " [1]"
        return Draft([line], [Evidence(key, start, max(end, at + len(value)), "")])
