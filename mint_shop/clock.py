"""Time as the rulebook counts it: aware datetimes stored in UTC, days counted in Europe/London.

Every day count in the system (cooling-off, the 10-day release, the 21-day promise) goes
through here so that midnight and the clock changes are handled in one place.
"""

import datetime as dt
from zoneinfo import ZoneInfo

from django.utils import timezone

LONDON = ZoneInfo("Europe/London")


def now() -> dt.datetime:
    return timezone.now()


def london_date(moment: dt.datetime) -> dt.date:
    """The calendar date in London at an instant (23:30 UTC in summer is the next day)."""
    if timezone.is_naive(moment):
        raise ValueError("london_date needs an aware datetime")
    return moment.astimezone(LONDON).date()


def today() -> dt.date:
    return london_date(now())


def days_after(day: dt.date, days: int) -> dt.date:
    return day + dt.timedelta(days=days)


def start_of_london_day(day: dt.date) -> dt.datetime:
    return dt.datetime.combine(day, dt.time.min, tzinfo=LONDON)


def age_on(born: dt.date, on: dt.date) -> int:
    """Whole years of age on a date; someone born on 29 February turns a year older on 1 March."""
    years = on.year - born.year
    if (on.month, on.day) < (born.month, born.day):
        years -= 1
    return years
