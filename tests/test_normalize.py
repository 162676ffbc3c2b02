import unicodedata

from ingest.normalize import fix_tone_placement, fold, has_diacritics, normalize_query, normalize_text
from vectorstore.restore import DiacriticRestorer


def test_decomposed_text_becomes_nfc():
    decomposed = unicodedata.normalize("NFD", "Đảng ủy đã xử lý kỷ luật")
    assert decomposed != "Đảng ủy đã xử lý kỷ luật"
    assert normalize_text(decomposed) == "Đảng ủy đã xử lý kỷ luật"


def test_tone_placement_is_unified():
    assert fix_tone_placement("Đảng uỷ") == fix_tone_placement("Đảng ủy") == "Đảng ủy"
    assert fix_tone_placement("hoà bình, khoẻ, thuỷ") == "hòa bình, khỏe, thủy"
    assert fix_tone_placement("HOÀ") == "HÒA"


def test_tone_placement_leaves_closed_syllables_and_qu_alone():
    words = "hoàn thành, thuận lợi, quý, hoặc, thuế, luật, toàn"
    assert fix_tone_placement(words) == words


def test_query_meets_document_conventions():
    doc = normalize_text("Ban chấp hành Đảng uỷ")
    assert normalize_query("Đảng ủy") in doc
    assert normalize_query(unicodedata.normalize("NFD", "Đảng uỷ")) in doc


def test_fold_matches_queries_without_diacritics():
    assert fold("Có bao nhiêu đảng viên bị kỷ luật?") == "co bao nhieu dang vien bi ky luat?"
    assert not has_diacritics("co bao nhieu dang vien")
    assert has_diacritics("có")


def test_sentence_broken_across_lines_is_joined():
    text = "Sở giảm từ 08 phòng (Sở\nThông tin 04 phòng) xuống\ncòn 05 phòng.\nI. TIÊU ĐỀ\n- một ý"
    out = normalize_text(text)
    assert "giảm từ 08 phòng (Sở Thông tin 04 phòng) xuống còn 05 phòng." in out
    assert "\nI. TIÊU ĐỀ\n- một ý" in out  # headings and bullets keep their own lines


def test_page_break_mid_sentence_is_joined_but_paragraphs_are_not():
    prose = "Trong nhiệm kỳ, Đảng bộ đã lãnh đạo thực hiện tốt các nhiệm vụ chính trị được giao và"
    text = f"{prose}\n\nhoàn thành vượt mức chỉ tiêu.\n\nĐoạn mới bắt đầu."
    out = normalize_text(text)
    assert f"{prose} hoàn thành vượt mức chỉ tiêu." in out
    assert "\n\nĐoạn mới bắt đầu." in out


def test_footnote_marker_is_kept_apart_from_number():
    out = normalize_text("đã kết nạp 350¹ đảng viên")
    assert "350 ¹" in out and "3501" not in out


def test_whitespace_collapsed():
    assert normalize_text("a \t\u00a0 b  \n\n\n\n c ") == "a b\n\nc"


def test_restorer_puts_marks_back_from_the_reports_words():
    restorer = DiacriticRestorer(["Đảng bộ đã xử lý kỷ luật 50 đảng viên vi phạm."])
    assert restorer.restore("co bao nhieu dang vien bi ky luat") == "có bao nhiêu đảng viên bị kỷ luật"
    assert restorer.restore("Đảng viên") == "Đảng viên"  # a query with marks is left as typed
