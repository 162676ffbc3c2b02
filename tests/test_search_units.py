from assistant.question import ReportsView, is_count_question, parse_question
from ingest.glossary import lexical_query, looks_english, translate_terms
from ingest.tokens import document_tokens, query_tokens
from ingest.types import ReportMeta
from vectorstore.lexical import LexicalIndex
from vectorstore.scope import name_index, report_scope

DOCS = {
    "discipline": "Đảng bộ đã xử lý kỷ luật 50 đảng viên vi phạm.",
    "admission": "Kết nạp 339 đảng viên mới trong nửa nhiệm kỳ.",
    "committee": "BCH Đảng bộ Sở KH&CN gồm 11 đồng chí.",
    "training": "Phối hợp mở 03 lớp trung cấp lý luận chính trị.",
}


def scope_of(question: str, reports: dict[str, ReportMeta]) -> list[str] | None:
    """The scope as the engine finds it, through the index of name words, which must find what matching
    every report finds."""
    scope = report_scope(question, reports, name_index(reports))
    assert scope == report_scope(question, reports)
    return scope


def index() -> LexicalIndex:
    return LexicalIndex.build(list(DOCS), [document_tokens(t) for t in DOCS.values()])


def test_query_without_diacritics_matches():
    assert index().search("co bao nhieu dang vien bi ky luat", 1)[0][0] == "discipline"


def test_segmented_compounds_are_indexed_and_queried():
    assert "dang_vien" in document_tokens("đảng viên")
    assert "ky_luat" in query_tokens("ky luat")


def test_abbreviations_expand_both_ways():
    hits = [cid for cid, _ in index().search("ban chấp hành sở khoa học và công nghệ", 2)]
    assert hits[0] == "committee"
    assert "ban" in query_tokens("BCH")


def test_a_word_is_not_taken_for_the_abbreviation_it_folds_to():
    """ "tự vệ" folds to "tu ve", and "TU" abbreviates "Tỉnh ủy": a word with marks, or a syllable-shaped
    abbreviation not in capitals, abbreviates nothing; "ubkt" typed in lower case still does."""
    assert "tinh" not in query_tokens("lực lượng dân quân tự vệ")
    assert "tinh" not in document_tokens("Lực lượng dân quân tự vệ kết nạp 47 đảng viên.")
    assert "tinh" in query_tokens("Nghị quyết 05-NQ/TU")
    assert "kiem" in query_tokens("ubkt huyện")
    assert "uy" not in query_tokens("du lịch")


def test_english_query_finds_vietnamese_through_the_glossary():
    assert looks_english("How many members were disciplined?")
    assert looks_english("In the Phú Thọ S&T term review, how many members were disciplined?")
    assert not looks_english("Có bao nhiêu đảng viên bị kỷ luật?")
    expanded = lexical_query("How many members were disciplined?").text
    assert "kỷ luật" in expanded and "đảng viên" in expanded
    assert index().search(expanded, 1)[0][0] == "discipline"
    assert "khai trừ" in translate_terms("How many were expelled?")


def test_filter_limits_lexical_results():
    hits = index().search("đảng viên", 5, allowed={"admission"})
    assert [cid for cid, _ in hits] == ["admission"]


def test_count_questions_recognised():
    assert is_count_question("co bao nhieu dang vien")
    assert is_count_question("What share of party members hold a master's degree?")
    assert not is_count_question("Vì sao chậm tiến độ?")


def test_scope_from_question():
    reports = {
        "a": ReportMeta(
            doc="a", issuing_body="Đảng bộ Khối các cơ quan tỉnh", province="Phú Thọ", kind="midterm_review"
        ),
        "b": ReportMeta(
            doc="b", issuing_body="Đảng bộ Sở Khoa học và Công nghệ", province="Phú Thọ", kind="term_review"
        ),
        "c": ReportMeta(
            doc="c", issuing_body="Đảng bộ Sở Khoa học và Công nghệ", province="Bến Tre", kind="term_review"
        ),
    }
    assert scope_of("In the Bloc of provincial agencies mid-term report, how many?", reports) == ["a"]
    assert scope_of("In the Phú Thọ S&T term review, how many?", reports) == ["b"]
    assert scope_of("Sở KH&CN Bến Tre có bao nhiêu đảng viên?", reports) == ["c"]
    assert scope_of("Có bao nhiêu đảng viên bị kỷ luật?", reports) is None
    # "Which reports ...": about all of them, whatever else the question names.
    view = ReportsView(reports, lambda _token: True)
    assert parse_question("Những báo cáo nào nhắc tới Bến Tre?", [], view).implied_scope is None
    assert parse_question("Sở KH&CN Bến Tre có bao nhiêu đảng viên?", [], view).implied_scope == ("c",)


