"""File -> raw text for each supported format (txt, md, docx, pdf, html).

Loaders return text as read (not normalised): the normaliser works on it next and keeps the original.
Every failure is a LoadError that says what is wrong with the file and what the user can do about it.
"""

from __future__ import annotations

import codecs
import re
import unicodedata
from collections.abc import Callable, Iterator
from pathlib import Path

from ingest.boilerplate import strip_boilerplate
from ingest.encoding import decode_bytes
from ingest.errors import LoadError
from ingest.types import LoadedText, PageSpan

SUPPORTED_EXTENSIONS: frozenset[str] = frozenset({".txt", ".md", ".docx", ".pdf", ".html", ".htm"})

# Formats people often try, with the conversion that makes them loadable.
_CONVERT_HINTS = {
    ".doc": "open it in Word and save it as .docx",
    ".rtf": "open it in Word and save it as .docx",
    ".odt": "save it as .docx from LibreOffice",
    ".xps": "print it to PDF",
}


def load_file(path: Path) -> LoadedText:
    """Read one report file into raw text, dispatching on its extension."""
    path = Path(path)
    ext = path.suffix.lower()
    if not path.exists():
        raise LoadError(
            f"{path}: file not found. Check the path (and that the drive or folder is available)."
        )
    if path.is_dir():
        raise LoadError(
            f"{path}: is a folder, not a file. Use ingest.folders.scan_report_files() to list the reports in it."
        )
    loader = _LOADERS.get(ext)
    if loader is None:
        hint = _CONVERT_HINTS.get(ext, "convert it to one of these formats")
        accepted = ", ".join(sorted(SUPPORTED_EXTENSIONS))
        raise LoadError(
            f"{path.name}: unsupported file type '{ext or '(none)'}'. Accepted: {accepted}; {hint}."
        )
    loaded = loader(path)
    if not loaded.text.strip():
        raise LoadError(_empty_message(path, ext))
    return loaded


def _empty_message(path: Path, ext: str) -> str:
    """Why a file gave no text; a PDF without a text layer is almost always a scan."""
    if ext == ".pdf":
        return (
            f"{path.name}: the PDF has no text layer (probably a scanned document). "
            "Run OCR on it first (e.g. `ocrmypdf --language vie in.pdf out.pdf`) and ingest the result."
        )
    return f"{path.name}: the file contains no text. Check that it is the right file and that it was saved."


def _read_bytes(path: Path) -> bytes:
    """Read a file, turning OS errors (permissions, locks) into a LoadError."""
    try:
        return path.read_bytes()
    except OSError as exc:
        raise LoadError(
            f"{path.name}: cannot be read ({exc.strerror or exc}). Check its permissions."
        ) from exc


def _unify_newlines(text: str) -> str:
    """Windows and old Mac line ends -> "\\n", so line rules and offsets see one convention."""
    return text.replace("\r\n", "\n").replace("\r", "\n")


# --- plain text -------------------------------------------------------------------------------------------


def _load_text(path: Path) -> LoadedText:
    text, encoding = decode_bytes(_read_bytes(path), name=path.name)
    # Web pages saved as text carry counters and related headlines; a no-op on ordinary reports.
    text = strip_boilerplate(_unify_newlines(text))
    return LoadedText(text=text, format=path.suffix.lower().lstrip("."), encoding=encoding)


# --- DOCX -------------------------------------------------------------------------------------------------


def _load_docx(path: Path) -> LoadedText:
    import docx  # imported on use: keeps start-up fast for text-only ingests

    try:
        document = docx.Document(str(path))
        body = document._body  # parent for block items, so tables resolve their styles and cells
        lines = list(_docx_lines(document.element.body, body))
    except LoadError:
        raise
    except Exception as exc:  # python-docx raises zip, XML and key errors for damaged packages
        raise LoadError(
            f"{path.name}: not a readable .docx (damaged, or another format renamed to .docx: {exc}). "
            "Open it in Word and save it again as .docx."
        ) from exc
    return LoadedText(text="\n".join(lines), format="docx")


