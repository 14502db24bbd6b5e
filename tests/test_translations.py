"""The Dutch catalogue is complete: every msgid in the code has a translation, none is fuzzy.

The .po file is the source of truth (`make messages` = makemessages + compilemessages). This test
extracts the msgids the way `make messages` does, but into a temporary copy of the catalogue, so
it never changes the work tree, and fails on anything untranslated or fuzzy there — including a
string added to the code without running `make messages`. It also checks the committed .mo is
compiled from the committed .po.
"""

import os
import shutil
import subprocess
import sys
from pathlib import Path

import polib

ROOT = Path(__file__).resolve().parent.parent
PO = ROOT / "locale" / "nl" / "LC_MESSAGES" / "django.po"
MAKEMESSAGES_IGNORES = [".venv", "var", "static", "tests", "bench", "node_modules", "docs"]


def _untranslated(po: polib.POFile) -> list[str]:
    bad = []
    for entry in po:
        if entry.obsolete:
            continue
        if "fuzzy" in entry.flags:
            bad.append(f"fuzzy: {entry.msgid!r}")
        elif entry.msgid_plural:
            if not all(entry.msgstr_plural.get(i) for i in (0, 1)):
                bad.append(f"untranslated: {entry.msgid!r}")
        elif not entry.msgstr:
            bad.append(f"untranslated: {entry.msgid!r}")
    return bad


def test_committed_catalogue_is_complete_and_compiled():
    po = polib.pofile(str(PO))
    assert len(po) > 500  # the catalogue really is the project's
    assert _untranslated(po) == []
    compiled = polib.mofile(str(PO.with_suffix(".mo")))
    expected = {e.msgid: e.msgstr for e in po if not e.obsolete and not e.msgid_plural}
    got = {e.msgid: e.msgstr for e in compiled if not e.msgid_plural}
    stale = sorted(k for k, v in expected.items() if got.get(k) != v)
    assert stale == [], f"django.mo is not compiled from django.po ({len(stale)} differ): run `make messages`"


def test_catalogue_compiles_with_valid_placeholders():
    # What `compilemessages` runs: msgfmt --check refuses a translation whose %(name)s / {name}
    # placeholders don't match the msgid's, which would crash the page at render time.
    result = subprocess.run(["msgfmt", "--check", "-o", os.devnull, str(PO)], capture_output=True, text=True)
    assert result.returncode == 0, result.stderr


def test_every_msgid_in_the_code_has_a_dutch_translation(tmp_path):
    # makemessages writes next to the code it scans, so it runs on a copy of the tree.
    copy = tmp_path / "src"
    shutil.copytree(
        ROOT, copy, symlinks=True,
        ignore=shutil.ignore_patterns(".git", ".venv", "var", "node_modules", "vendor", "__pycache__", "*.sqlite3"),
    )
    env = {**os.environ, "DJANGO_SETTINGS_MODULE": "kcc.settings.test", "PYTHONPATH": str(copy)}
    cmd = [sys.executable, "manage.py", "makemessages", "-l", "nl", "--no-obsolete", "--no-location"]
    cmd += [f"--ignore={name}" for name in MAKEMESSAGES_IGNORES]
    subprocess.run(cmd, cwd=copy, env=env, check=True, capture_output=True, text=True)
    extracted = polib.pofile(str(copy / "locale" / "nl" / "LC_MESSAGES" / "django.po"))
    assert len(extracted) > 500
    assert _untranslated(extracted) == [], "run `make messages` and translate the new strings in locale/nl/LC_MESSAGES/django.po"
