"""The documentation of settings stays true: every environment variable the code reads is in
.env.example, and the locale is complete."""

import ast
import os
import re
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def _env_vars_read_in_settings() -> set[str]:
    source = (ROOT / "kcc" / "settings" / "base.py").read_text()
    return set(re.findall(r'\benv(?:\.\w+)?\(\s*"([A-Z][A-Z0-9_]+)"', source))


def _defaults_in_settings() -> dict[str, object]:
    """{variable: default} of every `env...("NAME", default=<literal or arithmetic>)` read in
    base.py; defaults built from other names (paths under var/) are left out."""
    tree = ast.parse((ROOT / "kcc" / "settings" / "base.py").read_text())
    defaults = {}
    for node in ast.walk(tree):
        if not (isinstance(node, ast.Call) and node.args and isinstance(node.args[0], ast.Constant)):
            continue
        func = node.func
        is_env = (isinstance(func, ast.Name) and func.id == "env") or (
            isinstance(func, ast.Attribute) and isinstance(func.value, ast.Name) and func.value.id == "env"
        )
        default = next((k.value for k in node.keywords if k.arg == "default"), None)
        if not is_env or default is None or any(isinstance(n, ast.Name) for n in ast.walk(default)):
            continue
        defaults[node.args[0].value] = eval(compile(ast.Expression(default), "base.py", "eval"), {"__builtins__": {}})  # noqa: S307
    return defaults


def _documented_values() -> dict[str, str]:
    text = (ROOT / ".env.example").read_text()
    return {m[1]: m[2].strip() for m in re.finditer(r"^#?\s*([A-Z][A-Z0-9_]+)=(.*)$", text, re.M)}


# .env.example shows an example instead of the default for these (the comment above each says so).
EXAMPLE_NOT_DEFAULT = {"DJANGO_ALLOWED_HOSTS", "DATABASE_URL", "REDIS_URL"}


def test_every_setting_read_from_the_environment_is_documented():
    names = _env_vars_read_in_settings()
    assert len(names) > 20  # the regexes really find the reads
    documented = (ROOT / ".env.example").read_text()
    missing = sorted(n for n in names if not re.search(rf"^#?\s*{n}=", documented, re.M))
    assert missing == []


def test_each_default_lives_in_base_py_and_matches_env_example():
    """One place per default: base.py. .env.example shows the same value."""
    defaults, documented = _defaults_in_settings(), _documented_values()
    assert len(defaults) > 40  # the parser really finds the reads
    wrong = {}
    for name, default in defaults.items():
        shown = documented.get(name, "")
        if name in EXAMPLE_NOT_DEFAULT or shown == "":
            continue
        if isinstance(default, bool):
            ok = shown.lower() == str(default).lower()
        elif isinstance(default, int | float):
            ok = float(shown) == float(default)
        else:
            ok = shown == default
        if not ok:
            wrong[name] = (default, shown)
    assert wrong == {}


def test_no_module_reads_a_kcc_setting_with_a_fallback_default():
    """`getattr(settings, "X", default)` would be a second default next to base.py's."""
    offenders = []
    for folder, dirs, files in os.walk(ROOT):
        dirs[:] = [d for d in dirs if not d.startswith(".") and d not in {"node_modules", "var", "migrations"}]
        for name in files:
            path = Path(folder) / name
            if name.endswith(".py") and path != Path(__file__).resolve():
                if re.search(r"getattr\(\s*settings\s*,[^)]*,", path.read_text(errors="ignore")):
                    offenders.append(str(path.relative_to(ROOT)))
    assert offenders == []
