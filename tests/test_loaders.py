"""File loaders, encodings and website boilerplate: every fixture is written here, in tmp_path."""

from __future__ import annotations

import codecs
import glob
import random
import unicodedata
from pathlib import Path

import pytest

from ingest.boilerplate import strip_boilerplate
from ingest.encoding import decode_bytes
from ingest.errors import LoadError
from ingest.folders import iter_report_files
from ingest.loaders import SUPPORTED_EXTENSIONS, load_file
from ingest.types import PageSpan

REPORTS = Path(__file__).resolve().parents[2] / "shared" / "reports"

VI_TEXT = (
    "Đảng ủy Sở Khoa học và Công nghệ\n"
    "Trong nhiệm kỳ, thi hành kỷ luật 05 đảng viên: khiển trách 03, cảnh cáo 02.\n"
    "Kết nạp 12 đảng viên mới; ước tính hưởng ứng, quyết nghị, Ủy ban kiểm tra."
)


def nfc(text: str) -> str:
    return unicodedata.normalize("NFC", text)


def to_cp1258(text: str) -> bytes:
    """Encode like a Vietnamese Windows keyboard: shaped base letter (â ơ ư ...) plus a combining tone."""
    tones = {"\u0300", "\u0301", "\u0303", "\u0309", "\u0323"}
    out = []
    for ch in nfc(text):
        try:
            out.append(ch.encode("cp1258"))
            continue
        except UnicodeEncodeError:
            pass
        parts = unicodedata.normalize("NFD", ch)
        base = nfc("".join(c for c in parts if c not in tones))  # a + ̂ -> â, o + ̛ -> ơ
        out.append((base + "".join(c for c in parts if c in tones)).encode("cp1258"))
    return b"".join(out)


# --- encodings --------------------------------------------------------------------------------------------


def test_cp1258_helper_really_produces_combining_tones():
    data = to_cp1258("Đảng ủy")
    assert b"\xd2" in data  # combining hook above: the byte a UTF-8 reader would choke on
    with pytest.raises(UnicodeDecodeError):
        data.decode("utf-8")


def test_windows_1258_text_file_loads_as_nfc(tmp_path):
    path = tmp_path / "bao_cao.txt"
    path.write_bytes(to_cp1258(VI_TEXT))
    loaded = load_file(path)
    assert loaded.text == nfc(VI_TEXT)
    assert loaded.encoding == "cp1258"
    assert loaded.format == "txt"


@pytest.mark.parametrize(
    ("encoding", "bom", "expected"),
    [
        ("utf-8", codecs.BOM_UTF8, "utf-8-sig"),
        ("utf-16-le", codecs.BOM_UTF16_LE, "utf-16-le"),
        ("utf-16-be", codecs.BOM_UTF16_BE, "utf-16-be"),
    ],
)
def test_bom_files_give_exact_text_without_bom(tmp_path, encoding, bom, expected):
    path = tmp_path / "report.txt"
    path.write_bytes(bom + VI_TEXT.encode(encoding))
    loaded = load_file(path)
    assert loaded.text == VI_TEXT
    assert "\ufeff" not in loaded.text
    assert loaded.encoding == expected


def test_python_utf16_codec_output_loads(tmp_path):
    path = tmp_path / "report.md"
    path.write_text(VI_TEXT, encoding="utf-16")  # what Notepad's "Unicode" does: BOM + LE
    assert load_file(path).text == VI_TEXT


@pytest.mark.parametrize("encoding", ["utf-16-le", "utf-16-be"])
def test_bomless_utf16_is_detected_by_nul_pattern(encoding):
    text, used = decode_bytes(VI_TEXT.encode(encoding))
    assert (text, used) == (VI_TEXT, encoding)


def test_plain_utf8_and_empty_bytes():
    assert decode_bytes(VI_TEXT.encode("utf-8")) == (VI_TEXT, "utf-8")
    assert decode_bytes(b"") == ("", "utf-8")


def test_crlf_line_ends_become_newlines(tmp_path):
    path = tmp_path / "crlf.txt"
    path.write_bytes(VI_TEXT.replace("\n", "\r\n").encode("utf-8"))
    assert load_file(path).text == VI_TEXT


