"""The one file-name cleaner, for every name that came from outside (a mail attachment, an
uploaded file) and is shown, put in a ZIP or sent in a Content-Disposition header.

The name is only ever shown or offered as a download name, never used as a path: files are
stored under generated names.
"""

import os
import re
import unicodedata

MAX_FILENAME_LENGTH = 100
# Reserved on Windows or breaking a header / quoted string.
_RESERVED_CHARS_RE = re.compile(r'[<>:"|?*;]')
_WINDOWS_RESERVED = frozenset({"con", "prn", "aux", "nul", *(f"com{i}" for i in range(10)), *(f"lpt{i}" for i in range(10))})


def sanitize_filename(name: str | None, *, fallback: str = "bijlage") -> str:
    """A display name without path components, control or bidi characters, at most 100
    characters long (the extension is kept). '../../etc/passwd' becomes 'passwd'."""
    value = unicodedata.normalize("NFC", str(name or ""))
    value = value.replace("\\", "/").rsplit("/", 1)[-1]
    # Category C: controls (CR, LF, NUL), format characters (e.g. U+202E right-to-left
    # override, which disguises 'gpj.exe' as 'exe.jpg'), surrogates, private use, unassigned.
    value = "".join(ch for ch in value if unicodedata.category(ch)[0] != "C")
    value = _RESERVED_CHARS_RE.sub("_", value)
    value = " ".join(value.split()).strip(" .")
    if not value:
        value = fallback
    stem, ext = os.path.splitext(value)
    if stem.lower() in _WINDOWS_RESERVED:
        value = f"_{value}"
        stem = f"_{stem}"
    if len(value) > MAX_FILENAME_LENGTH:
        ext = ext[:16]
        value = stem[: MAX_FILENAME_LENGTH - len(ext)].rstrip(" .") + ext
    return value
