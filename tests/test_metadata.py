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
    # The header's second line is the issuer (the first is its superior): the committee of the Bloc.
    assert meta.issuing_body == "Đảng ủy Khối các cơ quan tỉnh"
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


def _body(text: str) -> str:
    return read_metadata(normalize_text(text), "x.txt").issuing_body


def test_issuing_bodies_of_every_level():
    # The heads of Party bodies come from the lexicon; the name runs on with capitalised words, connectors
    # and the lower-case syllables of a capitalised word.
    assert _body("Huyện ủy Tam Nông đã lãnh đạo thực hiện nhiệm vụ năm 2024.") == "Huyện ủy Tam Nông"
    assert _body("Đảng ủy xã Hương Nộn đã tổ chức hội nghị. Đảng ủy xã Hương Nộn kết nạp 5 đảng viên.") == (
        "Đảng ủy xã Hương Nộn"
    )
    assert (
        _body("Ủy ban Kiểm tra Thành ủy Việt Trì đã kiểm tra 12 tổ chức đảng.")
        == "Ủy ban Kiểm tra Thành ủy Việt Trì"
    )
    assert _body("Chi bộ Trường Tiểu học Kim Đồng có 18 đảng viên.") == "Chi bộ Trường Tiểu học Kim Đồng"
    assert (
        _body("Đảng bộ Sở Thông tin và Truyền thông có 40 đảng viên.")
        == "Đảng bộ Sở Thông tin và Truyền thông"
    )


def test_a_body_named_as_another_bodys_is_not_the_issuer():
    text = (
        "Dưới sự lãnh đạo của Tỉnh ủy Phú Thọ và Đảng ủy Khối các cơ quan tỉnh, Đảng bộ Sở Tài chính "
        "đã hoàn thành nhiệm vụ. Đảng bộ Sở Tài chính là đảng bộ cơ sở trực thuộc Đảng ủy Khối các cơ quan tỉnh."
    )
    assert _body(text) == "Đảng bộ Sở Tài chính"
    # With no body named as itself, the body the title names is the issuer.
    assert _body("Báo cáo kết quả công tác năm 2024 của Đảng ủy phường Tân Dân") == "Đảng ủy phường Tân Dân"


def test_a_short_mention_counts_for_the_full_name():
    text = (
        "Đảng bộ Khối các cơ quan tỉnh đã lãnh đạo. Đảng bộ Khối kết nạp 120 đảng viên. Đảng bộ Khối có 98 "
        "chi bộ. Đảng bộ Sở Y tế có 60 đảng viên."
    )
    assert _body(text) == "Đảng bộ Khối các cơ quan tỉnh"
    # A name in capitals (a header) is read in the case the text writes it elsewhere.
    header = "ĐẢNG ỦY KHỐI CÁC CƠ QUAN TỈNH\n\nĐảng ủy Khối các cơ quan tỉnh đã lãnh đạo thực hiện nhiệm vụ."
    assert _body(header) == "Đảng ủy Khối các cơ quan tỉnh"


def test_the_header_names_the_issuer_below_its_superior():
    inspection = """ĐẢNG BỘ TỈNH YÊN BÁI
HUYỆN ỦY TRẤN YÊN                ĐẢNG CỘNG SẢN VIỆT NAM
ỦY BAN KIỂM TRA
*
Số 12-BC/UBKTHU          Trấn Yên, ngày 10 tháng 12 năm 2024

BÁO CÁO
Kết quả công tác kiểm tra, giám sát năm 2024

Năm 2024, Ủy ban Kiểm tra Huyện ủy đã kiểm tra 9 tổ chức đảng. Huyện ủy Trấn Yên chỉ đạo sát sao.
"""
    # A body with no name of its own under its committee's line: that committee's body.
    assert _body(inspection) == "Ủy ban Kiểm tra Huyện ủy Trấn Yên"
    cell = """ĐẢNG BỘ XÃ MINH QUÂN
CHI BỘ TRƯỜNG THCS MINH QUÂN
*
Số 03-BC/CB

BÁO CÁO
Kiểm điểm tập thể chi bộ năm 2024

Đảng bộ xã Minh Quân chỉ đạo chi bộ. Đảng bộ xã Minh Quân có 25 chi bộ.
"""
    # The superior is named more often in the text; the header still says who issues the report.
    assert _body(cell) == "Chi bộ Trường THCS Minh Quân"


def test_a_long_name_wrapped_in_the_header_is_read_whole():
    text = """ĐẢNG BỘ KHỐI DOANH NGHIỆP TỈNH
ĐẢNG ỦY CÔNG TY CỔ PHẦN
CẤP THOÁT NƯỚC HÒA BÌNH
*
Số 21-BC/ĐU

BÁO CÁO
Tổng kết công tác đảng năm 2024

Đảng bộ Khối Doanh nghiệp tỉnh chỉ đạo. Đảng bộ Khối Doanh nghiệp tỉnh kiểm tra.
"""
    from ingest.normalize import fold

    # Never written in prose: read in capitals, the whole name across the wrap.
    assert fold(_body(text)) == fold("Đảng ủy Công ty Cổ phần Cấp thoát nước Hòa Bình")
    assert _body(text).endswith("Hòa Bình")


