"""Chat turns: what the app keeps per answer (plain data: it lives in gr.State) and the briefing-note items."""

from __future__ import annotations

from assistant.app_render import SAMPLE_MARK, is_sample_title
from assistant.engine import Engine
from assistant.export import NoteItem, NoteSource
from ingest.types import Answer


def turn_from_answer(
    engine: Engine,
    question: str,
    answer: Answer,
    notice: list[str] | None = None,
    samples: bool = False,
) -> dict:
    """A turn: the answer, the warnings it opens with (`notice`), its sources (`samples`: all fictional)."""
    sources = []
    for c in answer.citations:
        record = engine.records.get(c.doc_key)
        meta = record.meta if record else None
        sources.append(
            {
                "n": c.n,
                "doc_key": c.doc_key,
                "doc": c.doc,
                "title": (meta.title if meta else c.title) or c.doc,
                "issuing_body": meta.issuing_body if meta else "",
                "province": meta.province if meta else "",
                "term": meta.term if meta else "",
                "section": c.section,
                "quote": c.text,
                "start": c.start,
                "end": c.end,
                "sample": samples,
            }
        )
    return {
        "q": question,
        "a": answer.text,
        "found": answer.found,
        "error": False,
        "sources": sources,
        "notice": list(notice or []),
        "table": [row.to_dict() for row in answer.table],  # a count across many reports, for its CSV
    }


def error_turn(question: str, message: str) -> dict:
    return {"q": question, "a": message, "found": False, "error": True, "sources": []}


def note_items(turns: list[dict], picked: list[int] | None = None) -> list[NoteItem]:
    chosen = [t for i, t in enumerate(turns) if not t["error"] and (not picked or i in picked)]
    return [
        NoteItem(
            question=t["q"],
            answer="\n".join([*(t.get("notice") or []), t["a"]]),
            sources={
                s["n"]: NoteSource(
                    title=_marked_title(s),
                    issuing_body=s["issuing_body"],
                    term=s["term"],
                    section=s["section"],
                    quote=s["quote"],
                    province=s["province"],
                    doc=s["doc"],
                )
                for s in t["sources"]
            },
        )
        for t in chosen
    ]


def export_choices(turns: list[dict]) -> list[tuple[str, int]]:
    return [(f"{i + 1}. {t['q'][:80]}", i) for i, t in enumerate(turns) if not t["error"]]


def _marked_title(source: dict) -> str:
    """A footnote never passes a fictional sample off as a real report."""
    title = source["title"]
    return f"{title} {SAMPLE_MARK}" if source.get("sample") and not is_sample_title(title) else title
