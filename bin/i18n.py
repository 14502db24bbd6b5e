#!/usr/bin/env python3
"""Refresh the Dutch locale: extract English msgids, fill Dutch from the JSON sources, compile.

Sources of truth are `locale/nl/translations/*.json` (one file per app or area, a flat
{"English msgid": "Nederlandse vertaling"} object; plurals as {"msgid": ["enkelvoud", "meervoud"]};
a msgid with a message context as "context\u0004msgid").
Usage: bin/i18n.py            # makemessages + fill + compilemessages, report missing
       bin/i18n.py --check    # exit 1 if any msgid lacks a translation
"""

import json
import subprocess
import sys
from pathlib import Path

import polib

ROOT = Path(__file__).resolve().parent.parent
PO = ROOT / "locale" / "nl" / "LC_MESSAGES" / "django.po"
SOURCES = ROOT / "locale" / "nl" / "translations"
PY = sys.executable


def load_sources() -> dict:
    merged = {}
    for path in sorted(SOURCES.glob("*.json")):
        merged.update(json.loads(path.read_text(encoding="utf-8")))
    return merged


def main() -> int:
    check_only = "--check" in sys.argv
    if not check_only:
        subprocess.run(
            [PY, "manage.py", "makemessages", "-l", "nl", "--no-obsolete", "--no-location",
             "--ignore=.venv", "--ignore=var", "--ignore=static", "--ignore=tests", "--ignore=bench", "--ignore=node_modules"],
            cwd=ROOT, check=True, stdout=subprocess.DEVNULL,
        )
    po = polib.pofile(str(PO))
    sources = load_sources()
    missing = []
    for entry in po:
        if entry.obsolete:
            continue
        if "fuzzy" in entry.flags:
            entry.flags.remove("fuzzy")
            entry.msgstr = ""
            entry.msgstr_plural = {k: "" for k in entry.msgstr_plural} if entry.msgid_plural else entry.msgstr_plural
        # A msgid with a message context (pgettext, {% translate ... context "..." %}) is looked
        # up as "context\u0004msgid": the same English word can need different Dutch.
        value = sources.get(f"{entry.msgctxt}\x04{entry.msgid}" if entry.msgctxt else entry.msgid)
        if entry.msgid_plural:
            if isinstance(value, list) and len(value) == 2:
                entry.msgstr_plural = {0: value[0], 1: value[1]}
            if not all(entry.msgstr_plural.get(i) for i in (0, 1)):
                missing.append(entry.msgid)
        else:
            if isinstance(value, str):
                entry.msgstr = value
            if not entry.msgstr:
                missing.append(entry.msgid)
    if not check_only:
        po.metadata["Language"] = "nl"
        po.metadata["Plural-Forms"] = "nplurals=2; plural=(n != 1);"
        po.metadata["Content-Type"] = "text/plain; charset=UTF-8"
        po.save(str(PO))
        po.save_as_mofile(str(PO.with_suffix(".mo")))
    if missing:
        print(f"{len(missing)} msgid(s) without a Dutch translation:", file=sys.stderr)
        for m in missing:
            print(f"  {m!r}", file=sys.stderr)
        return 1
    print(f"locale/nl: {len(po)} messages, all translated.")
    return 0


if __name__ == "__main__":
    sys.exit(main())
