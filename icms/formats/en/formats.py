"""English as the Hong Kong courts write it: day before month, 24-hour clock.

The *_FORMAT strings use Django's date format syntax.
"""

DATE_FORMAT = "j M Y"  # 26 Nov 2026
TIME_FORMAT = "H:i"  # 19:06
DATETIME_FORMAT = "j M Y, H:i"  # 26 Nov 2026, 19:06
YEAR_MONTH_FORMAT = "F Y"  # November 2026
MONTH_DAY_FORMAT = "j M"  # 26 Nov
SHORT_DATE_FORMAT = "d/m/Y"  # 26/11/2026
SHORT_DATETIME_FORMAT = "d/m/Y H:i"  # 26/11/2026 19:06

# The portal's own named formats (icms.core.dates.PORTAL_FORMATS).
LONG_DATE_FORMAT = "l j F Y"  # Thursday 26 November 2026
LONG_DATETIME_FORMAT = "l j F Y, H:i"  # Thursday 26 November 2026, 19:06
DATETIME_SECONDS_FORMAT = "j M Y, H:i:s"  # 26 Nov 2026, 19:06:54
LONG_DATETIME_SECONDS_FORMAT = "l j F Y, H:i:s"  # Thursday 26 November 2026, 19:06:54
WEEKDAY_MONTH_DAY_FORMAT = "D j M"  # Thu 26 Nov

# Parsing: ISO first (what <input type="date"> sends and shows), then day before month
# as written in Hong Kong, never month before day.
DATE_INPUT_FORMATS = [
    "%Y-%m-%d",  # '2026-11-26'
    "%d/%m/%Y",  # '26/11/2026'
    "%d/%m/%y",  # '26/11/26'
    "%d %b %Y",  # '26 Nov 2026'
    "%d %B %Y",  # '26 November 2026'
]
DATETIME_INPUT_FORMATS = [
    "%Y-%m-%d %H:%M:%S",  # '2026-11-26 19:06:54'
    "%Y-%m-%d %H:%M:%S.%f",  # '2026-11-26 19:06:54.000200'
    "%Y-%m-%d %H:%M",  # '2026-11-26 19:06'
    "%d/%m/%Y %H:%M:%S",  # '26/11/2026 19:06:54'
    "%d/%m/%Y %H:%M",  # '26/11/2026 19:06'
]
