from assistant.citations import drop_unsupported_lines, unsupported_numbers

PASSAGE = (
    "xử lý kỷ luật 50 đảng viên (trong đó, khiển trách: 30 đảng viên, cảnh cáo: 06 đảng viên); tỷ lệ 39,4%"
)


def test_numbers_in_the_passage_are_supported_after_normalisation():
    assert unsupported_numbers("50 đảng viên, cảnh cáo 6, khiển trách 30 [1]", [PASSAGE]) == []
    assert unsupported_numbers("39.4% of members [1]", [PASSAGE], lang="en") == []
    assert unsupported_numbers("tỷ lệ 39,4% [2]", [PASSAGE]) == []


def test_a_number_not_in_the_cited_passage_is_rejected():
    assert unsupported_numbers("53 đảng viên bị kỷ luật [1]", [PASSAGE]) == ["53"]
    assert unsupported_numbers("30 đảng viên [12]", [PASSAGE]) == []  # a marker is not a claim


def test_unsupported_lines_are_dropped():
    text = "- Báo cáo A: 50 đảng viên [1]\n- Báo cáo B: 13 đảng viên [2]"
    kept, dropped = drop_unsupported_lines(text, [PASSAGE])
    assert kept == "- Báo cáo A: 50 đảng viên [1]"
    assert dropped == ["13"]
