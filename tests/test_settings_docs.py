"""The documentation of settings stays true: every environment variable the code reads is in
.env.example, and the locale is complete."""

import re
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def _env_vars_read_in_settings() -> set[str]:
    source = (ROOT / "kcc" / "settings" / "base.py").read_text()
    names = set(re.findall(r'env(?:\.\w+)?\(\s*"([A-Z][A-Z0-9_]+)"', source))
    names |= set(re.findall(r'get\(\s*"([A-Z][A-Z0-9_]+)"', source))
    return names


def test_every_setting_read_from_the_environment_is_documented():
    names = _env_vars_read_in_settings()
    assert len(names) > 20  # the regexes really find the reads
    documented = (ROOT / ".env.example").read_text()
    missing = sorted(n for n in names if not re.search(rf"^#?\s*{n}=", documented, re.M))
    assert missing == []


def test_every_msgid_has_a_dutch_translation():
    result = subprocess.run([sys.executable, "bin/i18n.py", "--check"], cwd=ROOT, capture_output=True, text=True)
    assert result.returncode == 0, result.stderr
