"""The reports panel of the chat app: report choices, the reports table and the status line."""

from __future__ import annotations

import html

from assistant.app_safety import ACCEPTED
from assistant.engine import Engine
from assistant.labels import full_label, kind_name

EMPTY_INDEX_MESSAGE = (
    "Chưa có báo cáo nào trong chỉ mục. Mở thẻ «Báo cáo» để tải báo cáo lên "
    f"({', '.join(ACCEPTED)}), rồi hỏi lại."
)


def choice_label(meta) -> str:
    """A report in the filter and removal lists: its label (a long title cut) and its file name."""
    title = meta.title or meta.doc
    title = title if len(title) <= 90 else title[:88].rstrip() + "…"
    return f"{full_label(title, meta.issuing_body, meta.province, meta.term)} [{meta.doc}]"


def report_choices(engine: Engine) -> list[tuple[str, str]]:
    return [(choice_label(r.meta), r.key) for r in sorted_reports(engine)]


def sorted_reports(engine: Engine):
    return sorted(engine.reports(), key=lambda r: (r.meta.title or r.meta.doc).lower())


def reports_table_html(engine: Engine) -> str:
    reports = sorted_reports(engine)
    if not reports:
        return f'<div class="ra-empty">{html.escape(EMPTY_INDEX_MESSAGE)}</div>'
    rows = []
    for r in reports:
        m = r.meta
        cells = [
            f'<div class="ra-rep-title">{html.escape(m.title or m.doc)}</div><div class="ra-rep-file">{html.escape(m.doc)}</div>',
            html.escape(kind_name(m.kind, "vi")),
            html.escape(m.issuing_body or "—"),
            html.escape(m.province or "—"),
            html.escape(m.term or "—"),
            html.escape(m.doc_number or "—"),
            html.escape(m.date or "—"),
            str(r.chunks),
        ]
        rows.append("<tr>" + "".join(f"<td>{c}</td>" for c in cells) + "</tr>")
    head = "".join(
        f"<th>{h}</th>"
        for h in ("Báo cáo", "Loại", "Cơ quan ban hành", "Tỉnh", "Nhiệm kỳ/năm", "Số", "Ngày", "Số đoạn")
    )
    return f'<table class="ra-reports"><thead><tr>{head}</tr></thead><tbody>{"".join(rows)}</tbody></table>'


def status_html(engine: Engine) -> str:
    reports = engine.reports()
    if not reports:
        return '<div class="ra-status ra-status-empty">Chưa có báo cáo nào — hãy tải báo cáo lên ở thẻ «Báo cáo».</div>'
    chunks = sum(r.chunks for r in reports)
    samples = sum(1 for r in reports if "tài liệu mẫu" in (r.meta.title or "").lower())
    note = f" ({samples} báo cáo mẫu hư cấu)" if samples else ""
    return f'<div class="ra-status">Đang tra cứu {len(reports)} báo cáo ({chunks} đoạn){note}.</div>'
