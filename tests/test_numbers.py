"""Number parsing, finding and formatting on texts written for these tests."""

from __future__ import annotations

import pytest

from ingest.numbers import NUMBER_RE, format_number, numbers_in, parse_number, same_number


@pytest.mark.parametrize(
    ("raw", "value"),
    [
        ("06", 6),
        ("0", 0),
        ("39,4", 39.4),
        ("1,5", 1.5),
        ("34.84", 34.84),
        ("0.5", 0.5),
        ("1.5", 1.5),
        ("5.000", 5000),
        ("2.500", 2500),
        ("1.246.226", 1246226),
        ("1,246,226", 1246226),
        ("1.246,5", 1246.5),
        ("4241514", 4241514),
    ],
)
def test_parse_number_vietnamese_conventions(raw: str, value: float) -> None:
    assert parse_number(raw) == pytest.approx(value)


@pytest.mark.parametrize("raw", ["", "abc", "3,4,5,6", "1.2.3", "12a", "1.246.22"])
def test_parse_number_rejects_non_numbers(raw: str) -> None:
    assert parse_number(raw) is None


def test_parse_number_english_comma_groups_thousands() -> None:
    assert parse_number("4,500", lang="en") == 4500
    assert parse_number("4,500") == pytest.approx(4.5)  # Vietnamese: a decimal comma
    assert parse_number("34.84", lang="en") == pytest.approx(34.84)


def _found(text: str) -> list[str]:
    return [m.group() for m in NUMBER_RE.finditer(text)]


def test_number_re_skips_dates_documents_and_codes() -> None:
    text = (
        "Ngày 05/4/2024, theo Báo cáo số 212-BC/ĐU, Chỉ thị 15-CT/TW, Quy định 09 - QĐ/TW, "
        "Kế hoạch 1888/KH-UBND và Nghị quyết 07/NQ-CĐ, sau dịch Covid-19 và Nghị quyết TW4, "
        "áp dụng 5S, tài liệu (D-07 bản lưu), đơn vị đã kết nạp 12 đảng viên."
    )
    assert _found(text) == ["12"]


def test_number_re_keeps_quantities_and_separates_footnote_markers() -> None:
    assert _found("gần 3.200 đảng viên, chiếm 41,7% và 12.5 triệu cây") == ["3.200", "41,7", "12.5"]
    assert _found("tổng 350 ¹ người, khóa XIII¹") == ["350"]
    assert _found("đạt 9/9 đồng chí") == []  # a ratio is handled by the fact extractor


def test_numbers_in_all_digits_by_default() -> None:
    text = "Ngày 05/4/2024 có 12 đảng viên, 9/9 đồng chí, theo Chỉ thị 15-CT/TW."
    values = [v for v, *_ in numbers_in(text)]
    assert values == [5, 4, 2024, 12, 9, 9, 15]
    quantities = [v for v, *_ in numbers_in(text, quantities_only=True)]
    assert quantities == [12, 9, 9]


def test_numbers_in_spans_and_raw() -> None:
    text = "Tỷ lệ đạt 39,4% với 1.246.226 thẻ."
    for value, start, end, raw in numbers_in(text):
        assert text[start:end] == raw
        assert same_number(value, parse_number(raw) or -1)
    assert [r for *_, r in numbers_in(text)] == ["39,4", "1.246.226"]


def test_numbers_in_splits_lists_and_ignores_superscripts() -> None:
    assert [v for v, *_ in numbers_in("Hội nghị lần thứ 3,4,5 BCH khóa XIII¹ ²")] == [3, 4, 5]


def test_same_number() -> None:
    assert same_number(6, 6.0)
    assert same_number(34.84, parse_number("34,84") or 0)
    assert not same_number(50, 53)


@pytest.mark.parametrize(
    ("value", "lang", "text"),
    [
        (39.4, "vi", "39,4"),
        (39.4, "en", "39.4"),
        (6.0, "vi", "6"),
        (1246226, "vi", "1.246.226"),
        (1246226, "en", "1,246,226"),
        (1234.5, "vi", "1.234,5"),
        (0.5, "vi", "0,5"),
        (-12.25, "en", "-12.25"),
    ],
)
def test_format_number(value: float, lang: str, text: str) -> None:
    assert format_number(value, lang) == text


def test_format_number_years_and_round_trip() -> None:
    assert format_number(2025, group_thousands=False) == "2025"
    for value in (6, 39.4, 34.84, 4500, 1246226, 0.5, 1234.5):
        assert same_number(parse_number(format_number(value, "vi")) or -1, value)
        assert same_number(parse_number(format_number(value, "en"), lang="en") or -1, value)
