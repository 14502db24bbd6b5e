from datetime import UTC, datetime

import pytest

from kcc.privacy.checks import retention_settings_check
from kcc.privacy.durations import parse_duration


@pytest.mark.parametrize(
    ("text", "moment", "expected"),
    [
        ("P1Y", datetime(2026, 3, 1, 12, tzinfo=UTC), datetime(2025, 3, 1, 12, tzinfo=UTC)),
        ("P6M", datetime(2026, 8, 31, tzinfo=UTC), datetime(2026, 2, 28, tzinfo=UTC)),  # day clamped to the month
        ("P1M", datetime(2024, 3, 31, tzinfo=UTC), datetime(2024, 2, 29, tzinfo=UTC)),  # leap year
        ("P30D", datetime(2026, 3, 1, tzinfo=UTC), datetime(2026, 1, 30, tzinfo=UTC)),
        ("P2W", datetime(2026, 3, 15, tzinfo=UTC), datetime(2026, 3, 1, tzinfo=UTC)),
        ("P1Y6M", datetime(2026, 7, 1, tzinfo=UTC), datetime(2025, 1, 1, tzinfo=UTC)),
        ("p13m", datetime(2026, 2, 1, tzinfo=UTC), datetime(2025, 1, 1, tzinfo=UTC)),
    ],
)
def test_durations_count_back_in_calendar_units(text, moment, expected):
    assert parse_duration(text).before(moment) == expected


@pytest.mark.parametrize("text", ["", "1Y", "P", "P0D", "PT12H", "P1.5Y", "P-1Y", "one year"])
def test_invalid_durations_are_refused(text):
    with pytest.raises(ValueError):
        parse_duration(text)


def test_start_up_check_refuses_a_bad_retention_setting(settings):
    settings.KCC_RETENTION_EMAIL = "1 jaar"
    settings.KCC_RETENTION_MODE = "sometimes"
    ids = {e.id for e in retention_settings_check(None)}
    assert ids == {"privacy.E001", "privacy.E002"}


def test_empty_period_means_keep_for_ever(settings):
    from kcc.privacy.services import retention_periods

    settings.KCC_RETENTION_CUSTOMER = ""
    assert retention_periods()["customer"] is None
