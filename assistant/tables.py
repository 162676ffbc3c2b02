"""An answer's table of figures across reports as CSV: what `ask --table` prints and the app offers for
download, the same rows in the same order."""

from __future__ import annotations

import csv
import io
from collections.abc import Sequence

from ingest.types import TableRow

COLUMNS = tuple(TableRow.__dataclass_fields__)


def _cell(value: object) -> str:
    if value is None:
        return ""
    if isinstance(value, float):
        return f"{value:g}"  # 50.0 -> "50", 21.5 -> "21.5": a spreadsheet reads either
    return str(value)


def table_csv(rows: Sequence[TableRow]) -> str:
    """The rows as CSV with a header line (UTF-8 text; the caller writes it)."""
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(COLUMNS)
    for row in rows:
        writer.writerow([_cell(getattr(row, name)) for name in COLUMNS])
    return out.getvalue()