def _docx_lines(container, parent) -> Iterator[str]:
    """Paragraphs and table rows in reading order; content controls (w:sdt) are looked into."""
    from docx.oxml.ns import qn
    from docx.table import Table
    from docx.text.paragraph import Paragraph

    for child in container.iterchildren():
        if child.tag == qn("w:p"):
            text = Paragraph(child, parent).text.strip()
            if text:
                yield text
        elif child.tag == qn("w:tbl"):
            yield from _table_lines(Table(child, parent))
        elif child.tag == qn("w:sdt"):
            content = child.find(qn("w:sdtContent"))
            if content is not None:
                yield from _docx_lines(content, parent)


def _table_lines(table) -> Iterator[str]:
    """One line per row, cells joined by " | "; a merged cell repeated across the row appears once."""
    for row in table.rows:
        seen: set[int] = set()
        cells: list[str] = []
        for cell in row.cells:
            if id(cell._tc) in seen:
                continue
            seen.add(id(cell._tc))
            text = " ".join(cell.text.split())
            if text and (not cells or cells[-1] != text):
                cells.append(text)
        if cells:
            yield " | ".join(cells)


# --- PDF --------------------------------------------------------------------------------------------------


def _load_pdf(path: Path) -> LoadedText:
    from pypdf import PdfReader

    try:
        reader = PdfReader(str(path))
        _unlock(reader, path)
        page_texts = [_unify_newlines(page.extract_text() or "").strip() for page in reader.pages]
    except LoadError:
        raise
    except Exception as exc:  # pypdf raises many types for broken files
        raise LoadError(
            f"{path.name}: not a readable PDF (damaged or not really a PDF: {exc}). "
            "Re-export or re-download it and ingest it again."
        ) from exc
    text, spans = _join_pages(page_texts)
    return LoadedText(text=text, format="pdf", pages=spans)


def _unlock(reader, path: Path) -> None:
    """Open PDFs that are encrypted with an empty user password (common for 'no copy' PDFs)."""
    if not reader.is_encrypted:
        return
    try:
        ok = reader.decrypt("")
    except Exception:
        ok = 0
    if not ok:
        raise LoadError(
            f"{path.name}: the PDF is password-protected. Save an unprotected copy and ingest that instead."
        )


def _join_pages(page_texts: list[str]) -> tuple[str, tuple[PageSpan, ...]]:
    """Join pages with a blank line and record where each page sits (1-based page numbers)."""
    parts: list[str] = []
    spans: list[PageSpan] = []
    offset = 0
    for number, page_text in enumerate(page_texts, start=1):
        if parts:
            offset += 2  # the "\n\n" between pages
        spans.append(PageSpan(page=number, start=offset, end=offset + len(page_text)))
        parts.append(page_text)
        offset += len(page_text)
    return "\n\n".join(parts), tuple(spans)


# --- HTML -------------------------------------------------------------------------------------------------

_META_CHARSET = re.compile(rb"""<meta[^>]+charset\s*=\s*["']?\s*([A-Za-z0-9_.:-]+)""", re.IGNORECASE)
# Page furniture. A <header> inside the article holds its title, so only page-level headers go.
_DROP_XPATH = [
    f"//{tag}"
    for tag in ("nav", "footer", "aside", "script", "style", "form", "noscript", "template", "iframe")
] + ["//header[not(ancestor::article or ancestor::main)]", "//*[@role='navigation' or @role='banner']"]
_SECTION_TAGS = ("p", "div", "section", "article", "main", "blockquote", "pre", "address", "center")
_LIST_TAGS = ("li", "ul", "ol", "dl", "dt", "dd", "figure", "figcaption")
_TABLE_TAGS = ("table", "thead", "tbody", "tfoot", "tr", "caption")
_BLOCK_TAGS = frozenset((*_SECTION_TAGS, *_LIST_TAGS, *_TABLE_TAGS, "h1", "h2", "h3", "h4", "h5", "h6"))


def _load_html(path: Path) -> LoadedText:
    html, encoding = _decode_html(_read_bytes(path), path.name)
    text = _html_main_text(html) or _html_fallback_text(html, path.name)
    text = strip_boilerplate(_unify_newlines(text))
    return LoadedText(text=text, format="html", encoding=encoding)