def test_an_annual_report_covers_its_year_though_it_looks_ahead_to_a_term():
    text = (
        "BÁO CÁO\nTổng kết công tác xây dựng Đảng năm 2024 của Đảng ủy xã Đông Sơn\n\n"
        "Năm 2024, Đảng ủy xã tập trung chuẩn bị đại hội nhiệm kỳ 2025 - 2030. Đại hội nhiệm kỳ 2025 - 2030 "
        "được tổ chức thành công."
    )
    assert read_metadata(normalize_text(text), "a.txt").term == "2024"


def test_the_title_names_its_issuer_after_of_unless_it_names_a_document_there():
    """ "Tổng kết công tác năm 2024 của Đảng ủy xã Hương Nộn": the title's "của" names the issuer, not
    another body, even when a body of the commune ("Ủy ban Kiểm tra Đảng ủy xã") is named in the text;
    "thực hiện Nghị quyết 03-NQ/ĐUK của Ban Thường vụ Đảng ủy Khối" names the resolution's issuer."""
    from ingest.metadata import read_metadata

    commune = (
        "BÁO CÁO\nTổng kết công tác xây dựng Đảng năm 2024 của Đảng ủy xã Hương Nộn, tỉnh Phú Thọ\n\n"
        "I. KẾT QUẢ\nỦy ban Kiểm tra Đảng ủy xã đã kiểm tra 6 tổ chức đảng.\n"
    )
    assert read_metadata(commune, "c.txt").issuing_body == "Đảng ủy xã Hương Nộn"
    carried = (
        "BÁO CÁO\nKết quả thực hiện Nghị quyết 03-NQ/ĐUK của Ban Thường vụ Đảng ủy Khối các cơ quan tỉnh\n\n"
        "Đảng bộ Sở Tài chính đã quán triệt nghị quyết. Đảng bộ Sở Tài chính có 12 chi bộ.\n"
    )
    assert read_metadata(carried, "r.txt").issuing_body == "Đảng bộ Sở Tài chính"


def test_a_review_of_years_carrying_out_a_resolution_is_thematic_and_of_its_period_not_its_horizon():
    text = (
        "BÁO CÁO\nSƠ KẾT 3 NĂM THỰC HIỆN NGHỊ QUYẾT SỐ 07-NQ/TU CỦA BAN CHẤP HÀNH ĐẢNG BỘ TỈNH VỀ PHÁT TRIỂN "
        "DU LỊCH GIAI ĐOẠN 2021–2025, ĐỊNH HƯỚNG ĐẾN NĂM 2030\n\n"
        "Huyện ủy Đông Triều báo cáo kết quả giai đoạn 2022–2024 như sau."
    )
    meta = read_metadata(normalize_text(text), "r.txt")
    assert meta.kind == "thematic_review"
    assert meta.term == "2021–2025"
    annual = "BÁO CÁO\nTổng kết công tác năm 2024, phương hướng, nhiệm vụ năm 2025 của Huyện ủy Đông Triều\n"
    assert read_metadata(normalize_text(annual), "a.txt").kind == "annual_summary"


SIGNED = normalize_text(
    """HUYỆN ỦY LẠC YÊN
BAN TUYÊN GIÁO
*
Số 21-BC/BTGHU
ĐẢNG CỘNG SẢN VIỆT NAM
Lạc Yên, ngày 9 tháng 4 năm 2025

BÁO CÁO
Kết quả công tác tuyên giáo quý I năm 2025

Tổ chức 12 hội nghị quán triệt nghị quyết.

T/M BAN THƯỜNG VỤ
PHÓ TRƯỞNG BAN
(Đã ký)
Thượng tá Lò Văn Sơn

Nơi nhận:
- Thường trực Huyện ủy,
- Lưu Văn phòng.
"""
)


def test_the_signature_block_names_the_signer_and_office():
    from ingest.signature import signature

    signed = signature(SIGNED)
    assert signed is not None
    assert (signed.name, signed.office) == ("Thượng tá Lò Văn Sơn", "PHÓ TRƯỞNG BAN")
    assert SIGNED[signed.start : signed.end].endswith("Lò Văn Sơn")
    # A capitalised heading followed by text is no signature block.
    assert signature("II. NHIỆM VỤ\nBÍ THƯ CHI BỘ\nphải gương mẫu đi đầu trong mọi việc.\n") is None


def test_a_documents_number_is_answered_with_its_date_and_signer(engine_on):
    engine = engine_on({"signed.txt": SIGNED})
    answer = engine.ask("Báo cáo quý I năm 2025 của Ban Tuyên giáo Huyện ủy Lạc Yên số hiệu gì, ai ký?")
    assert "21-BC/BTGHU" in answer.text and "9/4/2025" in answer.text and "Lò Văn Sơn" in answer.text
    for cited in answer.citations:
        assert SIGNED[cited.start : cited.end] == cited.text
