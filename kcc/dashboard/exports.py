"""CSV exports of the dashboard: through the project's one CSV helper (kcc.core.csvsafe), which
defuses formula injection and writes semicolon-separated UTF-8 with a BOM."""

from collections.abc import Iterable

from kcc.core.csvsafe import FORMULA_PREFIXES, csv_cell, defuse  # noqa: F401  (re-exported)
from kcc.core.csvsafe import csv_response as _csv_response


def safe_cell(value) -> str:
    """One CSV cell as text (kcc.core.csvsafe.csv_cell)."""
    return str(csv_cell(value))


def csv_response(filename: str, header: Iterable, rows: Iterable[Iterable]):
    """Stream the table as a CSV download (kcc.core.csvsafe.csv_response)."""
    return _csv_response(rows, filename=filename, header=header, stream=True)
