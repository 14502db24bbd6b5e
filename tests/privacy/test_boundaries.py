"""kcc/privacy reads the apps' models and services, never their views or the dashboard: the file
names and the CSV come from core (kcc.core.files, kcc.core.csvsafe)."""

import ast
from pathlib import Path

import kcc.privacy

FORBIDDEN = ("channels.views", "kcc.dashboard", "callbacks.views", "signals.views", "knowledgebase.views")


def _imports(path: Path) -> set[str]:
    found = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            found |= {alias.name for alias in node.names}
        elif isinstance(node, ast.ImportFrom) and node.module and not node.level:
            found |= {node.module, *(f"{node.module}.{alias.name}" for alias in node.names)}
    return found


def test_privacy_imports_no_views_and_no_dashboard():
    root = Path(kcc.privacy.__file__).parent
    offenders = {
        str(path.relative_to(root)): sorted(name for name in _imports(path) if name.startswith(FORBIDDEN))
        for path in root.rglob("*.py")
    }
    assert {path: names for path, names in offenders.items() if names} == {}


def test_the_access_export_cleans_attachment_names_with_the_core_cleaner():
    from kcc.core.files import sanitize_filename
    from kcc.privacy.services import export

    assert export.sanitize_filename is sanitize_filename
    assert sanitize_filename("../../etc/passwd\r\n.html") == "passwd.html"
    assert sanitize_filename('rapport";.pdf') == "rapport__.pdf"
