"""CSV exports that are safe to open in a spreadsheet.

A cell that starts with = + - @ TAB or CR is a formula to Excel and LibreOffice
("CSV injection": =HYPERLINK(...) or =cmd|...). Such text cells get a leading apostrophe, which
spreadsheets show as plain text. Numbers we computed ourselves are written as numbers.
"""

import csv
from collections.abc import Iterable
from decimal import Decimal

from django.http import StreamingHttpResponse
from django.utils.text import slugify

from kcc.core.csvsafe import FORMULA_PREFIXES, defuse  # noqa: F401  (re-exported)


def safe_cell(value) -> str:
    """One CSV cell: numbers as they are, text defused against formula injection."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "ja" if value else "nee"
    if isinstance(value, int | float | Decimal):
        return str(value)
    return defuse(str(value))


class _Echo:
    def write(self, value):
        return value


def csv_response(filename: str, header: Iterable, rows: Iterable[Iterable]) -> StreamingHttpResponse:
    """Stream a semicolon-separated UTF-8 CSV (with BOM, so Excel reads the accents), the
    delimiter Dutch spreadsheet settings expect."""
    writer = csv.writer(_Echo(), delimiter=";", quoting=csv.QUOTE_MINIMAL, lineterminator="\r\n")

    def lines():
        yield "\ufeff"
        yield writer.writerow([safe_cell(c) for c in header])
        for row in rows:
            yield writer.writerow([safe_cell(c) for c in row])

    response = StreamingHttpResponse(lines(), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{slugify(filename) or "export"}.csv"'
    response["Cache-Control"] = "no-store"
    return response