def test_undecodable_bytes_raise_with_advice(tmp_path):
    rng = random.Random(7)
    data = bytes(
        rng.choice([0x80, 0x82, 0x84, 0x85, 0x86, 0x89, 0x8B, 0x91, 0x95, 0x99, 0x9F, 0x41])
        for _ in range(400)
    )
    path = tmp_path / "garbled.txt"
    path.write_bytes(data)
    with pytest.raises(LoadError, match="UTF-8") as info:
        load_file(path)
    assert "garbled.txt" in str(info.value)


def test_latin1_western_text_is_not_mistaken_for_vietnamese():
    data = "Müller prüft die Größe des Straßenmaßes für Köln und Düsseldorf.".encode("latin-1")
    with pytest.raises(LoadError, match="save it as UTF-8"):
        decode_bytes(data, name="de.txt")


def test_tcvn3_like_bytes_are_rejected():
    # Old TCVN3 (ABC) files put Vietnamese letters on 0xA1-0xFE; read as cp1258 they are symbols.
    data = b"\xae\xb6ng \xf1y k\xfb lu\xa5t \xa7\xb8ng vi\xaan " * 20
    with pytest.raises(LoadError):
        decode_bytes(data)


def test_binary_with_nuls_is_rejected():
    with pytest.raises(LoadError, match="binary"):
        decode_bytes(b"\x00\x01\x02PK\x03\x04\x00\x00\x00\x00\xff\x10\x00")


# --- DOCX -------------------------------------------------------------------------------------------------


def _write_docx(path: Path) -> None:
    import docx

    document = docx.Document()
    document.add_heading("Báo cáo kiểm điểm của Đảng ủy", level=1)
    document.add_paragraph("Đảng ủy đã lãnh đạo thực hiện tốt công tác kiểm tra, giám sát.")
    table = document.add_table(rows=2, cols=3)
    table.rows[0].cells[0].text = "Hình thức"
    table.rows[0].cells[1].text = "Số đảng viên"
    table.rows[0].cells[2].text = "Ghi chú"
    merged = table.rows[1].cells[0].merge(table.rows[1].cells[1])  # one cell spanning two columns
    merged.text = "Khiển trách"
    table.rows[1].cells[2].text = "03 đồng chí"
    document.add_paragraph("Kết luận: thi hành kỷ luật 03 đảng viên bằng hình thức khiển trách.")
    document.save(str(path))


def test_docx_keeps_diacritics_and_reading_order(tmp_path):
    path = tmp_path / "report.docx"
    _write_docx(path)
    loaded = load_file(path)
    lines = loaded.text.split("\n")
    assert loaded.format == "docx"
    assert lines[0] == "Báo cáo kiểm điểm của Đảng ủy"  # heading kept as its own line
    for word in ("Đảng ủy", "kỷ luật", "khiển trách"):
        assert word in loaded.text
    before = lines.index("Đảng ủy đã lãnh đạo thực hiện tốt công tác kiểm tra, giám sát.")
    header = lines.index("Hình thức | Số đảng viên | Ghi chú")
    row = lines.index("Khiển trách | 03 đồng chí")  # merged cell appears once
    after = lines.index("Kết luận: thi hành kỷ luật 03 đảng viên bằng hình thức khiển trách.")
    assert before < header < row < after


def test_corrupt_docx_raises_helpful_error(tmp_path):
    path = tmp_path / "broken.docx"
    path.write_bytes(random.Random(1).randbytes(2048))
    with pytest.raises(LoadError, match=r"broken\.docx.*save it again as \.docx"):
        load_file(path)


# --- PDF --------------------------------------------------------------------------------------------------


def _find_dejavu() -> Path | None:
    candidates = ["/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf"]
    candidates += glob.glob("/usr/share/fonts/**/DejaVuSans.ttf", recursive=True)
    import site

    for root in site.getsitepackages():
        candidates += glob.glob(f"{root}/**/DejaVuSans.ttf", recursive=True)
    return next((Path(c) for c in candidates if Path(c).is_file()), None)


PAGE_ONE = "Trang một: Đảng ủy thi hành kỷ luật 05 đảng viên."
PAGE_TWO = "Trang hai: khiển trách 03 đồng chí, cảnh cáo 02 đồng chí."


