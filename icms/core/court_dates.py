"""When and where to appear, in the Judiciary's own words: the day, the time and the courtroom.

The forms of the Judiciary's notices of hearing, "Monday, 14 December 2026" and
"9:30 a.m. (HKT)", "2026年12月14日（星期一）" and "上午9時30分（香港時間）",
"Court No. 3" and "第3號法庭": fixed bilingual text, as on every PDF the court makes
(:mod:`icms.core.rendering`), not gettext. Filing prints them on a sealed summons (its
return day) and causebook on its notices of hearing, so they live here, below both.
"""

from __future__ import annotations

import re
from datetime import datetime
from typing import Final

from .time import in_hong_kong

_MONTHS: Final = (
    "January",
    "February",
    "March",
    "April",
    "May",
    "June",
    "July",
    "August",
    "September",
    "October",
    "November",
    "December",
)
_WEEKDAYS_EN: Final = ("Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday")
_WEEKDAYS_ZH: Final = ("星期一", "星期二", "星期三", "星期四", "星期五", "星期六", "星期日")
_COURT_NO: Final = re.compile(r"^\s*court(?:room)?\s*(?:no\.?|number)?\s*(\d+[A-Z]?)\s*$", re.IGNORECASE)


def date_long_en(moment: datetime) -> str:
    """``Monday, 14 December 2026`` (the day in Hong Kong)."""
    local = in_hong_kong(moment)
    return f"{_WEEKDAYS_EN[local.weekday()]}, {local.day} {_MONTHS[local.month - 1]} {local.year}"


def date_long_zh(moment: datetime) -> str:
    """``2026年12月14日（星期一）`` (the day in Hong Kong)."""
    local = in_hong_kong(moment)
    return f"{local.year}年{local.month}月{local.day}日（{_WEEKDAYS_ZH[local.weekday()]}）"


def time_en(moment: datetime) -> str:
    """``9:30 a.m. (HKT)``"""
    local = in_hong_kong(moment)
    hour = local.hour % 12 or 12
    return f"{hour}:{local:%M} {'a.m.' if local.hour < 12 else 'p.m.'} (HKT)"


def time_zh(moment: datetime) -> str:
    """``上午9時30分（香港時間）``"""
    local = in_hong_kong(moment)
    hour = local.hour % 12 or 12
    return f"{'上午' if local.hour < 12 else '下午'}{hour}時{local.minute:02d}分（香港時間）"


def appearance_en(moment: datetime) -> str:
    """``Monday, 14 December 2026 at 9:30 a.m. (HKT)``"""
    return f"{date_long_en(moment)} at {time_en(moment)}"


def appearance_zh(moment: datetime) -> str:
    """``2026年12月14日（星期一）上午9時30分（香港時間）``"""
    return f"{date_long_zh(moment)}{time_zh(moment)}"


def courtroom_zh(courtroom: str) -> str:
    """ "Court No. 31" as 第31號法庭; anything else as entered."""
    match = _COURT_NO.match(courtroom)
    return f"第{match.group(1)}號法庭" if match else courtroom