def _decode_html(data: bytes, name: str) -> tuple[str, str]:
    """BOM, then valid UTF-8, then the page's <meta charset>, then our own detection.

    Valid UTF-8 wins over a declared single-byte charset: pages saved from portals often keep a stale
    "iso-8859-1" label, and decoding UTF-8 that way would silently garble every Vietnamese letter.
    """
    if data.startswith((b"\xef\xbb\xbf", b"\xff\xfe", b"\xfe\xff")) or b"\x00" in data:
        return decode_bytes(data, name=name)
    try:
        return data.decode("utf-8"), "utf-8"
    except UnicodeDecodeError:
        pass
    match = _META_CHARSET.search(data[:4096])
    if match:
        try:
            declared = codecs.lookup(match.group(1).decode("ascii")).name
            text = data.decode(declared)
        except (LookupError, UnicodeDecodeError):
            pass  # unknown or wrong label: detect instead
        else:
            # cp1258 keeps tone marks as separate characters; compose them as decode_bytes does.
            return (unicodedata.normalize("NFC", text) if declared == "cp1258" else text), declared
    return decode_bytes(data, name=name)


def _html_main_text(html: str) -> str:
    """Main content via trafilatura (drops menus, footers, comments); "" when it finds nothing."""
    import trafilatura

    try:
        text = trafilatura.extract(
            html,
            include_tables=True,
            include_comments=False,
            favor_recall=True,
            deduplicate=False,
            prune_xpath=_DROP_XPATH,  # on short pages trafilatura falls back to whole-page text
        )
    except Exception:  # trafilatura can choke on odd markup; the fallback still gets the text
        return ""
    return "\n".join(_tidy_table_line(line) for line in (text or "").split("\n"))


def _tidy_table_line(line: str) -> str:
    """trafilatura writes rows as "| a | b |"; use the DOCX convention "a | b" for every format."""
    stripped = line.strip()
    if len(stripped) < 2 or not (stripped.startswith("|") and stripped.endswith("|")):
        return line
    return " | ".join(cell.strip() for cell in stripped[1:-1].split("|"))


def _html_fallback_text(html: str, name: str) -> str:
    """Plain lxml text without navigation, header, footer, sidebars, scripts and forms."""
    import lxml.html

    if not html.strip():
        return ""  # load_file reports the empty file

    try:
        root = lxml.html.document_fromstring(
            html.encode("utf-8"), parser=lxml.html.HTMLParser(encoding="utf-8")
        )
    except Exception as exc:  # lxml raises ParserError on empty or broken documents
        raise LoadError(
            f"{name}: the HTML could not be parsed ({exc}). Save the page again from the browser."
        ) from exc
    for element in root.xpath("|".join(_DROP_XPATH)):
        if element.getparent() is not None:
            element.getparent().remove(element)
    body = root.find("body")
    pieces: list[str] = []
    _walk_html(body if body is not None else root, pieces)
    lines = (" ".join(line.split()) for line in "".join(pieces).split("\n"))
    return "\n".join(line for line in lines if line)


def _walk_html(element, out: list[str]) -> None:
    """Collect text, breaking lines at block elements and <br>, and cells with " | "."""
    tag = element.tag if isinstance(element.tag, str) else ""
    if tag in _BLOCK_TAGS:
        out.append("\n")
    if tag in ("td", "th") and not _at_line_start(out):
        out.append(" | ")
    if tag == "br":
        out.append("\n")
    if tag and element.text:  # comments and processing instructions have no string tag
        out.append(element.text)
    for child in element:
        _walk_html(child, out)
    if tag in _BLOCK_TAGS:
        out.append("\n")
    if element.tail:
        out.append(element.tail)


def _at_line_start(out: list[str]) -> bool:
    """True when only spaces follow the last line break collected so far (or nothing was collected)."""
    for piece in reversed(out):
        if "\n" in piece:
            return not piece.rsplit("\n", 1)[1].strip()
        if piece.strip():
            return False
    return True


# Dispatch: one small function per extension.
_LOADERS: dict[str, Callable[[Path], LoadedText]] = {
    ".txt": _load_text,
    ".md": _load_text,
    ".docx": _load_docx,
    ".pdf": _load_pdf,
    ".html": _load_html,
    ".htm": _load_html,
}
