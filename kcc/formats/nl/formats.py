"""One date style for every staff screen and e-mail (FORMAT_MODULE_PATH = ["kcc.formats"]).

Templates never hard-code a format: ``{{ d|date }}`` (date), ``{{ dt|date:"DATETIME_FORMAT" }}``,
``|date:"MONTH_DAY_FORMAT"`` without the year and ``|date:"YEAR_MONTH_FORMAT"`` for a month.
Everything else (input formats, first day of the week) comes from Django's own nl locale.
"""

DATE_FORMAT = "j b Y"  # 4 dec 2026
SHORT_DATE_FORMAT = "j b Y"
DATETIME_FORMAT = "j b Y H:i"  # 4 dec 2026 14:05
SHORT_DATETIME_FORMAT = "j b Y H:i"
TIME_FORMAT = "H:i"
MONTH_DAY_FORMAT = "j b"  # 4 dec
YEAR_MONTH_FORMAT = "F Y"  # december 2026
