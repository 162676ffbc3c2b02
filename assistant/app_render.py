"""Chat app rendering: escaping, cited-figure highlighting, answer Markdown and the cited-passage HTML."""

from __future__ import annotations

import html
import re

from assistant.citations import MARKER_RE
from assistant.engine import Engine
from assistant.labels import details
from ingest.numbers import numbers_in, same_number

CONTEXT_PLACEHOLDER = (
    '<div class="ra-ctx-empty">Bấm vào số <b>[1]</b>, <b>[2]</b>… trong câu trả lời hoặc vào tên một nguồn '
    "để xem đoạn văn đó trong báo cáo.</div>"
)
_BOLD_RE = re.compile(r"\*\*.+?\*\*")
_MD_ANSWER_SPECIAL_RE = re.compile(r"([\\`_{}\[\]()#!|~>$])")
_MD_SPECIAL_RE = re.compile(r"([\\`*_{}\[\]()#+\-.!|~>$])")
_WORD_AFTER_RE = re.compile(r"\s*([^\W\d_]+)")
SAMPLE_MARK = "(tài liệu mẫu)"
_SAMPLE_MARK_RE = re.compile(r"\s*\(\s*tài liệu mẫu[^)]*\)|\s*tài liệu mẫu", re.IGNORECASE)


def escape_md(text: str) -> str:
    """Text for a Markdown message, shown as typed: HTML escaped and Markdown punctuation backslashed."""
    return _MD_SPECIAL_RE.sub(r"\\\1", html.escape(text, quote=False))


def escape_md_keep_format(text: str) -> str:
    """Answer text: the engine's **bold** and "- " bullets kept, everything else shown as typed, so a quoted
    report sentence cannot become markup, a link or an image fetched from elsewhere."""
    return _MD_ANSWER_SPECIAL_RE.sub(r"\\\1", html.escape(text, quote=False))


def figure_values(answer: str, n: int | None = None) -> list[tuple[float, str]]:
    """The figures an answer states (for source n: in the lines citing [n]) with the word after each;
    report labels (bold) and markers are left out."""
    lines = answer.splitlines()
    if n is not None:
        cited = [ln for ln in lines if f"[{n}]" in ln]
        lines = cited or lines
    text = MARKER_RE.sub(" ", _BOLD_RE.sub(" ", "\n".join(lines)))
    return [(value, _word_after(text, end)) for value, _start, end, _raw in numbers_in(text)]


def _word_after(text: str, end: int) -> str:
    m = _WORD_AFTER_RE.match(text, end)
    return m.group(1).lower() if m else ""


def highlight(text: str, figures: list[tuple[float, str]] | list[float], escape=html.escape) -> str:
    """Escaped text with the cited figures wrapped in <mark>. Where a figure's value occurs several times,
    the occurrences followed by the same word as in the answer win ("3 chi bộ", not "lần thứ 3")."""
    found = [(value, start, end, _word_after(text, end)) for value, start, end, _raw in numbers_in(text)]
    chosen: set[int] = set()
    for figure in figures:
        value, word = figure if isinstance(figure, tuple) else (figure, "")
        same = [start for v, start, _end, _w in found if same_number(v, value)]
        strong = [start for v, start, _end, w in found if same_number(v, value) and word and w == word]
        chosen.update(strong or same)
    out: list[str] = []
    pos = 0
    for _value, start, end, _word in found:
        if start in chosen:
            out.append(escape(text[pos:start]))
            out.append(f'<mark class="ra-fig">{escape(text[start:end])}</mark>')
            pos = end
    out.append(escape(text[pos:]))
    return "".join(out)