def _write_pdf(path: Path, font: Path, pages: list[str]) -> None:
    from fpdf import FPDF

    pdf = FPDF()
    pdf.add_font("DejaVu", fname=str(font))
    pdf.set_font("DejaVu", size=12)
    for text in pages:
        pdf.add_page()
        pdf.multi_cell(0, 8, text)
    pdf.output(str(path))


def test_pdf_pages_and_spans(tmp_path):
    font = _find_dejavu()
    if font is None:
        pytest.skip("no DejaVuSans.ttf on this system (install fonts-dejavu-core) to draw Vietnamese glyphs")
    path = tmp_path / "report.pdf"
    _write_pdf(path, font, [PAGE_ONE, PAGE_TWO])
    loaded = load_file(path)
    assert loaded.format == "pdf"
    assert [span.page for span in loaded.pages] == [1, 2]
    first, second = (nfc(loaded.text[s.start : s.end]) for s in loaded.pages)
    assert PAGE_ONE in first and PAGE_TWO not in first
    assert PAGE_TWO in second and PAGE_ONE not in second
    assert loaded.pages[0] == PageSpan(page=1, start=0, end=loaded.pages[0].end)
    assert loaded.text[loaded.pages[0].end : loaded.pages[1].start] == "\n\n"
    assert loaded.pages[1].end == len(loaded.text)


def test_pdf_without_text_layer_asks_for_ocr(tmp_path):
    from fpdf import FPDF

    pdf = FPDF()
    pdf.add_page()
    pdf.rect(20, 20, 100, 50, style="F")  # a "scan": graphics, no text
    path = tmp_path / "scan.pdf"
    pdf.output(str(path))
    with pytest.raises(LoadError, match="OCR"):
        load_file(path)


def test_corrupt_pdf_raises(tmp_path):
    path = tmp_path / "broken.pdf"
    path.write_bytes(b"%PDF-1.4\n" + random.Random(2).randbytes(1024))
    with pytest.raises(LoadError, match=r"broken\.pdf"):
        load_file(path)


# --- HTML -------------------------------------------------------------------------------------------------

ARTICLE = (
    "Chiều ngày 25/12/2020, Đảng ủy Sở đã tổ chức Hội nghị tổng kết công tác xây dựng Đảng năm 2020 "
    "và triển khai nhiệm vụ trọng tâm năm 2021."
)
ARTICLE_2 = (
    "Trong năm, Đảng ủy đã thi hành kỷ luật 02 đảng viên bằng hình thức khiển trách và kết nạp 05 "
    "đảng viên mới, nâng tổng số đảng viên của Đảng bộ lên 120 đồng chí."
)
PAGE = f"""<!DOCTYPE html>
<html><head><meta charset="{{charset}}"><title>Sở Khoa học và Công nghệ</title></head><body>
<header><div class="logo">Cổng thông tin điện tử Sở Khoa học và Công nghệ</div></header>
<nav><ul><li><a href="/">Trang chủ</a></li><li><a href="/gioi-thieu">Giới thiệu chung</a></li>
<li><a href="/tin">Tin tức sự kiện</a></li></ul></nav>
<a href="#main">Truy cập nội dung luôn</a>
<main id="main"><article>
<h1>Hội nghị tổng kết công tác Đảng năm 2020</h1>
<div class="meta">28/12/2020 13:39 &nbsp;&nbsp; 400</div>
<p>{ARTICLE}</p>
<p>{ARTICLE_2}</p>
<p>Hội nghị đã thống nhất thông qua Nghị quyết về phương hướng, nhiệm vụ năm 2021 với nhiều chỉ tiêu.</p>
</article>
<div class="related"><h3>Tin liên quan</h3><ul>
<li><a href="/a">Đại hội chi bộ Tổng hợp nhiệm kỳ 2022-2025</a></li>
<li><a href="/b">Sở tổ chức họp mặt kỷ niệm ngày Quốc tế Phụ nữ 8/3</a></li></ul></div>
</main>
<footer><p>Thống kê truy cập</p><p>Số lượt truy cập: 1094</p><p>Tổng số lượt xem: 4241514</p>
<p>Bản quyền thuộc Sở Khoa học và Công nghệ</p></footer>
</body></html>"""

