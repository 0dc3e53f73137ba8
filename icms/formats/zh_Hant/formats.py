"""Traditional Chinese as written in Hong Kong: 2026年11月26日（星期四）19:06.

The *_FORMAT strings use Django's date format syntax; ``l`` is the weekday in the
active language (星期四), and the full-width brackets are the Hong Kong convention.
"""

DATE_FORMAT = "Y年n月j日"  # 2026年11月26日
TIME_FORMAT = "H:i"  # 19:06
DATETIME_FORMAT = "Y年n月j日 H:i"  # 2026年11月26日 19:06
YEAR_MONTH_FORMAT = "Y年n月"  # 2026年11月
MONTH_DAY_FORMAT = "n月j日"  # 11月26日
SHORT_DATE_FORMAT = "Y年n月j日"  # 2026年11月26日
SHORT_DATETIME_FORMAT = "Y年n月j日 H:i"  # 2026年11月26日 19:06

# The portal's own named formats (icms.core.dates.PORTAL_FORMATS).
LONG_DATE_FORMAT = "Y年n月j日（l）"  # 2026年11月26日（星期四）
LONG_DATETIME_FORMAT = "Y年n月j日（l）H:i"  # 2026年11月26日（星期四）19:06
DATETIME_SECONDS_FORMAT = "Y年n月j日 H:i:s"  # 2026年11月26日 19:06:54
LONG_DATETIME_SECONDS_FORMAT = "Y年n月j日（l）H:i:s"  # 2026年11月26日（星期四）19:06:54
WEEKDAY_MONTH_DAY_FORMAT = "n月j日（l）"  # 11月26日（星期四）

# Parsing: ISO first, because a form shows a date in the first input format and
# <input type="date"> accepts only ISO (Django's zh_Hant puts 2026/11/26 first).
DATE_INPUT_FORMATS = [
    "%Y-%m-%d",  # '2026-11-26'
    "%Y/%m/%d",  # '2026/11/26'
    "%Y年%m月%d日",  # '2026年11月26日'
]
DATETIME_INPUT_FORMATS = [
    "%Y-%m-%d %H:%M:%S",  # '2026-11-26 19:06:54'
    "%Y-%m-%d %H:%M:%S.%f",  # '2026-11-26 19:06:54.000200'
    "%Y-%m-%d %H:%M",  # '2026-11-26 19:06'
    "%Y/%m/%d %H:%M:%S",  # '2026/11/26 19:06:54'
    "%Y/%m/%d %H:%M",  # '2026/11/26 19:06'
    "%Y年%m月%d日 %H:%M",  # '2026年11月26日 19:06'
]