def context_span(
    text: str, start: int, end: int, min_chars: int = 400, max_chars: int = 3000
) -> tuple[int, int]:
    """The paragraph around [start, end), widened by a paragraph each side while it is short."""
    s = text.rfind("\n", 0, start) + 1
    e = text.find("\n", end)
    e = len(text) if e < 0 else e
    while e - s < min_chars and (s > 0 or e < len(text)):
        s2 = _previous_paragraph_start(text, s)
        e2 = _next_paragraph_end(text, e)
        if (s2, e2) == (s, e):
            break
        s, e = s2, e2
    if e - s > max_chars:  # a huge paragraph: keep a window around the quote
        s = max(s, start - max_chars // 3)
        e = min(e, max(end, s + max_chars))
    return s, e


def _previous_paragraph_start(text: str, s: int) -> int:
    p = s
    while p > 0 and text[p - 1] in "\n \t":
        p -= 1
    return text.rfind("\n", 0, p) + 1 if p > 0 else 0


def _next_paragraph_end(text: str, e: int) -> int:
    p = e
    while p < len(text) and text[p] in "\n \t":
        p += 1
    nxt = text.find("\n", p)
    return len(text) if nxt < 0 else nxt


def cite_ref(turn_index: int, n: int) -> str:
    return f"#ra-cite-{turn_index}-{n}"


def source_meta_line(source: dict) -> str:
    parts = details(source["title"], source["issuing_body"], source["province"], source["term"], spelled=True)
    return " — ".join(parts)


def is_sample_title(title: str) -> bool:
    return "tài liệu mẫu" in title.lower()


def cut_title(title: str, limit: int) -> str:
    """A title cut to `limit` characters; a sample's mark is kept at the end, whatever the cut."""
    if len(title) <= limit:
        return title
    if not is_sample_title(title):
        return title[: limit - 1].rstrip(" ,;–-") + "…"
    rest = _SAMPLE_MARK_RE.sub("", title).strip()
    return rest[: max(10, limit - len(SAMPLE_MARK) - 2)].rstrip(" ,;–-") + "… " + SAMPLE_MARK


def short_title(title: str, limit: int = 110) -> str:
    """Long all-caps titles crowd the chat; the full title is in the passage panel."""
    return cut_title(title, limit)


def notice_lines(turn: dict) -> list[str]:
    """The warnings an answer opens with (drawn from samples, index still being built)."""
    return list(turn.get("notice") or [])


def answer_markdown(turn_index: int, turn: dict, text: str | None = None) -> str:
    """An answer as chat Markdown: linked markers, then its sources with the cited figures marked."""
    if turn["error"]:
        return f"⚠️ {escape_md(turn['a'])}"
    head = "".join(f"**{escape_md(line)}**\n\n" for line in notice_lines(turn))
    numbers = {s["n"] for s in turn["sources"]}
    pieces = MARKER_RE.split(turn["a"] if text is None else text)
    # split() alternates text and marker numbers: text is escaped, known markers become links.
    body = "".join(
        escape_md_keep_format(piece)
        if i % 2 == 0
        else f"[\\[{piece}\\]]({cite_ref(turn_index, int(piece))})"
        if int(piece) in numbers
        else f"\\[{piece}\\]"
        for i, piece in enumerate(pieces)
    )
    if text is not None or not turn["sources"]:
        return head + body
    lines = [head + body, "", "**Nguồn:**", ""]
    for s in turn["sources"]:
        meta = source_meta_line(s)
        head = f"**\\[{s['n']}\\]** [{escape_md(short_title(s['title']))}]({cite_ref(turn_index, s['n'])})"
        head += f" — {escape_md(meta)}" if meta else ""
        head += f" — _mục {escape_md(s['section'])}_" if s["section"] else ""
        quote = highlight(" ".join(s["quote"].split()), figure_values(turn["a"], s["n"]), escape_md)
        lines += [head, "", f"> «{quote}»", ""]
    return "\n".join(lines).rstrip()


def chat_messages(turns: list[dict]) -> list[dict]:
    messages: list[dict] = []
    for i, turn in enumerate(turns):
        messages.append({"role": "user", "content": escape_md(turn["q"])})
        messages.append({"role": "assistant", "content": answer_markdown(i, turn)})
    return messages


def context_html(engine: Engine, turn: dict, source: dict) -> str:
    """The cited passage inside its paragraph of the report, quote and figures highlighted."""
    values = figure_values(turn["a"], source["n"])
    record = engine.records.get(source["doc_key"])
    text = record.text if record else ""
    start, end = source["start"], source["end"]
    if not (0 <= start < end <= len(text)) or text[start:end] != source["quote"]:
        found = text.find(source["quote"]) if source["quote"] else -1
        start, end = (found, found + len(source["quote"])) if found >= 0 else (-1, -1)
    meta = source_meta_line(source)
    head = (
        f'<div class="ra-ctx-head"><div class="ra-ctx-title">[{source["n"]}] {html.escape(source["title"])}</div>'
        f'<div class="ra-ctx-meta">{html.escape(meta)}</div>'
        f'<div class="ra-ctx-meta">Mục: {html.escape(source["section"] or "—")} · Tệp: {html.escape(source["doc"])}</div></div>'
    )
    if start < 0:
        note = (
            ""
            if record
            else '<div class="ra-ctx-note">Báo cáo này không còn trong chỉ mục; chỉ còn đoạn trích.</div>'
        )
        quote = highlight(source["quote"], values)
        return f'<div class="ra-ctx" id="ra-ctx-open">{head}{note}<div class="ra-ctx-body"><mark class="ra-quote">{quote}</mark></div></div>'
    s, e = context_span(text, start, end)
    body = (
        ("… " if s > 0 else "")
        + html.escape(text[s:start])
        + f'<mark class="ra-quote">{highlight(text[start:end], values)}</mark>'
        + html.escape(text[end:e])
        + (" …" if e < len(text) else "")
    )
    return f'<div class="ra-ctx" id="ra-ctx-open">{head}<div class="ra-ctx-body">{body}</div></div>'


def api_text(engine: Engine, turn: dict) -> str:
    """The /ask result: the answer, then each source with its quote, as plain text."""
    lines = [*notice_lines(turn), turn["a"]]
    if turn["sources"]:
        lines += ["", "Nguồn:"]
    for s in turn["sources"]:
        meta = source_meta_line(s)
        head = (
            f"[{s['n']}] {s['title']}"
            + (f" — {meta}" if meta else "")
            + (f" — mục {s['section']}" if s["section"] else "")
        )
        lines += [head, f"    «{' '.join(s['quote'].split())}»"]
    return "\n".join(lines)
