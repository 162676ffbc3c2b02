"""Briefing notes: answers with numbered footnotes, as Markdown (`[^1]`) and as DOCX (real Word footnotes).

Each answer's markers [1] [2] become footnotes numbered across the whole note, each footnote naming the
report title, issuing body, term, section and quoting the passage, so a trainer can paste it as it is.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from xml.sax.saxutils import escape as xml_escape

from docx import Document as new_docx
from docx.opc.constants import RELATIONSHIP_TYPE as RT
from docx.opc.packuri import PackURI
from docx.opc.part import Part
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from docx.shared import Pt

from assistant.citations import MARKER_RE
from assistant.labels import full_label

NOTE_TITLE = "Ghi chú tóm tắt"
_BOLD_RE = re.compile(r"\*\*(.+?)\*\*")
# XML 1.0 forbids most control characters; a report read from a damaged file may carry some.
_XML_BAD_RE = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")
_FOOTNOTES_CT = "application/vnd.openxmlformats-officedocument.wordprocessingml.footnotes+xml"
_W_NS = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"


@dataclass(frozen=True)
class NoteSource:
    """What a footnote says about one cited passage."""

    title: str
    issuing_body: str = ""
    term: str = ""
    section: str = ""
    quote: str = ""
    province: str = ""
    doc: str = ""

    def reference(self) -> str:
        """ "Title — issuing body — tỉnh X — nhiệm kỳ 2020–2025 — mục II > 2"; parts the title repeats are skipped."""
        label = full_label(self.title or self.doc, self.issuing_body, self.province, self.term, spelled=True)
        parts = [label, f"mục {self.section}" if self.section else ""]
        return " — ".join(one_line(p) for p in parts if p)

    def footnote(self) -> str:
        quote = one_line(self.quote)
        return f"{self.reference()}: «{quote}»" if quote else self.reference()


@dataclass(frozen=True)
class NoteItem:
    """One question and its answer; `sources` maps the answer's marker numbers to what they cite."""

    question: str
    answer: str
    sources: dict[int, NoteSource] = field(default_factory=dict)


def one_line(text: str) -> str:
    return re.sub(r"\s+", " ", text).strip()


@dataclass
class _Numbered:
    """An item with its markers renumbered across the note: text pieces and footnote numbers in order."""

    question: str
    lines: list[list[str | int]]  # per line: text pieces and footnote numbers
    notes: list[tuple[int, NoteSource]]


def _number(items: Sequence[NoteItem]) -> list[_Numbered]:
    """Footnotes numbered 1, 2, 3 ... across the note, in reading order; an unmentioned source goes last."""
    out: list[_Numbered] = []
    next_n = 1
    for item in items:
        mapping: dict[int, int] = {}
        lines: list[list[str | int]] = []
        for raw_line in item.answer.strip().splitlines() or [""]:
            pieces: list[str | int] = []
            pos = 0
            for m in MARKER_RE.finditer(raw_line):
                n = int(m.group(1))
                if n not in item.sources:
                    continue  # a bracketed number that is not a marker stays as text
                pieces.append(raw_line[pos : m.start()].rstrip() if m.start() > pos else "")
                if n not in mapping:
                    mapping[n] = next_n
                    next_n += 1
                pieces.append(mapping[n])
                pos = m.end()
            pieces.append(raw_line[pos:])
            lines.append([p for p in pieces if p != ""])
        for n in sorted(set(item.sources) - set(mapping)):
            mapping[n] = next_n
            next_n += 1
            lines[-1].append(mapping[n])
        notes = sorted((k, item.sources[n]) for n, k in mapping.items())
        out.append(_Numbered(item.question, lines, notes))
    return out


def _stamp(now: datetime | None) -> str:
    return (now or datetime.now()).strftime("%d/%m/%Y %H:%M")


# --- Markdown ----------------------------------------------------------------------------------------
def to_markdown(items: Sequence[NoteItem], title: str = NOTE_TITLE, now: datetime | None = None) -> str:
    numbered = _number(items)
    out = [f"# {title}", "", f"_Trợ lý báo cáo, {_stamp(now)}. Nguồn ở chú thích cuối trang._", ""]
    for i, item in enumerate(numbered, start=1):
        out += [f"## {i}. {one_line(item.question)}", ""]
        for line in item.lines:
            out.append("".join(p if isinstance(p, str) else f"[^{p}]" for p in line))
        out.append("")
    for item in numbered:
        out += [f"[^{k}]: {source.footnote()}" for k, source in item.notes]
    return "\n".join(out).rstrip() + "\n"


