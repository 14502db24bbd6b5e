"""CSV formula-injection defence, shared by every export (signals, dashboard, admin).

A spreadsheet runs a cell as a formula when its text starts with = + - @ (or TAB/CR/LF, or the
full-width forms), also after leading spaces: such text gets a leading apostrophe.
"""

FORMULA_PREFIXES = ("=", "+", "-", "@", "\t", "\r", "\n", "＝", "＋", "－", "＠")


def defuse(text: str) -> str:
    if text.lstrip(" ").startswith(FORMULA_PREFIXES):
        return "'" + text
    return text
