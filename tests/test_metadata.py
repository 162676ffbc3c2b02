from ingest.metadata import read_metadata
from ingest.normalize import normalize_text

HEADER = """ĐẢNG BỘ TỈNH PHÚ THỌ
ĐẢNG ỦY KHỐI CÁC CƠ QUAN TỈNH
*
Số 165-BC/ĐUK
Phú Thọ, ngày 15 tháng 6 năm 2023

BÁO CÁO
Sơ kết giữa nhiệm kỳ thực hiện Nghị quyết Đại hội Đảng bộ Khối
các cơ quan tỉnh lần thứ XIX, nhiệm kỳ 2020 - 2025

Đảng bộ Khối các cơ quan tỉnh đã lãnh đạo thực hiện nhiệm vụ. Đảng bộ Khối có 120 tổ chức cơ sở đảng.
"""


def test_metadata_read_from_text():
    meta = read_metadata(normalize_text(HEADER), "r.txt")
    assert meta.doc == "r.txt"
    assert meta.title.startswith("Báo cáo Sơ kết giữa nhiệm kỳ")
    assert "các cơ quan tỉnh lần thứ XIX" in meta.title  # the title's broken line is joined
    assert meta.kind == "midterm_review"
    assert meta.issuing_body == "Đảng bộ Khối các cơ quan tỉnh"
    assert meta.province == "Phú Thọ"
    assert meta.term == "2020–2025"
    assert meta.doc_number == "165-BC/ĐUK"
    assert meta.date == "2023-06-15"


def test_news_article_and_year():
    text = normalize_text(
        "Hội nghị tổng kết công tác Đảng bộ Sở Khoa học và Công nghệ năm 2020\n\n"
        "Chiều ngày 25/12/2020, Đảng bộ Sở Khoa học và Công nghệ đã tổ chức Hội nghị."
    )
    meta = read_metadata(text, "n.txt")
    assert meta.kind == "news"
    assert meta.term == "2020"
    assert meta.province == ""  # not stated: never guessed
    assert meta.issuing_body == "Đảng bộ Sở Khoa học và Công nghệ"