# --- DOCX --------------------------------------------------------------------------------------------
def to_docx(
    items: Sequence[NoteItem], path: Path, title: str = NOTE_TITLE, now: datetime | None = None
) -> Path:
    """Write a DOCX whose footnotes are real Word footnotes (they renumber when pasted into a note)."""
    numbered = _number(items)
    doc = new_docx()
    doc.styles["Normal"].font.name = "Times New Roman"
    doc.styles["Normal"].font.size = Pt(13)
    doc.add_heading(title, level=1)
    doc.add_paragraph().add_run(f"Trợ lý báo cáo, {_stamp(now)}. Nguồn ở chú thích cuối trang.").italic = True
    footnotes: list[tuple[int, NoteSource]] = []
    referenced: set[int] = set()
    for i, item in enumerate(numbered, start=1):
        doc.add_heading(f"{i}. {one_line(item.question)}", level=2)
        for line in item.lines:
            _add_answer_line(doc, line, referenced)
        footnotes += item.notes
    _attach_footnotes(doc, footnotes)
    path.parent.mkdir(parents=True, exist_ok=True)
    doc.save(str(path))
    return path


def _add_answer_line(doc, line: list[str | int], referenced: set[int]) -> None:
    first = line[0] if line else ""
    bullet = isinstance(first, str) and first.lstrip().startswith(("- ", "* "))
    paragraph = doc.add_paragraph(style="List Bullet" if bullet else None)
    for k, piece in enumerate(line):
        if isinstance(piece, int):
            if piece in referenced:  # Word allows one reference per footnote: repeat the number as text
                paragraph.add_run(str(piece)).font.superscript = True
            else:
                _footnote_reference(paragraph.add_run(), piece)
                referenced.add(piece)
            continue
        text = piece.lstrip()[2:] if bullet and k == 0 else piece
        for j, part in enumerate(_BOLD_RE.split(_xml_safe(text))):
            if part:
                paragraph.add_run(part).bold = True if j % 2 else None  # odd parts sat between ** **


def _footnote_reference(run, number: int) -> None:
    run.font.superscript = True
    ref = OxmlElement("w:footnoteReference")
    ref.set(qn("w:id"), str(number))
    run._r.append(ref)


def _xml_safe(text: str) -> str:
    return _XML_BAD_RE.sub("", text)


def _footnote_xml(number: int, text: str) -> str:
    return (
        f'<w:footnote w:id="{number}"><w:p><w:pPr><w:spacing w:after="0"/></w:pPr>'
        '<w:r><w:rPr><w:vertAlign w:val="superscript"/><w:sz w:val="20"/></w:rPr><w:footnoteRef/></w:r>'
        f'<w:r><w:rPr><w:sz w:val="20"/></w:rPr><w:t xml:space="preserve"> {xml_escape(_xml_safe(text))}</w:t>'
        "</w:r></w:p></w:footnote>"
    )


def _attach_footnotes(doc, footnotes: list[tuple[int, NoteSource]]) -> None:
    """python-docx has no footnote API: add the footnotes part (separators + one note per number)."""
    separators = (
        '<w:footnote w:type="separator" w:id="-1"><w:p><w:pPr><w:spacing w:after="0"/></w:pPr>'
        "<w:r><w:separator/></w:r></w:p></w:footnote>"
        '<w:footnote w:type="continuationSeparator" w:id="0"><w:p><w:pPr><w:spacing w:after="0"/></w:pPr>'
        "<w:r><w:continuationSeparator/></w:r></w:p></w:footnote>"
    )
    body = "".join(_footnote_xml(k, source.footnote()) for k, source in footnotes)
    xml = f'<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n<w:footnotes xmlns:w="{_W_NS}">{separators}{body}</w:footnotes>'
    part = Part(PackURI("/word/footnotes.xml"), _FOOTNOTES_CT, xml.encode("utf-8"), doc.part.package)
    doc.part.relate_to(part, RT.FOOTNOTES)


def read_docx_footnotes(path: Path) -> dict[int, str]:
    """The footnotes of a DOCX written here, by number (for tests and checks)."""
    import zipfile
    from xml.etree import ElementTree

    with zipfile.ZipFile(path) as z:
        root = ElementTree.fromstring(z.read("word/footnotes.xml"))
    notes: dict[int, str] = {}
    for note in root.findall(f"{{{_W_NS}}}footnote"):
        number = int(note.get(f"{{{_W_NS}}}id", "0"))
        if number > 0:
            notes[number] = "".join(t.text or "" for t in note.iter(f"{{{_W_NS}}}t")).strip()
    return notes
