"""Configuration checks of the Common Ground integration: commonground.E001 (the server's
deadline must end before the panel gives up in the browser)."""

from django.conf import settings
from django.core.checks import Error, register

from .constants import PANEL_GIVE_UP_MS, SERVER_MARGIN_SECONDS


@register()
def check_timeout_below_give_up(app_configs, **kwargs):
    limit = PANEL_GIVE_UP_MS / 1000 - SERVER_MARGIN_SECONDS
    if settings.KCC_COMMONGROUND_TIMEOUT >= limit or settings.KCC_COMMONGROUND_TIMEOUT <= 0:
        return [Error(
            f"KCC_COMMONGROUND_TIMEOUT is {settings.KCC_COMMONGROUND_TIMEOUT} s: it must be above 0 and below {limit:g} s.",
            hint=f"The desk's panels give up after {PANEL_GIVE_UP_MS / 1000:g} s in the browser; the server must answer "
                 "'niet bereikbaar' itself before that, and free its thread.",
            id="commonground.E001",
        )]
    return []