def test_words_naming_the_report_are_taken_out():
    from vectorstore.scope import strip_naming, strip_naming_text

    meta = ReportMeta(doc="b", issuing_body="Đảng bộ Sở Khoa học và Công nghệ", province="Bến Tre")
    text = "Sở Khoa học và Công nghệ Bến Tre hỗ trợ bao nhiêu doanh nghiệp?"
    assert strip_naming_text(text, [meta]) == "hỗ trợ bao nhiêu doanh nghiệp"
    words = [
        "bao",
        "cao",
        "so",
        "ket",
        "cua",
        "so",
        "khoa",
        "hoc",
        "va",
        "cong",
        "nghe",
        "ben",
        "tre",
        "ve",
        "doanh",
        "nghiep",
    ]
    assert strip_naming(words, [meta]) == ["cua", "ve", "doanh", "nghiep"]


def test_the_place_a_body_is_named_after_names_its_report():
    from vectorstore.scope import strip_naming

    meta = ReportMeta(doc="d", issuing_body="Huyện ủy Tân Lạc", province="Hòa Bình")
    words = ["huyen", "tan", "lac", "rut", "ra", "nhung", "bai", "hoc", "gi"]
    assert strip_naming(words, [meta]) == ["huyen", "rut", "ra", "nhung", "bai", "hoc", "gi"]
    one_word = ReportMeta(doc="e", issuing_body="Chi bộ Đông", province="")
    assert strip_naming(["chi", "dong", "co"], [one_word]) == ["chi", "dong", "co"]  # one syllable: no name


def test_scope_names_any_kind_of_body():
    # No rule for particular bodies: a question names a report by a distinctive run of its body's name.
    reports = {
        "district": ReportMeta(doc="d", issuing_body="Huyện ủy Tam Nông", province="Phú Thọ"),
        "commune": ReportMeta(doc="c", issuing_body="Đảng ủy xã Hương Nộn", province="Phú Thọ"),
        "inspect": ReportMeta(doc="i", issuing_body="Ủy ban Kiểm tra Thành ủy Việt Trì", province="Phú Thọ"),
        "health": ReportMeta(doc="h", issuing_body="Đảng bộ Sở Y tế", province="Phú Thọ"),
    }
    assert scope_of("Huyện ủy Tam Nông kết nạp bao nhiêu đảng viên?", reports) == ["district"]
    assert scope_of("xa huong non co bao nhieu dang vien", reports) == ["commune"]
    assert scope_of("Ủy ban Kiểm tra Thành ủy Việt Trì đã kiểm tra bao nhiêu tổ chức?", reports) == [
        "inspect"
    ]
    assert scope_of("How many members did the Đảng bộ Sở Y tế admit?", reports) == ["health"]
    assert scope_of("Có bao nhiêu đảng viên ở Phú Thọ?", reports) == sorted(reports)  # all of them
    assert scope_of("Có bao nhiêu đảng viên bị kỷ luật?", reports) is None


def test_a_document_code_names_the_report_on_it_not_its_issuer():
    # "12-NQ/ĐUK" is a resolution of the Đảng ủy Khối: the question asks about the report carrying it out,
    # not about a report of the Đảng ủy Khối itself.
    reports = {
        "bloc": ReportMeta(doc="b", issuing_body="Đảng bộ Khối các cơ quan tỉnh", province="Hòa Bình"),
        "review": ReportMeta(
            doc="r",
            issuing_body="Đảng bộ Sở Tài chính",
            province="Hòa Bình",
            title="Báo cáo sơ kết 2 năm thực hiện Nghị quyết 12-NQ/ĐUK về công tác dân vận",
        ),
    }
    assert scope_of("Khi thực hiện Nghị quyết 12-NQ/ĐUK có những khó khăn gì?", reports) == ["review"]
    assert scope_of("Nghị quyết 12 - NQ/ĐUK được triển khai thế nào?", reports) == ["review"]
    assert scope_of("Đảng ủy Khối có bao nhiêu chi bộ?", reports) == ["bloc"]
    assert scope_of("Nghị quyết 40-NQ/TW được triển khai thế nào?", reports) is None


def test_english_glosses_name_terms_not_parts_of_words():
    from assistant.wording import quote_line

    # A one-syllable term inside a compound word or a name is not the term: "tổ" in "tổ chức", "nam" in
    # "Hà Nam" and "Việt Nam", "sở" in "cơ sở".
    assert quote_line("Buổi lễ được tổ chức tại Hà Nam, Việt Nam.", "en", 1).startswith("- «")
    assert "department" not in quote_line("Hỗ trợ 20 cơ sở sản xuất.", "en", 1)
    assert "male" in quote_line("Chi bộ có 12 đảng viên nam.", "en", 1)
    assert "department" in quote_line("Sở Tư pháp hỗ trợ 20 cơ sở sản xuất.", "en", 1)