NOT_IN_BODY = (
    "Trang chủ",
    "Giới thiệu chung",
    "Cổng thông tin điện tử",
    "Truy cập nội dung luôn",
    "Số lượt truy cập",
    "4241514",
    "Bản quyền",
    "Tin liên quan",
    "Đại hội chi bộ Tổng hợp",
    "ngày Quốc tế Phụ nữ",
)


def _assert_article_only(text: str) -> None:
    assert ARTICLE in text and ARTICLE_2 in text
    for junk in NOT_IN_BODY:
        assert junk not in text, junk


def test_html_keeps_article_drops_navigation_and_boilerplate(tmp_path):
    path = tmp_path / "page.html"
    path.write_text(PAGE.replace("{charset}", "utf-8"), encoding="utf-8")
    loaded = load_file(path)
    assert loaded.format == "html"
    _assert_article_only(loaded.text)
    assert "\n" in loaded.text  # paragraphs stay separate lines


def test_html_fallback_without_trafilatura_result(tmp_path, monkeypatch):
    import ingest.loaders as loaders

    monkeypatch.setattr(loaders, "_html_main_text", lambda html: "")
    path = tmp_path / "page.htm"
    path.write_text(PAGE.replace("{charset}", "utf-8"), encoding="utf-8")
    _assert_article_only(load_file(path).text)


def test_html_honours_meta_charset_windows_1258(tmp_path):
    path = tmp_path / "legacy.html"
    path.write_bytes(to_cp1258(PAGE.replace("{charset}", "windows-1258")))
    loaded = load_file(path)
    assert loaded.encoding == "cp1258"
    _assert_article_only(nfc(loaded.text))


# --- boilerplate ------------------------------------------------------------------------------------------

REPORT_BODY = [
    "Hội nghị tổng kết công tác Đảng bộ năm 2020 và phương hướng, nhiệm vụ năm 2021.",
    "",
    "Chiều ngày 25/12/2020, Đảng bộ Sở đã tổ chức Hội nghị tổng kết công tác năm 2020. " * 4,
    "",
    "Trong năm, Đảng ủy thi hành kỷ luật 02 đảng viên, kết nạp 05 đảng viên mới. " * 4,
    "",
    "Đ/c Bí thư Đảng ủy tặng Giấy khen cho các cá nhân hoàn thành xuất sắc nhiệm vụ.",
]
WEB_PAGE = "\n".join(
    ["Truy cập nội dung luôn", "", REPORT_BODY[0], "", "28/12/2020 13:39 \xa0\xa0 400", "", *REPORT_BODY[2:]]
    + ["", "\xa0", "", "Tin liên quan", "", "Thống kê truy cập", "", "Số lượt truy cập: 1094", ""]
    + ["Tổng số lượt xem: 4241514"]
)


def test_strip_boilerplate_removes_web_chrome():
    out = strip_boilerplate(WEB_PAGE)
    assert out == "\n".join(REPORT_BODY)


def test_strip_boilerplate_removes_trailing_related_bullets():
    text = "\n".join(
        REPORT_BODY + ["Tin tức khác cùng chuyên mục", "• Hội nghị A năm 2024", "• Đại hội chi bộ B"]
    )
    assert strip_boilerplate(text) == "\n".join(REPORT_BODY)


def test_strip_boilerplate_leaves_reports_alone():
    report = "\n".join(
        [" BÁO CÁO", "", "I. TÌNH HÌNH CHUNG", "- Tổng số: 07 đồng chí.", "Số 165-BC/ĐUK", *REPORT_BODY]
        + ["Nơi nhận:", "- Lưu VT.", "", "TM. ĐẢNG ỦY", "BÍ THƯ", ""]
    )
    assert strip_boilerplate(report) == report


def test_related_header_in_the_body_is_kept():
    # A "Tin liên quan" line followed by real paragraphs is content, not a related-news list.
    long_para = "Đảng ủy đã lãnh đạo, chỉ đạo thực hiện nghiêm túc các nghị quyết của cấp trên. " * 5
    text = "\n".join(["Mở đầu", "Tin liên quan", long_para, long_para])
    assert strip_boilerplate(text) == text


