"""Start-up check: every retention setting is a valid ISO-8601 duration."""

from django.conf import settings
from django.core.checks import Error, register


@register()
def retention_settings_check(app_configs, **kwargs):
    from .constants import RetentionMode
    from .durations import parse_duration
    from .services.retention import CHANNEL_SETTINGS, OTHER_SETTINGS

    errors = []
    for name in [*CHANNEL_SETTINGS.values(), *OTHER_SETTINGS.values()]:
        value = getattr(settings, name).strip()
        if not value:
            continue
        try:
            parse_duration(value)
        except ValueError as exc:
            errors.append(Error(f"{name}: {exc}", id="privacy.E001"))
    if settings.KCC_RETENTION_MODE not in RetentionMode.values:
        errors.append(Error(f"KCC_RETENTION_MODE must be one of {', '.join(RetentionMode.values)}", id="privacy.E002"))
    return errors
