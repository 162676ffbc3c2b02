from ingest.chunking import MAX_WORDS, chunk_document, parse_heading
from ingest.normalize import normalize_text
from ingest.sentences import split_sentences
from ingest.types import ReportMeta

REPORT = """BÁO CÁO
Kiểm điểm công tác nhiệm kỳ 2020 – 2025

Phần thứ nhất
KẾT QUẢ THỰC HIỆN

I. TÌNH HÌNH CHUNG
1. Đặc điểm
Đảng bộ có 98 đảng viên sinh hoạt tại 4 chi bộ.
2. Công tác xây dựng Đảng
2.1. Công tác tổ chức
Kết nạp 12 đảng viên mới trong nhiệm kỳ.
2.3. Công tác kiểm tra, giám sát, kỷ luật Đảng
a) Kiểm tra
Ủy ban kiểm tra đã kiểm tra 5 tổ chức đảng.
b) Kỷ luật
Đã xử lý kỷ luật 3 đảng viên (khiển trách: 02, cảnh cáo: 01).
- Nguyên nhân chủ yếu do vi phạm quy định.
+ Ý thức chấp hành chưa cao.

II. HẠN CHẾ
1. Hạn chế
Công tác tuyên truyền còn hạn chế.
"""

META = ReportMeta(doc="test.txt")


def _chunks(text: str, key: str):
    return chunk_document(text, key, META, split_sentences(text))


def chunks():
    text = normalize_text(REPORT)
    return text, _chunks(text, "doc1")


def test_headings_are_recognised():
    assert parse_heading("II. HẠN CHẾ").label == "II"
    assert parse_heading("2.3. Công tác kiểm tra").label == "2.3"
    assert parse_heading("2. 3. Tăng cường").label == "2.3"
    assert parse_heading("a) Kiểm tra").label == "a"
    assert parse_heading("Phần thứ nhất").level == 0
    assert parse_heading("Đảng bộ có 98 đảng viên.") is None


def test_chunk_text_is_an_exact_span_with_stable_ids():
    text, result = chunks()
    assert result
    for i, chunk in enumerate(result):
        assert text[chunk.start : chunk.end] == chunk.text
        assert chunk.id == f"doc1:{i:04d}"
    assert [c.id for c in _chunks(text, "doc1")] == [c.id for c in result]


def test_no_chunk_crosses_two_top_level_sections():
    _, result = chunks()
    for chunk in result:
        assert not ("I. TÌNH HÌNH CHUNG" in chunk.text and "II. HẠN CHẾ" in chunk.text)
    limitation = next(c for c in result if "Công tác tuyên truyền còn hạn chế" in c.text)
    assert limitation.section.startswith("Phần thứ nhất > II")


def test_section_path_names_the_heading_chain():
    text, _ = chunks()
    # Small target so each heading's text is its own chunk and the leaf path is visible.
    import ingest.chunking as chunking

    old = chunking.TARGET_WORDS
    chunking.TARGET_WORDS = 5
    try:
        result = _chunks(text, "doc1")
    finally:
        chunking.TARGET_WORDS = old
    discipline = next(c for c in result if "xử lý kỷ luật 3 đảng viên" in c.text)
    assert discipline.section == "Phần thứ nhất > I > 2 > 2.3 > b) Kỷ luật"
    assert "2.3. Công tác kiểm tra, giám sát, kỷ luật Đảng" in discipline.heading_context
    assert discipline.embed_text().startswith(discipline.heading_context)
    assert "Nguyên nhân chủ yếu" in discipline.text  # bullets stay with their section


def test_long_sections_are_split_below_the_maximum():
    sentence = "Đảng bộ tiếp tục lãnh đạo thực hiện tốt nhiệm vụ chính trị được giao trong năm. "
    text = normalize_text("I. MỤC LỚN\n" + sentence * 80)
    result = _chunks(text, "d")
    assert len(result) > 1
    assert all(len(c.text.split()) <= MAX_WORDS for c in result)
    assert all(c.section == "I. MỤC LỚN" for c in result)


def test_a_sentence_without_full_stops_is_cut_for_the_embedder():
    clause = "tiếp tục lãnh đạo thực hiện tốt nhiệm vụ chính trị được giao trong năm"
    text = normalize_text("I. MỤC LỚN\n- " + "; ".join([clause] * 60) + ".")
    result = _chunks(text, "d")
    assert len(result) > 1
    assert all(len(c.text.split()) <= MAX_WORDS for c in result)
    assert all(text[c.start : c.end] == c.text for c in result)


def _long_report() -> str:
    """Sections long enough to be cut into overlapping pieces."""
    body = " ".join(f"Chi bộ thôn {i} kết nạp {i % 7 + 1} đảng viên mới trong năm." for i in range(120))
    return normalize_text(REPORT.replace("Kết nạp 12 đảng viên mới trong nhiệm kỳ.", body) * 3)


def test_the_chunk_finder_agrees_with_a_plain_scan():
    """Bisection over overlapping chunks gives the first chunk holding each offset, and each chunk with
    every span wholly inside it, exactly as scanning every chunk does."""
    from ingest.chunking import ChunkFinder

    text = _long_report()
    result = _chunks(text, "doc1")
    assert any(a.end > b.start for a, b in zip(result, result[1:], strict=False)), "no overlap to test"
    finder = ChunkFinder(result)
    assert finder.ordered
    for offset in range(0, len(text) + 5, 7):
        scanned = next((c for c in result if c.start <= offset < c.end), None)
        assert finder.at(offset) is scanned
        assert finder.section_at(offset) == (scanned.section if scanned else "")
    spans = [(s.start, s.end) for s in split_sentences(text)]
    assert finder.holding(spans) == [
        (c, s) for c in result for s in spans if c.start <= s[0] and s[1] <= c.end
    ]
    for start in range(0, len(text), 97):
        end = start + 250
        assert finder.overlapping(start, end) == [c for c in result if c.start < end and start < c.end]
