"""Selectable NL Design System themes (setting KCC_THEME).

`voorbeeld` is the vendored NL Design System example theme. A municipality adds its own theme
by placing `static/themes/<name>/theme.css` that defines its tokens on the class `<name>-theme`
and setting KCC_THEME=<name>.
"""

from django.conf import settings
from django.contrib.staticfiles import finders
from django.core import checks

VENDORED = {"voorbeeld": ("vendor/voorbeeld-theme/theme.css", "voorbeeld-theme")}


def theme(name: str | None = None) -> tuple[str, str]:
    name = name or settings.KCC_THEME
    return VENDORED.get(name, (f"themes/{name}/theme.css", f"{name}-theme"))


@checks.register()
def check_theme(app_configs, **kwargs):
    css, _cls = theme()
    if finders.find(css) is None:
        return [checks.Error(f"KCC_THEME={settings.KCC_THEME!r}: stylesheet static/{css} not found.", id="kcc.E001")]
    return []
