"""D6: when a data request must be answered, counted as the ICO counts.

One month from the day of receipt lands on the same date next month, or on the last day of a
shorter month (31 January -> 28 February); a weekend or an English bank holiday moves it to the
next working day. The extension adds two more months to the receipt date, counted the same way.
"""

import datetime as dt
from functools import cache

import holidays
from dateutil.relativedelta import relativedelta
from django.conf import settings


@cache
def _bank_holidays(year: int) -> frozenset[dt.date]:
    return frozenset(holidays.country_holidays("GB", subdiv="ENG", years=year))


def is_working_day(day: dt.date) -> bool:
    extra = {dt.date.fromisoformat(value) for value in settings.MINT_EXTRA_BANK_HOLIDAYS}
    return day.weekday() < 5 and day not in _bank_holidays(day.year) and day not in extra


def next_working_day(day: dt.date) -> dt.date:
    while not is_working_day(day):
        day += dt.timedelta(days=1)
    return day


def months_after(received_on: dt.date, months: int) -> dt.date:
    return next_working_day(received_on + relativedelta(months=months))


def answer_due_on(received_on: dt.date) -> dt.date:
    return months_after(received_on, settings.MINT_DATA_REQUEST_MONTHS)


def extended_due_on(received_on: dt.date) -> dt.date:
    return months_after(received_on, settings.MINT_DATA_REQUEST_MONTHS + settings.MINT_DATA_REQUEST_EXTENSION_MONTHS)