def test_decomposed_boilerplate_is_recognised():
    decomposed = unicodedata.normalize("NFD", "Số lượt truy cập: 1094")
    assert strip_boilerplate(f"{REPORT_BODY[2]}\n{decomposed}") == REPORT_BODY[2]


# --- seed reports (integration) ---------------------------------------------------------------------------


def _seed(prefix: str) -> Path:
    if not REPORTS.is_dir():
        pytest.skip(f"seed reports folder {REPORTS} is absent")
    matches = sorted(REPORTS.glob(f"{prefix}_*.txt"))
    if not matches:
        pytest.skip(f"no seed report {prefix}_*.txt in {REPORTS}")
    return matches[0]


@pytest.mark.integration
@pytest.mark.parametrize("prefix", ["000", "001", "002"])
def test_seed_reports_are_unchanged(prefix):
    path = _seed(prefix)
    original = path.read_text(encoding="utf-8").replace("\r\n", "\n")
    assert load_file(path).text == original


@pytest.mark.integration
@pytest.mark.parametrize("prefix", ["003", "004"])
def test_seed_web_pages_lose_only_boilerplate(prefix):
    path = _seed(prefix)
    original = path.read_text(encoding="utf-8").replace("\r\n", "\n")
    text = load_file(path).text
    for junk in ("Truy cập nội dung luôn", "Số lượt truy cập", "Tin tức khác cùng chuyên mục"):
        assert junk not in text
    # Every long line of the original (real paragraphs) survives verbatim and in order.
    paragraphs = [line for line in original.split("\n") if len(line) > 300]
    assert paragraphs
    position = 0
    for paragraph in paragraphs:
        position = text.index(paragraph, position)
    # Start of the article itself (first long line), computed from the file rather than typed.
    assert paragraphs[0][:40] in text


# --- errors and listing -----------------------------------------------------------------------------------


def test_missing_file(tmp_path):
    with pytest.raises(LoadError, match="not found"):
        load_file(tmp_path / "nope.txt")


def test_unsupported_extension_lists_accepted(tmp_path):
    path = tmp_path / "old.doc"
    path.write_bytes(b"\xd0\xcf\x11\xe0")
    with pytest.raises(LoadError) as info:
        load_file(path)
    message = str(info.value)
    assert "unsupported" in message and ".doc" in message
    for ext in SUPPORTED_EXTENSIONS:
        assert ext in message
    assert "save it as .docx" in message


@pytest.mark.parametrize("content", [b"", b"  \n\r\n\t ", codecs.BOM_UTF8])
def test_empty_text_file(tmp_path, content):
    path = tmp_path / "empty.txt"
    path.write_bytes(content)
    with pytest.raises(LoadError, match="no text"):
        load_file(path)


def test_folder_passed_to_load_file(tmp_path):
    with pytest.raises(LoadError, match="folder"):
        load_file(tmp_path)


def test_iter_report_files(tmp_path):
    files = [
        "a.txt",
        "b.DOCX",
        "sub/c.pdf",
        "sub/deeper/d.html",
        "sub/deeper/e.htm",
        "sub/f.md",
        "sub/~$lock.docx",
        "sub/.hidden.txt",
        ".git/config.txt",
        "sub/.cache/x.txt",
        "notes.xlsx",
        "image.png",
    ]
    for name in files:
        (tmp_path / name).parent.mkdir(parents=True, exist_ok=True)
        (tmp_path / name).write_text("x", encoding="utf-8")
    found = iter_report_files([tmp_path, tmp_path / "a.txt"])  # a duplicate is listed once
    rel = [p.relative_to(tmp_path).as_posix() for p in found]
    assert rel == sorted(rel)
    assert set(rel) == {"a.txt", "b.DOCX", "sub/c.pdf", "sub/deeper/d.html", "sub/deeper/e.htm", "sub/f.md"}


def test_iter_report_files_keeps_explicit_files(tmp_path):
    # Named explicitly, an unsupported file is kept so load_file can explain why it fails.
    named = tmp_path / "scan.png"
    named.write_bytes(b"\x89PNG")
    assert iter_report_files([named]) == [named]