def test_each_body_named_has_its_report_in_scope_unless_named_in_passing():
    reports = {
        "finance": ReportMeta(doc="f", issuing_body="Đảng bộ Sở Tài chính", province="Hòa Bình", term="2024"),
        "bloc": ReportMeta(doc="b", issuing_body="Đảng bộ Khối các cơ quan tỉnh", province="Hòa Bình"),
        "health": ReportMeta(doc="h", issuing_body="Đảng bộ Sở Y tế", province="Hòa Bình"),
    }
    # The year favours one report; the other body named keeps its own best report.
    compared = (
        "Năm 2024 Đảng bộ Sở Tài chính kết nạp bao nhiêu đảng viên so với Đảng bộ Khối các cơ quan tỉnh?"
    )
    assert scope_of(compared, reports) == ["bloc", "finance"]
    passing = "Năm 2024 Đảng bộ Sở Tài chính trực thuộc Đảng bộ Khối các cơ quan tỉnh có bao nhiêu chi bộ?"
    assert scope_of(passing, reports) == ["finance"]


def test_a_passage_ranks_by_its_sentence_nearest_the_question():
    """The sentence ranking: each passage scores its nearest sentence; a sentence in the overlap of two
    passages counts for both, one cut between them for neither; sentences of reports not indexed are
    ignored."""
    from ingest.types import Chunk
    from vectorstore.hybrid import HybridSearcher

    meta = ReportMeta(doc="r")
    text = "Câu một. Câu hai. Câu ba. Câu bốn."
    chunks = {
        "first": Chunk("first", "r", text[0:17], 0, 17, "", "", meta),
        "second": Chunk("second", "r", text[9:34], 9, 34, "", "", meta),
    }
    searcher = HybridSearcher(None, None, None, None, chunks, {"r": meta}, None)
    # (report, start, end, similarity), best first, as the store returns them.
    nearest = [("r", 26, 34, 0.9), ("r", 9, 17, 0.8), ("r", 0, 8, 0.7), ("gone", 0, 8, 0.95)]
    assert searcher._by_nearest_sentence(nearest) == [("second", 0.9), ("first", 0.8)]
    assert searcher._by_nearest_sentence(nearest[1:]) == [("first", 0.8), ("second", 0.8)]
    assert searcher._by_nearest_sentence([("r", 5, 20, 0.6)]) == []


def test_a_term_spelled_two_ways_is_translated_once():
    """Variants that differ only in tone placement ("uỷ" / "ủy") fold alike: written once, they do not
    weigh twice in the query."""
    from ingest.glossary import _spelled_once
    from ingest.normalize import fold

    assert _spelled_once("cấp ủy viên|cấp uỷ viên") == "cấp ủy viên"
    assert _spelled_once("chỉ tiêu|phấn đấu") == "chỉ tiêu phấn đấu"
    translated = fold(translate_terms("How many probationary party members were admitted?"))
    assert translated.count("du bi") == 1


def test_english_tags_follow_the_quote_and_leave_out_what_the_question_names():
    """The English tag of a quoted passage lists its glossary terms in the order it writes them, but
    not those the question already names; a long quote gets more of them."""
    from assistant.wording import english_terms

    quote = "Công tác kiểm tra còn hạn chế; chất lượng sinh hoạt chi bộ chưa cao, còn đảng viên vi phạm."
    assert english_terms(quote).split("; ")[:3] == ["inspection", "shortcomings", "quality"]
    tags = english_terms(quote, asked="What were the shortcomings of inspection work?").split("; ")
    assert "inspection" not in tags and "shortcomings" not in tags and tags[0] == "quality"
    assert len(english_terms(quote).split("; ")) == 4  # a short quote: four at most
    long_quote = f"{quote} Kết nạp đảng viên mới, khai trừ đảng viên, kỷ luật đảng viên vi phạm. " * 3
    assert "expulsion" in english_terms(long_quote).split("; ")[4:]


