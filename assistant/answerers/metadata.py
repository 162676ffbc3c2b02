"""What a report states about itself (its province, its document number), cited where it stands; a
report that does not state it gets "not found", never a guess."""

from __future__ import annotations

from assistant.answerers.base import Draft, Library
from assistant.labels import answer_label
from assistant.question import Question, QuestionKind
from assistant.wording import phrase
from ingest.metadata import date_line
from ingest.signature import signature
from ingest.types import Evidence, Retrieval


class MetadataAnswerer:
    def __init__(self, library: Library) -> None:
        self.lib = library

    def answer(self, q: Question, found: Retrieval) -> Draft | None:
        keys = q.scope or list(self.lib.reports)
        if len(keys) != 1:
            return None  # which report's province? the question must name one, or the index hold one
        key = keys[0]
        meta = self.lib.meta(key)
        value = meta.province if q.kind is QuestionKind.PROVINCE else meta.doc_number
        at = self.lib.text(key).find(value) if value else -1
        if at < 0:
            return None
        start, end = self.lib.sentence_of(key, at)
        line = phrase(q.lang, q.kind.value, label=answer_label(meta, q.lang), value=value) + " [1]"
        draft = Draft([line], [Evidence(key, start, max(end, at + len(value)), "")])
        if q.kind is QuestionKind.DOC_NUMBER:
            self._issued(q, key, draft)
        return draft

    def _issued(self, q: Question, key: str, draft: Draft) -> None:
        """A document's number is given with its date and who signed it, each cited where it stands."""
        text, meta = self.lib.text(key), self.lib.meta(key)
        dated = date_line(text)
        if meta.date and dated:
            year, month, day = (int(p) for p in meta.date.split("-"))
            draft.evidence.append(Evidence(key, *dated, ""))
            draft.lines.append(
                f"{phrase(q.lang, 'issued_on', date=f'{day}/{month}/{year}')} [{len(draft.evidence)}]"
            )
        signed = signature(text)
        if signed:
            draft.evidence.append(Evidence(key, signed.start, signed.end, ""))
            office = signed.office.capitalize()
            line = phrase(q.lang, "signed_by", name=signed.name, office=office)
            draft.lines.append(f"{line} [{len(draft.evidence)}]")