def test_a_body_of_another_level_with_a_like_name_is_not_named():
    """ "Huyện ủy Vĩnh Phú" names the district's body, not the city committee "Thành ủy Vĩnh Khang" whose
    name starts alike; "Đảng bộ" and "Đảng ủy" name one body (the organisation and its committee)."""
    reports = {
        "district": ReportMeta(
            doc="d", issuing_body="Ủy ban Kiểm tra Huyện ủy Vĩnh Phú", province="Sóc Trăng"
        ),
        "city": ReportMeta(doc="c", issuing_body="Thành ủy Vĩnh Khang", province="Phú Thọ"),
        "bloc": ReportMeta(doc="b", issuing_body="Đảng ủy Khối doanh nghiệp", province="Bình Phước"),
    }
    assert scope_of("Năm 2024 Ủy ban Kiểm tra Huyện ủy Vĩnh Phú giám sát bao nhiêu đảng viên?", reports) == [
        "district"
    ]
    assert scope_of("Thành ủy Vĩnh Khang đã xác minh tài sản của bao nhiêu người?", reports) == ["city"]
    assert scope_of("Đảng bộ Khối kết nạp bao nhiêu đảng viên?", reports) == ["bloc"]


def test_english_plurals_of_glossary_phrases_are_the_phrase():
    from ingest.glossary import head_term

    assert head_term("staff asset declarations")[1] == head_term("asset declaration")[1] != ""
    assert head_term("asset declarationz")[1] == ""  # only "s" and "es" make a plural


def test_two_bodies_of_one_name_told_apart_by_province_are_both_in_scope():
    reports = {
        # the term named fits one report better: the other is still named by its province
        "pt": ReportMeta(
            doc="p", issuing_body="Đảng bộ Sở Khoa học và Công nghệ", province="Phú Thọ", term="2020–2025"
        ),
        "vp": ReportMeta(
            doc="v", issuing_body="Đảng bộ Sở Khoa học và Công nghệ", province="Vĩnh Phúc", term="2020"
        ),
        "bt": ReportMeta(doc="b", issuing_body="Đảng bộ Sở Khoa học và Công nghệ", province="Bến Tre"),
    }
    both = "Giữa Đảng bộ Sở Khoa học và Công nghệ Phú Thọ và Đảng bộ Sở Khoa học và Công nghệ Vĩnh Phúc, nhiệm kỳ 2020–2025 bên nào đông hơn?"
    assert scope_of(both, reports) == ["pt", "vp"]
    assert scope_of("Đảng bộ Sở Khoa học và Công nghệ Phú Thọ có bao nhiêu chi bộ?", reports) == ["pt"]


def test_a_named_body_outweighs_a_shared_term_and_a_kind_of_body_alone_names_none():
    reports = {
        "district": ReportMeta(
            doc="d", issuing_body="Huyện ủy Quỳnh Sơn", province="Nghệ An", term="2025–2030"
        ),
        "ward": ReportMeta(
            doc="w", issuing_body="Đảng ủy phường Mỹ An", province="Đà Nẵng", term="2020–2025"
        ),
        "inspect": ReportMeta(
            doc="i", issuing_body="Ủy ban Kiểm tra Huyện ủy Vĩnh Phú", province="Sóc Trăng"
        ),
    }
    asked = "How many new members did the Quỳnh Sơn district party committee admit over the 2020–2025 term?"
    assert scope_of(asked, reports) == ["district"]


def test_an_english_word_is_not_a_glossary_unit_with_an_s():
    assert "ha" not in translate_terms("How much has been recovered?").split()  # "has" is not hectares
    assert "bao nhiêu ha" in translate_terms("how many hectares")


def test_initials_are_of_content_syllables_and_never_a_word():
    from ingest.tokens import acronyms

    assert "ttv" in acronyms(["tuyen", "truyen", "vien"])
    assert "hoi" not in acronyms(["handed", "out", "in"])  # shaped like a syllable: a word, not initials
    assert not acronyms(["trong", "do", "cap"])  # "trong đó" are function words


def test_an_english_questions_level_of_administration_names_the_body_in_scope():
    from vectorstore.scope import strip_naming

    meta = ReportMeta(doc="d", issuing_body="Đảng đoàn Hội đồng nhân dân tỉnh", province="Tuyên Quang")
    # "the Tuyen Quang provincial People's Council's weaknesses": "tỉnh" is where the council is
    words = ["tuyen", "quang", "tinh", "hoi", "dong", "nhan", "dan", "han", "che"]
    assert strip_naming(words, [meta], levels=True) == ["han", "che"]
    assert "tinh" in strip_naming(words, [meta])  # folded, a Vietnamese "tỉnh" may be "tình"


def test_a_verb_phrase_is_said_in_english_as_the_term_it_ends_on():
    from ingest.glossary import english_participle

    # "thi hành kỷ luật" (enforce discipline): "6 party members disciplined", not "... disciplinary action"
    assert english_participle("thi hành kỷ luật") == english_participle("kỷ luật") == "disciplined"
    assert english_participle("khai trừ") == "expelled"  # a term's own "-ed" phrase first
